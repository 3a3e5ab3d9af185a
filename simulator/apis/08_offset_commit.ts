// OffsetCommit (8): a group member (or a consumer without membership, generation -1) stores the
// offsets it has consumed up to. Refused during a rebalance and from stale generations.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { OffsetCommitRequest } from '../protocol/messages/OffsetCommitRequest.ts';
import { OffsetCommitResponse } from '../protocol/messages/OffsetCommitResponse.ts';
import { defineApi } from './api.ts';
import { unknownTopicError } from './topic-ids.ts';

/** Kafka's offset.metadata.max.bytes. */
const MAX_METADATA_BYTES = 4096;

export const offsetCommit = defineApi({
  request: OffsetCommitRequest,
  response: OffsetCommitResponse,
  versions: '2-10',
  handle(req, { groups, topics, broker, authorize }) {
    // Kafka checks READ on the group first, then READ on each topic, before the group's own state.
    const readable = (topic: string) => authorize('READ', 'TOPIC', topic);
    const answerAll = (errorCode: number, topicsChecked = true) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const topicError = topicsChecked && !readable(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : errorCode;
        return { name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: topicError })) };
      }),
    });
    if (!authorize('READ', 'GROUP', req.groupId)) return answerAll(ErrorCode.GROUP_AUTHORIZATION_FAILED, false);
    try {
      // A consumer-protocol group (KIP-848) checks the member's epoch; a classic one its generation.
      const consumerGroup = groups.consumerGroup(req.groupId, broker.id);
      const groupError = consumerGroup
        ? consumerGroup.memberError(req.memberId, req.generationIdOrMemberEpoch)
        : groups.group(req.groupId, broker.id, true).commitError(req.memberId, req.generationIdOrMemberEpoch);
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
        topicId: t.topicId,
        partitions: t.partitions.map((p) => {
          const answer = (errorCode: number) => ({ partitionIndex: p.partitionIndex, errorCode });
          if (unknownTopicError(t, t.name) === ErrorCode.UNKNOWN_TOPIC_ID) return answer(ErrorCode.UNKNOWN_TOPIC_ID);
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
    topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
});
