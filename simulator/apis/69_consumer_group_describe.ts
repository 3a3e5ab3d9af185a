// ConsumerGroupDescribe (69): consumer-protocol groups (KIP-848) as `kafka-consumer-groups
// --describe` shows them: state, group and assignment epochs, assignor, and each member's epoch,
// subscription, assignment and target assignment. A classic group, or none, is GROUP_ID_NOT_FOUND.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { ConsumerGroupDescribeRequest } from '../protocol/messages/ConsumerGroupDescribeRequest.ts';
import { ConsumerGroupDescribeResponse } from '../protocol/messages/ConsumerGroupDescribeResponse.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import { partitionsById } from './68_consumer_group_heartbeat.ts';
import { authorizedOperations, OPERATIONS_NOT_ASKED } from './acls.ts';
import { defineApi } from './api.ts';

const CONSUMER_MEMBER = 1;

export const consumerGroupDescribe = defineApi({
  request: ConsumerGroupDescribeRequest,
  response: ConsumerGroupDescribeResponse,
  versions: '0-1',
  handle(req, { groups, topics, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((groupId) => {
        const failed = (errorCode: number, errorMessage: string | null) => ({
          errorCode,
          errorMessage,
          groupId,
          groupState: '',
          groupEpoch: 0,
          assignmentEpoch: 0,
          assignorName: '',
          members: [],
          authorizedOperations: OPERATIONS_NOT_ASKED,
        });
        if (!authorize('DESCRIBE', 'GROUP', groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED, DENIED_MESSAGE.GROUP_AUTHORIZATION_FAILED);
        try {
          const group = groups.consumerGroup(groupId, broker.id);
          if (!group) {
            const classic = groups.groups.has(groupId);
            return failed(ErrorCode.GROUP_ID_NOT_FOUND, classic ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`);
          }
          return {
            errorCode: ErrorCode.NONE,
            errorMessage: null,
            groupId,
            groupState: group.state,
            groupEpoch: group.groupEpoch,
            assignmentEpoch: group.assignmentEpoch,
            assignorName: group.assignorName,
            members: [...group.members.values()].map((m) => ({
              memberId: m.memberId,
              instanceId: m.instanceId,
              rackId: m.rackId,
              memberEpoch: m.memberEpoch,
              clientId: m.clientId,
              clientHost: m.clientHost,
              subscribedTopicNames: m.subscribedTopicNames,
              subscribedTopicRegex: m.subscribedTopicRegex ?? '', // Kafka's members hold "" when no regex was given
              assignment: { topicPartitions: partitionsById(topics, m.assigned) },
              targetAssignment: { topicPartitions: partitionsById(topics, group.targetOf(m.memberId)) },
              memberType: CONSUMER_MEMBER,
            })),
            authorizedOperations: req.includeAuthorizedOperations ? authorizedOperations(authorize, 'GROUP', groupId) : OPERATIONS_NOT_ASKED,
          };
        } catch (error) {
          if (error instanceof KafkaError) return failed(error.code, error.message);
          throw error;
        }
      }),
    };
  },
  describe: (req) => req.groupIds.join(','),
  names: (req) => ({ group: req.groupIds[0] ?? null }),
});
