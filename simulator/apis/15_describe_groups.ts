// DescribeGroups (15): state, protocol and members of groups. Member metadata and assignments are
// shown only once the group is Stable, as Kafka does; an unknown group is reported as Dead, and from
// v6 (KIP-1043) also as GROUP_ID_NOT_FOUND. v3+ may ask for the operations the client may perform.

import type { Group } from '../groups/group.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DescribeGroupsRequest } from '../protocol/messages/DescribeGroupsRequest.ts';
import { DescribeGroupsResponse } from '../protocol/messages/DescribeGroupsResponse.ts';
import { authorizedOperations, OPERATIONS_NOT_ASKED } from './acls.ts';
import { defineApi } from './api.ts';

export const describeGroups = defineApi({
  request: DescribeGroupsRequest,
  response: DescribeGroupsResponse,
  versions: '0-6',
  handle(req, { groups, broker, authorize, version }) {
    const failed = (groupId: string, errorCode: number) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] });
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        if (!authorize('DESCRIBE', 'GROUP', groupId)) return failed(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
        try {
          const group = groups.group(groupId, broker.id);
          const operations = req.includeAuthorizedOperations ? authorizedOperations(authorize, 'GROUP', groupId) : OPERATIONS_NOT_ASKED;
          if (group) return { ...summary(group), authorizedOperations: operations };
          const dead = { groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], authorizedOperations: operations };
          return version >= 6 ? { ...dead, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${groupId} not found.` } : { ...dead, errorCode: ErrorCode.NONE };
        } catch (error) {
          if (!(error instanceof KafkaError)) throw error;
          return failed(groupId, error.code);
        }
      }),
    };
  },
  describe: (req) => req.groups.join(','),
});

function summary(group: Group) {
  const stable = group.state === 'Stable';
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId: group.groupId,
    groupState: group.state,
    // A group that only holds committed offsets is, to Kafka 4's group coordinator, an empty consumer group.
    protocolType: group.protocolType ?? 'consumer',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0)) : Buffer.alloc(0),
      memberAssignment: stable ? m.assignment : Buffer.alloc(0),
    })),
  };
}
