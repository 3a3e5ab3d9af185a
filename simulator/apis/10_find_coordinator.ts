// FindCoordinator (10): which broker coordinates a consumer group (key type 0) or a
// transactional id (key type 1).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { FindCoordinatorRequest } from '../protocol/messages/FindCoordinatorRequest.ts';
import { FindCoordinatorResponse } from '../protocol/messages/FindCoordinatorResponse.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import { defineApi } from './api.ts';

const GROUP = 0;

export const findCoordinator = defineApi({
  request: FindCoordinatorRequest,
  response: FindCoordinatorResponse,
  versions: '0-2',
  handle(req, { groups, transactions, cluster, authorize }) {
    const failed = (errorCode: number, errorMessage: string) => ({ throttleTimeMs: 0, errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
    const denied = req.keyType === GROUP ? !authorize('DESCRIBE', 'GROUP', req.key) && 'GROUP_AUTHORIZATION_FAILED' : !authorize('DESCRIBE', 'TRANSACTIONAL_ID', req.key) && 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
    if (denied) return failed(ErrorCode[denied], DENIED_MESSAGE[denied]);
    try {
      const nodeId = req.keyType === GROUP ? groups.findCoordinator(req.key) : transactions.findCoordinator(req.key);
      const broker = cluster.brokers.get(nodeId)!;
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host: broker.host, port: broker.port };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.code, error.message);
      throw error;
    }
  },
  describe: (req) => `${req.keyType === GROUP ? 'group' : 'transactional.id'}=${req.key}`,
  names: (req) => (req.keyType === GROUP ? { group: req.key } : { transactionalId: req.key }),
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, errorCode, errorMessage: null, nodeId: -1, host: '', port: -1 }),
});
