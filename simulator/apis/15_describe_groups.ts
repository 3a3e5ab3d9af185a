// DescribeGroups (15): state, protocol and members of groups. Member metadata and assignments are
// shown only once the group is Stable, as Kafka does; an unknown group is reported as Dead.

import type { Group } from '../groups/group.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DescribeGroupsRequest } from '../protocol/messages/DescribeGroupsRequest.ts';
import { DescribeGroupsResponse } from '../protocol/messages/DescribeGroupsResponse.ts';
import { defineApi } from './api.ts';

export const describeGroups = defineApi({
  request: DescribeGroupsRequest,
  response: DescribeGroupsResponse,
  versions: '0-2',
  handle(req, { groups, broker, authorize }) {
    const failed = (groupId: string, errorCode: number) => ({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] });
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        if (!authorize('DESCRIBE', 'GROUP', groupId)) return failed(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
        try {
          const group = groups.group(groupId, broker.id);
          return group ? summary(group) : { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
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
    groupId: group.groupId,
    groupState: group.state,
    // A group that only holds committed offsets is, to Kafka 4's group coordinator, an empty consumer group.
    protocolType: group.protocolType ?? 'consumer',
    protocolData: stable ? (group.protocolName ?? '') : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? Buffer.alloc(0)) : Buffer.alloc(0),
      memberAssignment: stable ? m.assignment : Buffer.alloc(0),
    })),
  };
}
