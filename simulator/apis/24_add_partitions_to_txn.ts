// AddPartitionsToTxn (24): a transactional producer names the partitions it is about to write.
// Clients use v0-3, whose fields Kafka's spec names v3AndBelow*; v4+ batches transactions for
// brokers verifying them (KIP-890), which no client sends.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { AddPartitionsToTxnRequest } from '../protocol/messages/AddPartitionsToTxnRequest.ts';
import { AddPartitionsToTxnResponse } from '../protocol/messages/AddPartitionsToTxnResponse.ts';
import { defineApi } from './api.ts';

export const addPartitionsToTxn = defineApi({
  request: AddPartitionsToTxnRequest,
  response: AddPartitionsToTxnResponse,
  versions: '0-3',
  handle(req, { transactions, topics, broker, authorize }) {
    const answer = (errorFor: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: req.v3AndBelowTopics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: errorFor(t.name, p) })) })),
    });
    if (!authorize('WRITE', 'TRANSACTIONAL_ID', req.v3AndBelowTransactionalId)) return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // Kafka answers per partition: unwritable and unknown ones get their error and the rest OPERATION_NOT_ATTEMPTED.
    const problem = (topic: string, partition: number) =>
      !authorize('WRITE', 'TOPIC', topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : !topics.partition(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : null;
    if (req.v3AndBelowTopics.some((t) => t.partitions.some((p) => problem(t.name, p) !== null))) {
      return answer((topic, partition) => problem(topic, partition) ?? ErrorCode.OPERATION_NOT_ATTEMPTED);
    }
    try {
      const partitions = req.v3AndBelowTopics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      transactions.addPartitions(req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, partitions, broker.id);
      return answer(() => ErrorCode.NONE);
    } catch (error) {
      if (error instanceof KafkaError) return answer(() => error.code);
      throw error;
    }
  },
  describe: (req) => `transactional.id=${req.v3AndBelowTransactionalId} ${req.v3AndBelowTopics.map((t) => `${t.name}[${t.partitions.join(',')}]`).join(' ')}`,
  names: (req) => ({ transactionalId: req.v3AndBelowTransactionalId, topics: req.v3AndBelowTopics.map((t) => ({ topic: t.name, partitions: t.partitions })) }),
  narrow: (req, keep) => ({
    ...req,
    v3AndBelowTopics: req.v3AndBelowTopics.map((t) => ({ ...t, partitions: t.partitions.filter((p) => keep(t.name, p)) })).filter((t) => t.partitions.length > 0),
  }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: req.v3AndBelowTopics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((partitionIndex) => ({ partitionIndex, partitionErrorCode: errorCode })) })),
  }),
});
