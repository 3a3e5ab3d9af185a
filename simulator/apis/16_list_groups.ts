// ListGroups (16): the groups this broker coordinates (clients ask every broker to list them all).
// Without DESCRIBE on the cluster, only the groups the client may DESCRIBE are listed.

import { ErrorCode } from '../protocol/errors.ts';
import { ListGroupsRequest } from '../protocol/messages/ListGroupsRequest.ts';
import { ListGroupsResponse } from '../protocol/messages/ListGroupsResponse.ts';
import { defineApi } from './api.ts';

export const listGroups = defineApi({
  request: ListGroupsRequest,
  response: ListGroupsResponse,
  versions: '0-2',
  handle(_req, { groups, broker, authorize }) {
    const everyGroup = authorize('DESCRIBE', 'CLUSTER');
    const coordinated = [...groups.groups.values()].filter(
      (g) => groups.coordinatorOf(g.groupId) === broker.id && (everyGroup || authorize('DESCRIBE', 'GROUP', g.groupId)),
    );
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      // A group that only holds committed offsets is, to Kafka 4's group coordinator, an empty consumer group.
      groups: coordinated.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? 'consumer' })),
    };
  },
});
