// ListOffsets (2): the earliest offset (-2), the latest (-1, the high watermark), or the first
// offset whose record timestamp is at or after a given time; v7+ the record with the largest
// timestamp (-3, KIP-734); v8+ the local log start (-4, KIP-405: with no tiered storage, the log
// start); v9+ and v11+ the last tiered offset (-5) and the earliest offset awaiting upload (-6),
// which a cluster without tiered storage has none of. v4+ check the client's leader epoch and
// answer each offset's epoch.

import { epochAt } from '../cluster/replica.ts';
import type { Topics } from '../cluster/topics.ts';
import type { PartitionLog } from '../log/partition-log.ts';
import { readBatchHeader, readRecords } from '../protocol/records.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { ListOffsetsRequest } from '../protocol/messages/ListOffsetsRequest.ts';
import { ListOffsetsPartitionResponse, ListOffsetsResponse } from '../protocol/messages/ListOffsetsResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import { defineApi } from './api.ts';
import { leaderEpochError } from './leader-epoch.ts';
import { unknownTopicError } from './topic-ids.ts';

export const LATEST = -1;
export const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
const EARLIEST_PENDING_UPLOAD = -6;
const READ_COMMITTED = 1;

type PartitionResponse = EncodableType<typeof ListOffsetsPartitionResponse>;

export const listOffsets = defineApi({
  request: ListOffsetsRequest,
  response: ListOffsetsResponse,
  versions: '1-11',
  handle(req, { topics, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const described = authorize('DESCRIBE', 'TOPIC', t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) =>
            described
              ? lookUp(topics, broker.id, t, p, req.isolationLevel === READ_COMMITTED)
              : { partitionIndex: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, timestamp: -1, offset: -1 },
          ),
        };
      }),
    };
  },
  describe: (req) =>
    req.topics.map((t) => `${t.name}[${t.partitions.map((p) => `${p.partitionIndex}@${timeName(p.timestamp)}`).join(',')}]`).join(' '),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })) }),
  narrow: (req, keep) => ({
    ...req,
    topics: req.topics.map((t) => ({ ...t, partitions: t.partitions.filter((p) => keep(t.name, p.partitionIndex)) })).filter((t) => t.partitions.length > 0),
  }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode, timestamp: -1, offset: -1 })) })),
  }),
});

const TIME_NAMES: Record<number, string> = {
  [LATEST]: 'latest',
  [EARLIEST]: 'earliest',
  [MAX_TIMESTAMP]: 'max-timestamp',
  [EARLIEST_LOCAL]: 'earliest-local',
  [LATEST_TIERED]: 'latest-tiered',
  [EARLIEST_PENDING_UPLOAD]: 'earliest-pending-upload',
};
const timeName = (timestamp: number) => TIME_NAMES[timestamp] ?? String(timestamp);

function lookUp(
  topics: Topics,
  brokerId: number,
  topic: { name: string; topicId?: string },
  { partitionIndex: index, timestamp, currentLeaderEpoch }: { partitionIndex: number; timestamp: number; currentLeaderEpoch: number },
  readCommitted: boolean,
): PartitionResponse {
  const answer = (errorCode: number, offset = -1, ts = -1, leaderEpoch = -1) => ({ partitionIndex: index, errorCode, timestamp: ts, offset, leaderEpoch });
  const partition = topics.partition(topic.name, index);
  if (!partition) return answer(unknownTopicError(topic, topic.name));
  const epochError = leaderEpochError(partition, brokerId, currentLeaderEpoch);
  if (epochError !== null) return answer(epochError);
  if (!partition.isLedBy(brokerId)) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const log = partition.logOn(brokerId);
  const epochs = () => log.leaderEpochs;
  const found = (offset: number, ts: number) => answer(ErrorCode.NONE, offset, ts, epochAt(epochs(), offset));
  // No tiered storage: the local log is the whole log, and nothing is tiered or waiting to be.
  if (timestamp === EARLIEST || timestamp === EARLIEST_LOCAL) return log.startOffset < log.endOffset ? found(log.startOffset, -1) : answer(ErrorCode.NONE, log.startOffset);
  if (timestamp === LATEST_TIERED || timestamp === EARLIEST_PENDING_UPLOAD) return answer(ErrorCode.NONE);
  // read_committed consumers see up to the last stable offset, the others up to the high watermark.
  const visibleEnd = readCommitted ? partition.lastStableOffsetOn(brokerId) : partition.highWatermarkOn(brokerId);
  if (timestamp === LATEST) return answer(ErrorCode.NONE, visibleEnd, -1, partition.replica(brokerId)?.knownLeaderEpoch ?? partition.leaderEpoch);
  if (timestamp === MAX_TIMESTAMP) {
    const max = maxTimestampRecord(log, visibleEnd);
    return max ? found(max.offset, max.timestamp) : answer(ErrorCode.NONE);
  }
  const at = log.offsetForTimestamp(timestamp, visibleEnd);
  return at ? found(at.offset, at.timestamp) : answer(ErrorCode.NONE);
}

/** The first record holding the largest timestamp below `end` (KIP-734). */
function maxTimestampRecord(log: PartitionLog, end: number): { offset: number; timestamp: number } | null {
  let max: { offset: number; timestamp: number } | null = null;
  for (const batch of log.read(log.startOffset, end, Infinity)) {
    const header = readBatchHeader(batch.data);
    if (header.control) continue;
    for (const record of readRecords(batch.data, header)) {
      if (record.offset >= log.startOffset && record.offset < end && (max === null || record.timestamp > max.timestamp)) max = { offset: record.offset, timestamp: record.timestamp };
    }
  }
  return max;
}
