// JoinGroup (11): join (or rejoin) a consumer group; answered once the rebalance completes.
// From v4 a new member first gets MEMBER_ID_REQUIRED with its id and joins again with it (KIP-394).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, bytes, int16, int32, nullableString, since, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  groupId: string,
  sessionTimeoutMs: int32,
  rebalanceTimeoutMs: since('1+', int32, -1),
  memberId: string,
  groupInstanceId: since('5+', nullableString),
  protocolType: string,
  protocols: array(struct({ name: string, metadata: bytes })),
});

const response = struct({
  throttleTimeMs: since('2+', int32),
  errorCode: int16,
  generationId: int32,
  protocolName: string,
  leader: string,
  memberId: string,
  members: array(struct({ memberId: string, groupInstanceId: since('5+', nullableString), metadata: bytes })),
});

export const joinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  versions: '0-5',
  request,
  response,
  async handle(req, { groups, broker, connection, header, version, authorize }) {
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] });
    if (!authorize('READ', 'GROUP', req.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = groups.options;
    if (req.sessionTimeoutMs < minSessionTimeoutMs || req.sessionTimeoutMs > maxSessionTimeoutMs) return failed(ErrorCode.INVALID_SESSION_TIMEOUT);
    try {
      const group = groups.group(req.groupId, broker.id, true);
      const result = await group.join({
        memberId: req.memberId,
        groupInstanceId: req.groupInstanceId,
        clientId: header.clientId ?? '',
        clientHost: `/${connection.remoteAddress}`,
        sessionTimeoutMs: req.sessionTimeoutMs,
        // v0 has no rebalance timeout: the session timeout serves as both.
        rebalanceTimeoutMs: req.rebalanceTimeoutMs === -1 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
        protocolType: req.protocolType,
        protocols: req.protocols,
        requireKnownMemberId: version >= 4,
      });
      return { throttleTimeMs: 0, ...result };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.code);
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} member=${req.memberId || '(new)'} ${req.protocols.map((p) => p.name).join(',')}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] }),
});
