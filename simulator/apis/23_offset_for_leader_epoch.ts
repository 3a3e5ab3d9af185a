// OffsetForLeaderEpoch (23, KIP-101/320): for a leader epoch, the largest epoch at or below it this
// log has and the offset where that epoch ends — where the next one starts, or the log end for the
// current epoch. Consumers ask it after a leader change to find out whether the log they read was
// truncated; the client's current leader epoch is checked first, as Fetch checks it.

import type { Partition } from '../cluster/topic.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { OffsetForLeaderEpochRequest } from '../protocol/messages/OffsetForLeaderEpochRequest.ts';
import { OffsetForLeaderEpochResponse } from '../protocol/messages/OffsetForLeaderEpochResponse.ts';
import { defineApi } from './api.ts';
import { leaderEpochError } from './leader-epoch.ts';

const UNDEFINED = -1;

export const offsetForLeaderEpoch = defineApi({
  request: OffsetForLeaderEpochRequest,
  response: OffsetForLeaderEpochResponse,
  versions: '2-4',
  handle(req, { topics, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((p) => {
          const failed = (errorCode: number) => ({ errorCode, partition: p.partition, leaderEpoch: UNDEFINED, endOffset: UNDEFINED });
          if (!authorize('DESCRIBE', 'TOPIC', t.topic)) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          const partition = topics.partition(t.topic, p.partition);
          if (!partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const epochError = leaderEpochError(partition, broker.id, p.currentLeaderEpoch);
          if (epochError !== null) return failed(epochError);
          if (!partition.isLedBy(broker.id)) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          return { errorCode: ErrorCode.NONE, partition: p.partition, ...endOffsetFor(partition, broker.id, p.leaderEpoch) };
        }),
      })),
    };
  },
  describe: (req) => req.topics.map((t) => `${t.topic}[${t.partitions.map((p) => `${p.partition}@epoch${p.leaderEpoch}`).join(',')}]`).join(' '),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => p.partition) })) }),
});

/** Kafka's LeaderEpochFileCache.endOffsetFor, over the epochs of this broker's replica log. */
function endOffsetFor(partition: Partition, brokerId: number, requested: number): { leaderEpoch: number; endOffset: number } {
  const log = partition.logOn(brokerId);
  const current = partition.replica(brokerId)?.knownLeaderEpoch ?? partition.leaderEpoch;
  // The current epoch starts where its first batch is, or at the log end when it has none yet.
  const ranges = log.leaderEpochs.map((e) => ({ epoch: e.epoch, startOffset: e.startOffset }));
  if (ranges.at(-1)?.epoch !== current) ranges.push({ epoch: current, startOffset: log.endOffset });
  // An epoch newer than any this log knows is as unknown as an undefined one.
  if (requested === UNDEFINED || requested > current) return { leaderEpoch: UNDEFINED, endOffset: UNDEFINED };
  if (requested === current) return { leaderEpoch: current, endOffset: log.endOffset };
  const floor = ranges.filter((r) => r.epoch <= requested).at(-1);
  if (!floor) return { leaderEpoch: UNDEFINED, endOffset: UNDEFINED };
  const next = ranges.find((r) => r.epoch > requested);
  return { leaderEpoch: floor.epoch, endOffset: next ? next.startOffset : log.endOffset };
}
