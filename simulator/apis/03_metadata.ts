// Metadata (3): brokers, the controller, and each topic's partitions with leader, replicas and ISR.
// Asking for an unknown topic creates it when auto-creation is on, answering LEADER_NOT_AVAILABLE
// for that round as Kafka does; clients ask again and find it.
// Topics the client may not DESCRIBE are left out of an all-topics answer, and named ones get
// TOPIC_AUTHORIZATION_FAILED, so their existence is not disclosed; auto-creation needs CREATE.

import { invalidTopicName, type Topic } from '../cluster/topic.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { MetadataRequest } from '../protocol/messages/MetadataRequest.ts';
import { MetadataResponse, MetadataResponseTopic } from '../protocol/messages/MetadataResponse.ts';
import type { DecodedType, EncodableType } from '../protocol/schema.ts';
import { authorizedOperations, OPERATIONS_NOT_ASKED } from './acls.ts';
import { defineApi, type ClusterView, type RequestServices } from './api.ts';

type TopicMetadata = EncodableType<typeof MetadataResponseTopic>;
type Request = DecodedType<typeof MetadataRequest>;

/** v0: an empty list means every topic; v1+: null means every topic, empty means none. */
const asksEveryTopic = (req: Request, version: number) => req.topics === null || (version === 0 && req.topics.length === 0);

export const metadata = defineApi({
  request: MetadataRequest,
  response: MetadataResponse,
  versions: '0-13',
  handle(req, { cluster, topics, broker, version, authorize }) {
    const everyTopic = asksEveryTopic(req, version);
    const described = (name: string) => authorize('DESCRIBE', 'TOPIC', name);
    const autoCreate = cluster.options.autoCreateTopics && (version < 4 || req.allowAutoTopicCreation);
    const mayCreate = (name: string) => authorize('CREATE', 'CLUSTER') || authorize('CREATE', 'TOPIC', name);
    // v8+: the operations the client may perform, when asked for.
    const withOperations = (answer: TopicMetadata): TopicMetadata =>
      req.includeTopicAuthorizedOperations && answer.errorCode === ErrorCode.NONE && answer.name
        ? { ...answer, topicAuthorizedOperations: authorizedOperations(authorize, 'TOPIC', answer.name) }
        : answer;
    const answer = (name: string) =>
      withOperations(described(name) ? describeTopic({ cluster, topics }, broker.id, name, !everyTopic && autoCreate, mayCreate) : unavailable(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
    return {
      ...header(cluster),
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? authorizedOperations(authorize, 'CLUSTER') : OPERATIONS_NOT_ASKED,
      topics: everyTopic
        ? [...topics.keys()].filter(described).map(answer)
        : req.topics!.map(({ name, topicId }) => {
            if (name !== null) return answer(name);
            // v12+ may ask by topic id alone; ids are not secret, so a refusal names the id.
            const topic = topics.byId(topicId);
            if (!topic) return { ...unavailable(null, ErrorCode.UNKNOWN_TOPIC_ID), topicId };
            return described(topic.name) ? withOperations(topicMetadataOf(cluster, topic, broker.id)) : { ...unavailable(null, ErrorCode.TOPIC_AUTHORIZATION_FAILED), topicId };
          }),
    };
  },
  describe: (req) => (req.topics === null ? 'all topics' : req.topics.map((t) => t.name ?? t.topicId).join(',')),
  // An all-topics request names none: rules matching a topic only see requests that name it.
  names: (req) => ({ topics: (req.topics ?? []).flatMap((t) => (t.name === null ? [] : [{ topic: t.name }])) }),
  narrow: (req, keep) => ({ ...req, topics: req.topics && req.topics.filter((t) => t.name === null || keep(t.name)) }),
  errorResponse: (req, errorCode, { cluster, topics, version }) => ({
    ...header(cluster),
    topics: asksEveryTopic(req, version)
      ? [...topics.keys()].map((name) => unavailable(name, errorCode))
      : req.topics!.map((t) => ({ ...unavailable(t.name, errorCode), topicId: t.topicId })),
  }),
});

const header = (cluster: ClusterView) => ({
  throttleTimeMs: 0,
  brokers: cluster.liveBrokers.map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: null })),
  clusterId: cluster.id,
  controllerId: cluster.controllerId,
});

const unavailable = (name: string | null, errorCode: number): TopicMetadata => ({ errorCode, name, isInternal: false, partitions: [] });

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
export function topicMetadataOf(cluster: ClusterView, topic: Topic, brokerId: number): TopicMetadata {
  const live = new Set(cluster.liveBrokers.map((b) => b.id));
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
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
