// JoinGroup (11): join (or rejoin) a consumer group; answered once the rebalance completes.
// From v4 a new member first gets MEMBER_ID_REQUIRED with its id and joins again with it (KIP-394).

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { JoinGroupRequest } from '../protocol/messages/JoinGroupRequest.ts';
import { JoinGroupResponse } from '../protocol/messages/JoinGroupResponse.ts';
import { defineApi } from './api.ts';

export const joinGroup = defineApi({
  request: JoinGroupRequest,
  response: JoinGroupResponse,
  versions: '0-9',
  async handle(req, { groups, broker, connection, header, version, authorize }) {
    const failed = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] });
    if (!authorize('READ', 'GROUP', req.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = groups.options;
    if (req.sessionTimeoutMs < minSessionTimeoutMs || req.sessionTimeoutMs > maxSessionTimeoutMs) return failed(ErrorCode.INVALID_SESSION_TIMEOUT);
    try {
      // A group of the consumer protocol (KIP-848) with members keeps its id; an empty one gives it up.
      const consumerGroup = groups.consumerGroup(req.groupId, broker.id);
      if (consumerGroup && consumerGroup.members.size > 0) return failed(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      if (consumerGroup) groups.consumerGroups.delete(req.groupId);
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
      // v7+ name the group's protocol type, which clients check against their own.
      return { throttleTimeMs: 0, protocolType: result.errorCode === ErrorCode.NONE ? req.protocolType : null, ...result };
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.code);
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} member=${req.memberId || '(new)'} ${req.protocols.map((p) => p.name).join(',')}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId: req.memberId, members: [] }),
});
