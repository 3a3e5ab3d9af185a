// ConsumerGroupHeartbeat (68): the consumer rebalance protocol (KIP-848), which Kafka 4 clients use
// with `group.protocol=consumer`. A member joins with epoch 0, says what it subscribes to and what
// it owns, and hears back its epoch and, when it changed, the partitions it is to own; -1 leaves.
// The group's state machine is in simulator/groups/consumer-group.ts. Needs READ on the group and
// DESCRIBE on the topics subscribed to by name.

import type { Topics } from '../cluster/topics.ts';
import type { TopicPartitions } from '../groups/consumer-group.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { ConsumerGroupHeartbeatRequest } from '../protocol/messages/ConsumerGroupHeartbeatRequest.ts';
import { ConsumerGroupHeartbeatResponse } from '../protocol/messages/ConsumerGroupHeartbeatResponse.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import { defineApi } from './api.ts';

/** As Kafka's coordinator answers a failed heartbeat: the error and nothing else (no member id, epoch 0). */
const failedHeartbeat = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });

export const consumerGroupHeartbeat = defineApi({
  request: ConsumerGroupHeartbeatRequest,
  response: ConsumerGroupHeartbeatResponse,
  versions: '0-1',
  handle(req, { groups, topics, broker, connection, header, version, authorize }) {
    const heartbeatIntervalMs = groups.options.consumerHeartbeatIntervalMs;
    if (!authorize('READ', 'GROUP', req.groupId)) return failedHeartbeat(ErrorCode.GROUP_AUTHORIZATION_FAILED, DENIED_MESSAGE.GROUP_AUTHORIZATION_FAILED);
    const refused = (req.subscribedTopicNames ?? []).filter((topic) => !authorize('DESCRIBE', 'TOPIC', topic));
    if (refused.length > 0) return failedHeartbeat(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `Not authorized to describe topics: ${refused.join(', ')}`);
    // v1+ (KIP-1082): the client chooses its member id.
    if (version >= 1 && req.memberId === '') return failedHeartbeat(ErrorCode.INVALID_REQUEST, 'MemberId can\'t be empty.');
    // A (re-)join, checked in Kafka's order.
    if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) return failedHeartbeat(ErrorCode.INVALID_REQUEST, 'RebalanceTimeoutMs must be provided in first request.');
      if (req.topicPartitions === null || req.topicPartitions.length > 0) return failedHeartbeat(ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty when (re-)joining.');
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
        return failedHeartbeat(ErrorCode.INVALID_REQUEST, 'Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
      }
    }
    try {
      const group = groups.consumerGroup(req.groupId, broker.id, req.memberEpoch === 0)!;
      if (!group) throw new KafkaError('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${req.groupId}.`);
      const result = group.heartbeat({
        memberId: req.memberId,
        memberEpoch: req.memberEpoch,
        instanceId: req.instanceId,
        rackId: req.rackId,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        subscribedTopicNames: req.subscribedTopicNames,
        subscribedTopicRegex: req.subscribedTopicRegex,
        serverAssignor: req.serverAssignor,
        owned: req.topicPartitions && namedPartitions(topics, req.topicPartitions),
        clientId: header.clientId ?? '',
        clientHost: `/${connection.remoteAddress}`,
      });
      groups.reportConsumerGroup(group);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        memberId: result.memberId,
        memberEpoch: result.memberEpoch,
        // A member that left (epoch -1, or -2 for a static member) is not asked to heartbeat again.
        heartbeatIntervalMs: result.memberEpoch < 0 ? 0 : heartbeatIntervalMs,
        assignment: result.assignment && { topicPartitions: partitionsById(topics, result.assignment) },
      };
    } catch (error) {
      if (error instanceof KafkaError) return failedHeartbeat(error.code, error.message);
      throw error;
    }
  },
  describe: (req) => `group=${req.groupId} member=${req.memberId || '(new)'} epoch=${req.memberEpoch}${req.subscribedTopicNames ? ` topics=${req.subscribedTopicNames.join(',')}` : ''}`,
  names: (req) => ({ group: req.groupId }),
  errorResponse: (_req, errorCode) => failedHeartbeat(errorCode, null),
});

/** A member's owned partitions, from topic ids to names (ids of topics that are gone are dropped). */
function namedPartitions(topics: Topics, owned: { topicId: string; partitions: number[] }[]): TopicPartitions {
  const named: TopicPartitions = new Map();
  for (const { topicId, partitions } of owned) {
    const topic = topics.byId(topicId);
    if (topic) named.set(topic.name, new Set(partitions));
  }
  return named;
}

export function partitionsById(topics: Topics, partitions: TopicPartitions): { topicId: string; topicName: string; partitions: number[] }[] {
  return [...partitions].flatMap(([name, ps]) => {
    const topic = topics.get(name);
    return topic ? [{ topicId: topic.id, topicName: name, partitions: [...ps].sort((a, b) => a - b) }] : [];
  });
}
