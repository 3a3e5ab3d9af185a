// ElectLeaders (43): a preferred election (leadership back to each partition's first replica,
// if it is alive and in sync) or an unclean one (a leader for a partition that has none, an
// out-of-sync replica if need be), as kafka-leader-election and admin clients ask for it.
// Without partitions named, every partition is tried and only those that needed an election are
// answered. Needs ALTER on the cluster. Elections happen before the answer, so timeoutMs is moot.

import { ErrorCode } from '../protocol/errors.ts';
import { ElectLeadersRequest } from '../protocol/messages/ElectLeadersRequest.ts';
import { ElectLeadersResponse } from '../protocol/messages/ElectLeadersResponse.ts';
import { clusterDenied, type Outcome } from './admin.ts';
import { defineApi, type RequestContext } from './api.ts';

const PREFERRED = 0;
const UNCLEAN = 1;

const OUTCOME = {
  elected: { errorCode: ErrorCode.NONE, errorMessage: null },
  'not-needed': { errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' },
  'not-available': {
    [PREFERRED]: { errorCode: ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, errorMessage: 'The preferred leader was not available.' },
    [UNCLEAN]: { errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, errorMessage: 'Eligible topic partition leaders are not available.' },
  },
} as const;

/** One partition's election, as Kafka's controller answers it. */
function elect({ topics, elections }: RequestContext, topic: string, index: number, type: number): Outcome {
  if (!topics.has(topic)) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${topic}` };
  const partition = topics.partition(topic, index);
  if (!partition) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${topic}-${index}` };
  const result = elections.electOnRequest(partition, type === UNCLEAN ? 'unclean' : 'preferred');
  return result === 'not-available' ? OUTCOME['not-available'][type === UNCLEAN ? UNCLEAN : PREFERRED] : OUTCOME[result];
}

export const electLeaders = defineApi({
  request: ElectLeadersRequest,
  response: ElectLeadersResponse,
  versions: '0-2',
  handle(req, context) {
    const type = context.version === 0 ? PREFERRED : req.electionType;
    if (type !== PREFERRED && type !== UNCLEAN) {
      // Kafka's ElectionType.valueOf refuses the request before anything is elected.
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: errorResults(req, { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Expected a value of 0 or 1, but got ${type}` }) };
    }
    const denied = clusterDenied(context, 'ElectLeaders', 'ALTER');
    if (denied) return { throttleTimeMs: 0, errorCode: denied.errorCode, replicaElectionResults: errorResults(req, denied) };
    if (req.topicPartitions === null) {
      const replicaElectionResults = [...context.topics.values()].map((topic) => ({
        topic: topic.name,
        partitionResult: topic.partitions
          .map((p) => ({ partitionId: p.index, ...elect(context, topic.name, p.index, type) }))
          .filter((r) => r.errorCode !== ErrorCode.ELECTION_NOT_NEEDED),
      }));
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
    }
    const replicaElectionResults = req.topicPartitions.map((t) => ({
      topic: t.topic,
      partitionResult: t.partitions.map((partitionId) => ({ partitionId, ...elect(context, t.topic, partitionId, type) })),
    }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
  },
  describe: (req) =>
    `${req.electionType === UNCLEAN ? 'unclean' : 'preferred'} ${req.topicPartitions === null ? '(all partitions)' : req.topicPartitions.map((t) => `${t.topic}[${t.partitions.join(',')}]`).join(' ')}`,
  names: (req) => ({ topics: req.topicPartitions?.map((t) => ({ topic: t.topic, partitions: t.partitions })) }),
});

/** Kafka's error response: every partition named gets the request's error. */
function errorResults(req: { topicPartitions: { topic: string; partitions: number[] }[] | null }, outcome: Outcome) {
  return (req.topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitions.map((partitionId) => ({ partitionId, ...outcome })) }));
}
