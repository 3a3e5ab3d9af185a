// AddPartitionsToTxn (24): a transactional producer names the partitions it is about to write.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, int16, int32, int64, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  transactionalId: string,
  producerId: int64,
  producerEpoch: int16,
  topics: array(struct({ name: string, partitions: array(int32) })),
});

const response = struct({
  throttleTimeMs: int32,
  results: array(struct({ name: string, results: array(struct({ partitionIndex: int32, errorCode: int16 })) })),
});

export const addPartitionsToTxn = defineApi({
  key: 24,
  name: 'AddPartitionsToTxn',
  versions: '0-1',
  request,
  response,
  handle(req, { transactions, topics, broker, authorize }) {
    const answer = (errorFor: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({ name: t.name, results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: errorFor(t.name, p) })) })),
    });
    if (!authorize('WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return answer(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    // Kafka answers per partition: unwritable and unknown ones get their error and the rest OPERATION_NOT_ATTEMPTED.
    const problem = (topic: string, partition: number) =>
      !authorize('WRITE', 'TOPIC', topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : !topics.partition(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : null;
    if (req.topics.some((t) => t.partitions.some((p) => problem(t.name, p) !== null))) {
      return answer((topic, partition) => problem(topic, partition) ?? ErrorCode.OPERATION_NOT_ATTEMPTED);
    }
    try {
      const partitions = req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      transactions.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, partitions, broker.id);
      return answer(() => ErrorCode.NONE);
    } catch (error) {
      if (error instanceof KafkaError) return answer(() => error.code);
      throw error;
    }
  },
  describe: (req) => `transactional.id=${req.transactionalId} ${req.topics.map((t) => `${t.name}[${t.partitions.join(',')}]`).join(' ')}`,
  names: (req) => ({ transactionalId: req.transactionalId, topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions })) }),
  narrow: (req, keep) => ({
    ...req,
    topics: req.topics.map((t) => ({ ...t, partitions: t.partitions.filter((p) => keep(t.name, p)) })).filter((t) => t.partitions.length > 0),
  }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    results: req.topics.map((t) => ({ name: t.name, results: t.partitions.map((partitionIndex) => ({ partitionIndex, errorCode })) })),
  }),
});
