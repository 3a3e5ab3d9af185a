// FindCoordinator (10): which broker coordinates a consumer group (key type 0) or a
// transactional id (key type 1).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { int16, int32, int8, nullableString, since, string, struct } from '../protocol/schema.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import { defineApi } from './api.ts';

const GROUP = 0;

const request = struct({
  key: string,
  keyType: since('1+', int8),
});

const response = struct({
  throttleTimeMs: since('1+', int32),
  errorCode: int16,
  errorMessage: since('1+', nullableString),
  nodeId: int32,
  host: string,
  port: int32,
});

export const findCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  versions: '0-2',
  request,
  response,
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
