// DeleteGroups (42): removes empty groups and their committed offsets.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, int16, int32, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({ groupsNames: array(string) });

const response = struct({
  throttleTimeMs: int32,
  results: array(struct({ groupId: string, errorCode: int16 })),
});

export const deleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  versions: '0-1',
  request,
  response,
  handle(req, { groups, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      results: req.groupsNames.map((groupId) => {
        const answer = (errorCode: number) => ({ groupId, errorCode });
        if (!authorize('DELETE', 'GROUP', groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        try {
          const group = groups.group(groupId, broker.id);
          if (!group || group.state === 'Dead') return answer(ErrorCode.GROUP_ID_NOT_FOUND);
          if (group.state !== 'Empty') return answer(ErrorCode.NON_EMPTY_GROUP);
          groups.deleteGroup(groupId);
          return answer(ErrorCode.NONE);
        } catch (error) {
          if (error instanceof KafkaError) return answer(error.code);
          throw error;
        }
      }),
    };
  },
  describe: (req) => req.groupsNames.join(','),
});
