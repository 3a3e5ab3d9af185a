// EndTxn (26): commit or abort. The coordinator writes a marker into every partition of the
// transaction before answering (Kafka answers first and writes the markers just after).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { EndTxnRequest } from '../protocol/messages/EndTxnRequest.ts';
import { EndTxnResponse } from '../protocol/messages/EndTxnResponse.ts';
import { defineApi } from './api.ts';

export const endTxn = defineApi({
  request: EndTxnRequest,
  response: EndTxnResponse,
  versions: '0-4',
  handle(req, { transactions, broker, authorize }) {
    if (!authorize('WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    try {
      transactions.endTxn(req.transactionalId, req.producerId, req.producerEpoch, req.committed, broker.id);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE };
    } catch (error) {
      if (error instanceof KafkaError) return { throttleTimeMs: 0, errorCode: error.code };
      throw error;
    }
  },
  describe: (req) => `transactional.id=${req.transactionalId} ${req.committed ? 'commit' : 'abort'}`,
  names: (req) => ({ transactionalId: req.transactionalId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
