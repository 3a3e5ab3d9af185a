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
  handle(req, { cluster, broker }) {
    const answer = (errorFor: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      results: req.topics.map((t) => ({ name: t.name, results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: errorFor(t.name, p) })) })),
    });
    // Kafka answers per partition: unknown ones get their error and the rest OPERATION_NOT_ATTEMPTED.
    const unknown = (topic: string, partition: number) => !cluster.partition(topic, partition);
    if (req.topics.some((t) => t.partitions.some((p) => unknown(t.name, p)))) {
      return answer((topic, partition) => (unknown(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    try {
      const partitions = req.topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
      cluster.transactions.addPartitions(req.transactionalId, req.producerId, req.producerEpoch, partitions, broker.id);
      return answer(() => ErrorCode.NONE);
    } catch (error) {
      if (error instanceof KafkaError) return answer(() => error.code);
      throw error;
    }
  },
  describe: (req) => `transactional.id=${req.transactionalId} ${req.topics.map((t) => `${t.name}[${t.partitions.join(',')}]`).join(' ')}`,
});
