// DeleteGroups (42): removes empty groups and their committed offsets.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DeleteGroupsRequest } from '../protocol/messages/DeleteGroupsRequest.ts';
import { DeleteGroupsResponse } from '../protocol/messages/DeleteGroupsResponse.ts';
import { defineApi } from './api.ts';

export const deleteGroups = defineApi({
  request: DeleteGroupsRequest,
  response: DeleteGroupsResponse,
  versions: '0-2',
  handle(req, { groups, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      results: req.groupsNames.map((groupId) => {
        const answer = (errorCode: number) => ({ groupId, errorCode });
        if (!authorize('DELETE', 'GROUP', groupId)) return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
        try {
          const group = groups.group(groupId, broker.id) ?? groups.consumerGroup(groupId, broker.id);
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
