// Heartbeat (12): keeps a member's session alive and tells it when a rebalance has begun.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { int16, int32, nullableString, since, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: since('3+', nullableString),
});

const response = struct({
  throttleTimeMs: since('1+', int32),
  errorCode: int16,
});

export const heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  versions: '0-3',
  request,
  response,
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
