// SyncGroup (14): the leader hands in every member's assignment; the others wait for theirs.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, bytes, int16, int32, nullableString, since, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: since('3+', nullableString),
  assignments: array(struct({ memberId: string, assignment: bytes })),
});

const response = struct({
  throttleTimeMs: since('1+', int32),
  errorCode: int16,
  assignment: bytes,
});

export const syncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  versions: '0-3',
  request,
  response,
  async handle(req, { groups, broker, authorize }) {
    if (!authorize('READ', 'GROUP', req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, assignment: Buffer.alloc(0) };
    try {
      const group = groups.group(req.groupId, broker.id);
      if (!group) return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) };
      return { throttleTimeMs: 0, ...(await group.sync(req.memberId, req.generationId, req.assignments)) };
    } catch (error) {
      if (error instanceof KafkaError) return { throttleTimeMs: 0, errorCode: error.code, assignment: Buffer.alloc(0) };
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} generation=${req.generationId} member=${req.memberId}${req.assignments.length ? ' (leader)' : ''}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, assignment: Buffer.alloc(0) }),
});
