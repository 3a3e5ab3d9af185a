// ListOffsets (2): the earliest offset (-2), the latest (-1, the high watermark), or the first
// offset whose record timestamp is at or after a given time.

import type { Topics } from '../cluster/topics.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { ListOffsetsRequest } from '../protocol/messages/ListOffsetsRequest.ts';
import { ListOffsetsPartitionResponse, ListOffsetsResponse } from '../protocol/messages/ListOffsetsResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

export const LATEST = -1;
export const EARLIEST = -2;
const READ_COMMITTED = 1;

type PartitionResponse = EncodableType<typeof ListOffsetsPartitionResponse>;

export const listOffsets = defineApi({
  request: ListOffsetsRequest,
  response: ListOffsetsResponse,
  versions: '1-3',
  handle(req, { topics, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const described = authorize('DESCRIBE', 'TOPIC', t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) =>
            described
              ? lookUp(topics, broker.id, t.name, p.partitionIndex, p.timestamp, req.isolationLevel === READ_COMMITTED)
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

const timeName = (timestamp: number) => (timestamp === LATEST ? 'latest' : timestamp === EARLIEST ? 'earliest' : String(timestamp));

function lookUp(topics: Topics, brokerId: number, topic: string, index: number, timestamp: number, readCommitted: boolean): PartitionResponse {
  const answer = (errorCode: number, offset = -1, ts = -1) => ({ partitionIndex: index, errorCode, timestamp: ts, offset });
  const partition = topics.partition(topic, index);
  if (!partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!partition.isLedBy(brokerId)) return answer(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const log = partition.logOn(brokerId);
  if (timestamp === EARLIEST) return answer(ErrorCode.NONE, log.startOffset);
  // read_committed consumers see up to the last stable offset, the others up to the high watermark.
  const visibleEnd = readCommitted ? partition.lastStableOffsetOn(brokerId) : partition.highWatermarkOn(brokerId);
  if (timestamp === LATEST) return answer(ErrorCode.NONE, visibleEnd);
  const found = log.offsetForTimestamp(timestamp, visibleEnd);
  return found ? answer(ErrorCode.NONE, found.offset, found.timestamp) : answer(ErrorCode.NONE);
}
