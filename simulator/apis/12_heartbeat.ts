// Heartbeat (12): keeps a member's session alive and tells it when a rebalance has begun.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { HeartbeatRequest } from '../protocol/messages/HeartbeatRequest.ts';
import { HeartbeatResponse } from '../protocol/messages/HeartbeatResponse.ts';
import { defineApi } from './api.ts';

export const heartbeat = defineApi({
  request: HeartbeatRequest,
  response: HeartbeatResponse,
  versions: '0-4',
  handle(req, { groups, broker, authorize }) {
    if (!authorize('READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    try {
      const group = groups.group(req.groupId, broker.id);
      const error = group ? group.heartbeat(req.memberId, req.generationId) : 'UNKNOWN_MEMBER_ID';
      return { throttleTimeMs: 0, errorCode: ErrorCode[error] };
    } catch (error) {
      if (error instanceof KafkaError) return { throttleTimeMs: 0, errorCode: error.code };
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} generation=${req.generationId} member=${req.memberId}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
