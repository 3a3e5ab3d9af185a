// InitProducerId (22): a producer id and epoch. Without a transactional id every call gets a fresh
// id at epoch 0 (idempotent producers; Kafka clients enable idempotence by default, KIP-679). With
// one, the transaction coordinator bumps the id's epoch, fencing older instances and aborting what
// they left open.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { InitProducerIdRequest } from '../protocol/messages/InitProducerIdRequest.ts';
import { InitProducerIdResponse } from '../protocol/messages/InitProducerIdResponse.ts';
import { defineApi } from './api.ts';

export const initProducerId = defineApi({
  request: InitProducerIdRequest,
  response: InitProducerIdResponse,
  versions: '0-5',
  handle(req, { transactions, broker, authorize, authorizeAny }) {
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 });
    if (req.transactionalId !== null) {
      if (!authorize('WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return failed(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    } else if (!authorize('IDEMPOTENT_WRITE', 'CLUSTER') && !authorizeAny('WRITE', 'TOPIC')) {
      // An idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679).
      return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    try {
      const granted = transactions.initProducerId(req.transactionalId, req.transactionTimeoutMs, broker.id);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, ...granted };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.code);
      throw error;
    }
  },
  describe: (req) => (req.transactionalId === null ? 'idempotent' : `transactional.id=${req.transactionalId}`),
  names: (req) => ({ transactionalId: req.transactionalId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 }),
});
