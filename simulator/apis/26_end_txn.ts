// EndTxn (26): commit or abort. The coordinator writes a marker into every partition of the
// transaction before answering (Kafka answers first and writes the markers just after).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { bool, int16, int32, int64, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  transactionalId: string,
  producerId: int64,
  producerEpoch: int16,
  committed: bool,
});

const response = struct({ throttleTimeMs: int32, errorCode: int16 });

export const endTxn = defineApi({
  key: 26,
  name: 'EndTxn',
  versions: '0-1',
  request,
  response,
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
