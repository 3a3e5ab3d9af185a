// SyncGroup (14): the leader hands in every member's assignment; the others wait for theirs.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { SyncGroupRequest } from '../protocol/messages/SyncGroupRequest.ts';
import { SyncGroupResponse } from '../protocol/messages/SyncGroupResponse.ts';
import { defineApi } from './api.ts';

export const syncGroup = defineApi({
  request: SyncGroupRequest,
  response: SyncGroupResponse,
  versions: '0-5',
  async handle(req, { groups, broker, authorize }) {
    if (!authorize('READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, assignment: Buffer.alloc(0) };
    try {
      const group = groups.group(req.groupId, broker.id);
      if (!group) return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
      // v5+ (KIP-559) name the group's protocol type and protocol, and must agree with it.
      if ((req.protocolType !== null && req.protocolType !== group.protocolType) || (req.protocolName !== null && req.protocolName !== group.protocolName)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, assignment: Buffer.alloc(0) };
      }
      const result = await group.sync(req.memberId, req.generationId, req.assignments);
      return { throttleTimeMs: 0, protocolType: group.protocolType, protocolName: group.protocolName, ...result };
    } catch (error) {
      if (error instanceof KafkaError) return { throttleTimeMs: 0, errorCode: error.code, assignment: Buffer.alloc(0) };
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} generation=${req.generationId} member=${req.memberId}${req.assignments.length ? ' (leader)' : ''}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, assignment: Buffer.alloc(0) }),
});
