// AddOffsetsToTxn (25): a transactional producer will commit a group's offsets in its transaction
// (consume-transform-produce: kafkajs's sendOffsets, Java's sendOffsetsToTransaction).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { AddOffsetsToTxnRequest } from '../protocol/messages/AddOffsetsToTxnRequest.ts';
import { AddOffsetsToTxnResponse } from '../protocol/messages/AddOffsetsToTxnResponse.ts';
import { defineApi } from './api.ts';

export const addOffsetsToTxn = defineApi({
  request: AddOffsetsToTxnRequest,
  response: AddOffsetsToTxnResponse,
  versions: '0-4',
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
