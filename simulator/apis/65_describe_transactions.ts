// DescribeTransactions (65): the state of transactional ids this broker coordinates — status,
// producer id and epoch, timeout, when the open transaction began and the partitions it wrote
// (kafka-transactions describe). Needs DESCRIBE on each transactional id.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DescribeTransactionsRequest } from '../protocol/messages/DescribeTransactionsRequest.ts';
import { DescribeTransactionsResponse } from '../protocol/messages/DescribeTransactionsResponse.ts';
import { defineApi } from './api.ts';

export const describeTransactions = defineApi({
  request: DescribeTransactionsRequest,
  response: DescribeTransactionsResponse,
  versions: '0',
  handle(req, { transactions, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((transactionalId) => {
        const failed = (errorCode: number) => ({
          errorCode,
          transactionalId,
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: 0,
          producerId: 0,
          producerEpoch: 0,
          topics: [],
        });
        if (!authorize('DESCRIBE', 'TRANSACTIONAL_ID', transactionalId)) return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        try {
          const txn = transactions.lookUp(transactionalId, broker.id);
          if (!txn) return failed(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
          return {
            errorCode: ErrorCode.NONE,
            transactionalId,
            transactionState: txn.status,
            transactionTimeoutMs: txn.timeoutMs,
            transactionStartTimeMs: txn.status === 'Ongoing' ? txn.startedAt : -1,
            producerId: txn.producerId,
            producerEpoch: txn.producerEpoch,
            topics: [...txn.partitions].map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) })),
          };
        } catch (error) {
          if (error instanceof KafkaError) return failed(error.code);
          throw error;
        }
      }),
    };
  },
  describe: (req) => req.transactionalIds.join(','),
  names: (req) => ({ transactionalId: req.transactionalIds[0] ?? null }),
});
