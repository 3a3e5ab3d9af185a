// DescribeProducers (61): the producers a partition's leader has state for — idempotent and
// transactional — with their epoch, last sequence and timestamp, and where an open transaction
// began (kafka-transactions describe-producers, to find a hanging transaction). Needs READ on the topic.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeProducersRequest } from '../protocol/messages/DescribeProducersRequest.ts';
import { DescribeProducersResponse } from '../protocol/messages/DescribeProducersResponse.ts';
import { defineApi } from './api.ts';

export const describeProducers = defineApi({
  request: DescribeProducersRequest,
  response: DescribeProducersResponse,
  versions: '0',
  handle(req, { topics, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const failed = (errorCode: number) => ({ partitionIndex, errorCode, errorMessage: null, activeProducers: [] });
          if (!authorize('READ', 'TOPIC', t.name)) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          const partition = topics.partition(t.name, partitionIndex);
          if (!partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          if (!partition.isLedBy(broker.id)) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
          return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: partition.producers.active() };
        }),
      })),
    };
  },
  describe: (req) => req.topics.map((t) => `${t.name}[${t.partitionIndexes.join(',')}]`).join(' '),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes })) }),
});
