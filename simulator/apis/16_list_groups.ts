// ListGroups (16): the groups this broker coordinates (clients ask every broker to list them all).
// Without DESCRIBE on the cluster, only the groups the client may DESCRIBE are listed. v4+ filter by
// state (KIP-518) and v5+ by type (KIP-848), both ignoring case as Kafka does.

import { ErrorCode } from '../protocol/errors.ts';
import { ListGroupsRequest } from '../protocol/messages/ListGroupsRequest.ts';
import { ListGroupsResponse } from '../protocol/messages/ListGroupsResponse.ts';
import { defineApi } from './api.ts';

/** Kafka's GroupType of the groups the classic rebalance protocol runs, and of those KIP-848's does. */
const CLASSIC = 'classic';
const CONSUMER = 'consumer';

export const listGroups = defineApi({
  request: ListGroupsRequest,
  response: ListGroupsResponse,
  versions: '0-5',
  handle(req, { groups, broker, authorize }) {
    const everyGroup = authorize('DESCRIBE', 'CLUSTER');
    const wanted = (filter: string[], value: string) => filter.length === 0 || filter.some((f) => f.toLowerCase() === value.toLowerCase());
    const coordinated = [...groups.groups.values()].filter(
      (g) =>
        groups.coordinatorOf(g.groupId) === broker.id &&
        (everyGroup || authorize('DESCRIBE', 'GROUP', g.groupId)) &&
        wanted(req.statesFilter, g.state) &&
        wanted(req.typesFilter, CLASSIC),
    );
    const consumers = [...groups.consumerGroups.values()].filter(
      (g) =>
        groups.coordinatorOf(g.groupId) === broker.id &&
        (everyGroup || authorize('DESCRIBE', 'GROUP', g.groupId)) &&
        wanted(req.statesFilter, g.state) &&
        wanted(req.typesFilter, CONSUMER),
    );
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      // A group that only holds committed offsets is, to Kafka 4's group coordinator, an empty consumer group.
      groups: [
        ...coordinated.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? 'consumer', groupState: g.state, groupType: CLASSIC })),
        ...consumers.map((g) => ({ groupId: g.groupId, protocolType: 'consumer', groupState: g.state, groupType: CONSUMER })),
      ],
    };
  },
});
