// FindCoordinator (10): which broker coordinates a consumer group (key type 0) or a
// transactional id (key type 1); v4+ for several keys at once.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { FindCoordinatorRequest } from '../protocol/messages/FindCoordinatorRequest.ts';
import { FindCoordinatorResponse } from '../protocol/messages/FindCoordinatorResponse.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import type { DecodedType } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const GROUP = 0;
const TRANSACTION = 1;

/** v4+ (KIP-699) batch the keys, each answered on its own. */
const keysOf = (req: Request, version: number) => (version >= 4 ? req.coordinatorKeys : [req.key]);
type Request = DecodedType<typeof FindCoordinatorRequest>;

export const findCoordinator = defineApi({
  request: FindCoordinatorRequest,
  response: FindCoordinatorResponse,
  versions: '0-6',
  handle(req, { groups, transactions, cluster, authorize, version }) {
    const find = (key: string) => {
      const failed = (errorCode: number, errorMessage: string | null) => ({ key, errorCode, errorMessage, nodeId: -1, host: '', port: -1 });
      // Share groups (key type 2, KIP-932) are not served here.
      if (req.keyType !== GROUP && req.keyType !== TRANSACTION) return failed(ErrorCode.INVALID_REQUEST, `Unsupported key type ${req.keyType}`);
      const denied = req.keyType === GROUP ? !authorize('DESCRIBE', 'GROUP', key) && 'GROUP_AUTHORIZATION_FAILED' : !authorize('DESCRIBE', 'TRANSACTIONAL_ID', key) && 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED';
      if (denied) return failed(ErrorCode[denied], DENIED_MESSAGE[denied]);
      try {
        const nodeId = req.keyType === GROUP ? groups.findCoordinator(key) : transactions.findCoordinator(key);
        const broker = cluster.brokers.get(nodeId)!;
        return { key, errorCode: ErrorCode.NONE, errorMessage: null, nodeId, host: broker.host, port: broker.port };
      } catch (error) {
        if (error instanceof KafkaError) return failed(error.code, error.message);
        throw error;
      }
    };
    if (version >= 4) return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map(find) };
    const { key: _key, ...single } = find(req.key);
    return { throttleTimeMs: 0, ...single };
  },
  describe: (req) => `${req.keyType === GROUP ? 'group' : 'transactional.id'}=${req.coordinatorKeys.length ? req.coordinatorKeys.join(',') : req.key}`,
  // A rule matches a batched request by its first key.
  names: (req) => {
    const key = req.coordinatorKeys[0] ?? req.key;
    return req.keyType === GROUP ? { group: key } : { transactionalId: key };
  },
  errorResponse: (req, errorCode, { version }) => {
    const failed = (key: string) => ({ key, errorCode, errorMessage: null, nodeId: -1, host: '', port: -1 });
    if (version >= 4) return { throttleTimeMs: 0, coordinators: keysOf(req, version).map(failed) };
    const { key: _key, ...single } = failed(req.key);
    return { throttleTimeMs: 0, ...single };
  },
});
