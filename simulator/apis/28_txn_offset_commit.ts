// TxnOffsetCommit (28): offsets committed inside a transaction, sent to the group's coordinator;
// they become the group's committed offsets only if the transaction commits.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { TxnOffsetCommitRequest } from '../protocol/messages/TxnOffsetCommitRequest.ts';
import { TxnOffsetCommitResponse } from '../protocol/messages/TxnOffsetCommitResponse.ts';
import { defineApi } from './api.ts';

export const txnOffsetCommit = defineApi({
  request: TxnOffsetCommitRequest,
  response: TxnOffsetCommitResponse,
  versions: '0-4',
  handle(req, { groups, topics, broker, authorize }) {
    const answerAll = (errorFor: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorFor(t.name, p.partitionIndex) })) })),
    });
    if (!authorize('WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return answerAll(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!authorize('READ', 'GROUP', req.groupId)) return answerAll(() => ErrorCode.GROUP_AUTHORIZATION_FAILED);
    try {
      groups.requireCoordinator(req.groupId, broker.id);
      // v3+ (KIP-447) name the producer's group member, so a zombie of an older generation is fenced.
      if (req.generationId >= 0) {
        const group = groups.group(req.groupId, broker.id);
        const fenced = group ? group.commitError(req.memberId, req.generationId) : 'UNKNOWN_MEMBER_ID';
        if (fenced !== 'NONE' && fenced !== 'REBALANCE_IN_PROGRESS') return answerAll(() => ErrorCode[fenced]);
      }
    } catch (error) {
      if (error instanceof KafkaError) return answerAll(() => error.code);
      throw error;
    }
    const now = Date.now();
    return answerAll((topic, partition) => {
      if (!authorize('READ', 'TOPIC', topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      if (!topics.partition(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const p = req.topics.find((t) => t.name === topic)!.partitions.find((x) => x.partitionIndex === partition)!;
      groups.commitInTransaction(req.groupId, req.producerId, topic, partition, {
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata: p.committedMetadata ?? '',
        commitTimestamp: now,
      });
      return ErrorCode.NONE;
    });
  },
  describe: (req) => `transactional.id=${req.transactionalId} group=${req.groupId}`,
  names: (req) => ({
    transactionalId: req.transactionalId,
    group: req.groupId,
    topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })),
  }),
  narrow: (req, keep) => ({
    ...req,
    topics: req.topics.map((t) => ({ ...t, partitions: t.partitions.filter((p) => keep(t.name, p.partitionIndex)) })).filter((t) => t.partitions.length > 0),
  }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
  }),
});
