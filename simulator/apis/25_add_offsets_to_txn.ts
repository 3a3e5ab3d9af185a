// AddOffsetsToTxn (25): a transactional producer will commit a group's offsets in its transaction
// (consume-transform-produce: kafkajs's sendOffsets, Java's sendOffsetsToTransaction).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { int16, int32, int64, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  transactionalId: string,
  producerId: int64,
  producerEpoch: int16,
  groupId: string,
});

const response = struct({ throttleTimeMs: int32, errorCode: int16 });

export const addOffsetsToTxn = defineApi({
  key: 25,
  name: 'AddOffsetsToTxn',
  versions: '0-1',
  request,
  response,
  handle(req, { transactions, broker, authorize }) {
    if (!authorize('WRITE', 'TRANSACTIONAL_ID', req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!authorize('READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    try {
      transactions.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, broker.id);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE };
    } catch (error) {
      if (error instanceof KafkaError) return { throttleTimeMs: 0, errorCode: error.code };
      throw error;
    }
  },
  describe: (req) => `transactional.id=${req.transactionalId} group=${req.groupId}`,
  names: (req) => ({ transactionalId: req.transactionalId, group: req.groupId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
