// ListGroups (16): the groups this broker coordinates (clients ask every broker to list them all).
// Without DESCRIBE on the cluster, only the groups the client may DESCRIBE are listed.

import { ErrorCode } from '../protocol/errors.ts';
import { array, int16, int32, since, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({});

const response = struct({
  throttleTimeMs: since('1+', int32),
  errorCode: int16,
  groups: array(struct({ groupId: string, protocolType: string })),
});

export const listGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  versions: '0-2',
  request,
  response,
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
