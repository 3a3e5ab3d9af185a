// LeaveGroup (13): members leave at once instead of waiting for their session to time out.
// v3 (KIP-345) leaves several members in one request and answers each.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { LeaveGroupRequest } from '../protocol/messages/LeaveGroupRequest.ts';
import { LeaveGroupResponse } from '../protocol/messages/LeaveGroupResponse.ts';
import { defineApi } from './api.ts';

export const leaveGroup = defineApi({
  request: LeaveGroupRequest,
  response: LeaveGroupResponse,
  versions: '0-5',
  handle(req, { groups, broker, version, authorize }) {
    if (!authorize('READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const leaving = version >= 3 ? req.members : [{ memberId: req.memberId, groupInstanceId: null }];
    try {
      const group = groups.group(req.groupId, broker.id);
      const members = leaving.map((m) => ({ ...m, errorCode: ErrorCode[group ? group.leave(m.memberId) : 'UNKNOWN_MEMBER_ID'] }));
      // v0-2 carry one member, whose error is the request's; v3 answers per member.
      const errorCode = version >= 3 ? ErrorCode.NONE : members[0].errorCode;
      return { throttleTimeMs: 0, errorCode, members };
    } catch (error) {
      if (error instanceof KafkaError) return { throttleTimeMs: 0, errorCode: error.code, members: [] };
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} member=${req.memberId || req.members.map((m) => m.memberId).join(',')}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, members: [] }),
});
