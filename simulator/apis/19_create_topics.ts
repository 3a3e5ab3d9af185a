// CreateTopics (19): creates topics as Kafka's KRaft controller does, each with its own outcome.
// Any broker accepts it: KRaft brokers forward admin requests to the active controller instead of
// answering NOT_CONTROLLER. numPartitions / replicationFactor -1 mean the broker defaults (Kafka's
// server accepts -1 in every version; only its Java client refuses it below v4).

import type { NewTopic } from '../cluster/options.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { CreatableTopic, CreateTopicsRequest } from '../protocol/messages/CreateTopicsRequest.ts';
import { CreatableTopicResult, CreateTopicsResponse } from '../protocol/messages/CreateTopicsResponse.ts';
import type { DecodedType, EncodableType } from '../protocol/schema.ts';
import { deadlinePassed, MAX_RECORDS_PER_REQUEST, namesGivenTwice, outcomeOf, TOO_LARGE } from './admin.ts';
import { topicConfigEntries } from './32_describe_configs.ts';
import { defineApi } from './api.ts';

type RequestedTopic = DecodedType<typeof CreatableTopic>;
type TopicResult = EncodableType<typeof CreatableTopicResult>;
type Request = DecodedType<typeof CreateTopicsRequest>;

const everyTopicFailed = (req: Request, errorCode: number) => ({ throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })) });

export const createTopics = defineApi({
  request: CreateTopicsRequest,
  response: CreateTopicsResponse,
  versions: '2-7',
  handle(req, { cluster, topics, authorize }) {
    if (deadlinePassed(req.timeoutMs)) return everyTopicFailed(req, ErrorCode.REQUEST_TIMED_OUT);
    if (metadataRecords(req.topics, cluster.options.numPartitions) > MAX_RECORDS_PER_REQUEST) {
      return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, ...TOO_LARGE })) };
    }
    const twice = namesGivenTwice(req.topics.map((t) => t.name));
    // CREATE on the cluster allows any topic; otherwise CREATE on each topic is needed.
    const mayCreate = (name: string) => authorize('CREATE', 'CLUSTER') || authorize('CREATE', 'TOPIC', name);
    const results: TopicResult[] = req.topics
      .filter((t) => !twice.has(t.name) && mayCreate(t.name))
      .map((t) => {
        let created: ReturnType<typeof topics.create> | undefined;
        const outcome = outcomeOf(() => {
          created = topics.create(newTopic(t), req.validateOnly);
        });
        if (!created) return { name: t.name, ...outcome };
        // v5+ (KIP-525) describe what was made: its layout and every config; v7+ its id, which
        // Kafka's controller picks before it validates, so validate-only answers one too.
        return {
          name: t.name,
          topicId: created.topic.id,
          ...outcome,
          numPartitions: created.partitions,
          replicationFactor: created.replicationFactor,
          configs: topicConfigEntries(created.topic),
        };
      });
    for (const name of twice) results.push({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' });
    for (const t of req.topics) {
      if (!twice.has(t.name) && !mayCreate(t.name)) results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' });
    }
    return { throttleTimeMs: 0, topics: results };
  },
  describe: (req) =>
    `${req.topics.map((t) => `${t.name}(${t.assignments.length ? `${t.assignments.length} assigned` : `${t.numPartitions}x${t.replicationFactor}`})`).join(' ')}` +
    (req.validateOnly ? ' validateOnly' : ''),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name })) }),
  narrow: (req, keep) => ({ ...req, topics: req.topics.filter((t) => keep(t.name)) }),
  errorResponse: everyTopicFailed,
});

/** The records creating these topics would write: each topic, each of its partitions, each config. */
function metadataRecords(topics: RequestedTopic[], defaultPartitions: number): number {
  const partitions = (t: RequestedTopic) => t.assignments.length || (t.numPartitions === -1 ? defaultPartitions : Math.max(0, t.numPartitions));
  return topics.reduce((sum, t) => sum + 1 + partitions(t) + t.configs.length, 0);
}

/** The request's topic as the cluster takes it; refuses what only a request can get wrong. */
function newTopic(topic: RequestedTopic): NewTopic {
  const nullConfigs = topic.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nullConfigs.length > 0) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${nullConfigs.join(',')}`);
  const configs = Object.fromEntries(topic.configs.map((c) => [c.name, c.value as string]));
  if (topic.assignments.length === 0) {
    return { name: topic.name, partitions: topic.numPartitions, replicationFactor: topic.replicationFactor, configs };
  }
  if (topic.replicationFactor !== -1) {
    throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but replication factor was not set to -1.');
  }
  if (topic.numPartitions !== -1) {
    throw new KafkaError('INVALID_REQUEST', 'A manual partition assignment was specified, but numPartitions was not set to -1.');
  }
  return { name: topic.name, assignments: assignmentsInOrder(topic.assignments), configs };
}

function assignmentsInOrder(assignments: RequestedTopic['assignments']): number[][] {
  const byPartition = new Map<number, number[]>();
  for (const { partitionIndex, brokerIds } of assignments) {
    if (byPartition.has(partitionIndex)) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Found multiple manual partition assignments for partition ${partitionIndex}`);
    }
    byPartition.set(partitionIndex, brokerIds);
  }
  return assignments.map((_, index) => {
    const replicas = byPartition.get(index);
    if (!replicas) throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'partitions should be a consecutive 0-based integer sequence');
    return replicas;
  });
}
