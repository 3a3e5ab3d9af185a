// OffsetCommit (8): a group member (or a consumer without membership, generation -1) stores the
// offsets it has consumed up to. Refused during a rebalance and from stale generations.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, int16, int32, int64, nullableString, since, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

/** Kafka's offset.metadata.max.bytes. */
const MAX_METADATA_BYTES = 4096;

const request = struct({
  groupId: string,
  generationId: since('1+', int32, -1),
  memberId: since('1+', string),
  groupInstanceId: since('7+', nullableString),
  retentionTimeMs: since('2-4', int64, -1),
  topics: array(
    struct({
      name: string,
      partitions: array(
        struct({
          partitionIndex: int32,
          committedOffset: int64,
          committedLeaderEpoch: since('6+', int32, -1),
          committedMetadata: nullableString,
        }),
      ),
    }),
  ),
});

const response = struct({
  throttleTimeMs: since('3+', int32),
  topics: array(struct({ name: string, partitions: array(struct({ partitionIndex: int32, errorCode: int16 })) })),
});

export const offsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  versions: '2-7',
  request,
  response,
  handle(req, { groups, topics, broker, authorize }) {
    // Kafka checks READ on the group first, then READ on each topic, before the group's own state.
    const readable = (topic: string) => authorize('READ', 'TOPIC', topic);
    const answerAll = (errorCode: number, topicsChecked = true) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const topicError = topicsChecked && !readable(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : errorCode;
        return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: topicError })) };
      }),
    });
    if (!authorize('READ', 'GROUP', req.groupId)) return answerAll(ErrorCode.GROUP_AUTHORIZATION_FAILED, false);
    try {
      const group = groups.group(req.groupId, broker.id, true);
      const groupError = group.commitError(req.memberId, req.generationId);
      if (groupError !== 'NONE') return answerAll(ErrorCode[groupError]);
    } catch (error) {
      if (error instanceof KafkaError) return answerAll(error.code);
      throw error;
    }
    const now = Date.now();
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const answer = (errorCode: number) => ({ partitionIndex: p.partitionIndex, errorCode });
          if (!readable(t.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          if (!topics.partition(t.name, p.partitionIndex)) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          const metadata = p.committedMetadata ?? '';
          if (Buffer.byteLength(metadata) > MAX_METADATA_BYTES) return answer(ErrorCode.OFFSET_METADATA_TOO_LARGE);
          groups.commit(req.groupId, t.name, p.partitionIndex, {
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata,
            commitTimestamp: now,
          });
          return answer(ErrorCode.NONE);
        }),
      })),
    };
  },
  describe: (req) =>
    `group=${req.groupId} ${req.topics.map((t) => `${t.name}[${t.partitions.map((p) => `${p.partitionIndex}=${p.committedOffset}`).join(',')}]`).join(' ')}`,
  names: (req) => ({ group: req.groupId, topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })) }),
  narrow: (req, keep) => ({
    ...req,
    topics: req.topics.map((t) => ({ ...t, partitions: t.partitions.filter((p) => keep(t.name, p.partitionIndex)) })).filter((t) => t.partitions.length > 0),
  }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
});
