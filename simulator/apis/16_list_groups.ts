// ListGroups (16): the groups this broker coordinates (clients ask every broker to list them all).

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
  handle(_req, { cluster, broker }) {
    const coordinated = [...cluster.groups.groups.values()].filter((g) => cluster.groups.coordinatorOf(g.groupId) === broker.id);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      groups: coordinated.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' })),
    };
  },
});
