// Metadata (3): brokers, the controller, and each topic's partitions with leader, replicas and ISR.
// Asking for an unknown topic creates it when auto-creation is on, answering LEADER_NOT_AVAILABLE
// for that round as Kafka does; clients ask again and find it.
// Topics the client may not DESCRIBE are left out of an all-topics answer, and named ones get
// TOPIC_AUTHORIZATION_FAILED, so their existence is not disclosed; auto-creation needs CREATE.

import { invalidTopicName, type Topic } from '../cluster/topic.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, bool, int16, int32, nullableArray, nullableString, since, string, struct, type EncodableType } from '../protocol/schema.ts';
import { defineApi, type ClusterView, type RequestServices } from './api.ts';

const request = struct({
  topics: nullableArray(struct({ name: string })),
  allowAutoTopicCreation: since('4+', bool, true),
});

const partitionMetadata = struct({
  errorCode: int16,
  partitionIndex: int32,
  leaderId: int32,
  leaderEpoch: since('7+', int32, -1),
  replicaNodes: array(int32),
  isrNodes: array(int32),
  offlineReplicas: since('5+', array(int32)),
});

const topicMetadata = struct({
  errorCode: int16,
  name: string,
  isInternal: since('1+', bool),
  partitions: array(partitionMetadata),
});

const response = struct({
  throttleTimeMs: since('3+', int32),
  brokers: array(struct({ nodeId: int32, host: string, port: int32, rack: since('1+', nullableString) })),
  clusterId: since('2+', nullableString),
  controllerId: since('1+', int32, -1),
  topics: array(topicMetadata),
});

type TopicMetadata = EncodableType<typeof topicMetadata>;

export const metadata = defineApi({
  key: 3,
  name: 'Metadata',
  versions: '0-6',
  request,
  response,
  handle(req, { cluster, topics, broker, version, authorize }) {
    // v0: an empty list means every topic; v1+: null means every topic, empty means none.
    const everyTopic = req.topics === null || (version === 0 && req.topics.length === 0);
    const described = (name: string) => authorize('DESCRIBE', 'TOPIC', name);
    const names = everyTopic ? [...topics.keys()].filter(described) : req.topics!.map((t) => t.name);
    const autoCreate = cluster.options.autoCreateTopics && (version < 4 || req.allowAutoTopicCreation);
    const mayCreate = (name: string) => authorize('CREATE', 'CLUSTER') || authorize('CREATE', 'TOPIC', name);
    return {
      throttleTimeMs: 0,
      brokers: cluster.liveBrokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: null })),
      clusterId: cluster.id,
      controllerId: cluster.controllerId,
      topics: names.map((name) =>
        described(name) ? describeTopic({ cluster, topics }, broker.id, name, !everyTopic && autoCreate, mayCreate) : unavailable(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED),
      ),
    };
  },
  describe: (req) => (req.topics === null ? 'all topics' : req.topics.map((t) => t.name).join(',')),
  // An all-topics request names none: rules matching a topic only see requests that name it.
  names: (req) => ({ topics: (req.topics ?? []).map((t) => ({ topic: t.name })) }),
  narrow: (req, keep) => ({ ...req, topics: req.topics && req.topics.filter((t) => keep(t.name)) }),
  errorResponse: (req, errorCode, { cluster, topics, version }) => {
    const everyTopic = req.topics === null || (version === 0 && req.topics.length === 0);
    const names = everyTopic ? [...topics.keys()] : req.topics!.map((t) => t.name);
    return {
      throttleTimeMs: 0,
      brokers: cluster.liveBrokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: null })),
      clusterId: cluster.id,
      controllerId: cluster.controllerId,
      topics: names.map((name) => unavailable(name, errorCode)),
    };
  },
});

const unavailable = (name: string, errorCode: number): TopicMetadata => ({ errorCode, name, isInternal: false, partitions: [] });

function describeTopic({ cluster, topics }: Pick<RequestServices, 'cluster' | 'topics'>, brokerId: number, name: string, autoCreate: boolean, mayCreate: (name: string) => boolean): TopicMetadata {
  const topic = topics.get(name);
  if (topic) return topicMetadataOf(cluster, topic, brokerId);
  const failed = (code: number) => unavailable(name, code);
  if (autoCreate && !mayCreate(name)) return failed(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  if (invalidTopicName(name)) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!autoCreate) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  try {
    topics.create({ name });
    return failed(ErrorCode.LEADER_NOT_AVAILABLE);
  } catch (error) {
    return failed(error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}

/**
 * Partitions as the answering broker sees them: the controller's view, except that a broker cut
 * off from the controller still names itself leader of what it led (and clients believe it).
 */
function topicMetadataOf(cluster: ClusterView, topic: Topic, brokerId: number): TopicMetadata {
  const live = new Set(cluster.liveBrokers.map((b) => b.id));
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    isInternal: topic.internal,
    partitions: topic.partitions.map((p) => {
      const offline = p.replicas.filter((id) => !live.has(id));
      const leader = p.isLedBy(brokerId) ? brokerId : p.leader;
      return {
        errorCode: leader >= 0 ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
        partitionIndex: p.index,
        leaderId: leader,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.isr,
        offlineReplicas: offline,
      };
    }),
  };
}
