// Fetch (1): whole batches from each partition's log, up to the high watermark, within the
// partition and response byte limits (the first non-empty partition may exceed them, KIP-74).
// With too little data it waits (long poll) until minBytes arrive or maxWaitMs passes.
// Fetch sessions (KIP-227) are declined by answering session id 0: every fetch is a full one.
// v9+ check the client's leader epoch; v12+ (and v16+, KIP-951) tell a client that asked the wrong
// broker who leads now; v13+ name topics by id (resolved by the dispatcher, topic-ids.ts).

import type { Topics } from '../cluster/topics.ts';
import type { StoredBatch } from '../log/partition-log.ts';
import { ReadLease } from '../log/read-buffers.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { FetchRequest } from '../protocol/messages/FetchRequest.ts';
import { FetchResponse, PartitionData } from '../protocol/messages/FetchResponse.ts';
import type { DecodedType, EncodableType } from '../protocol/schema.ts';
import type { Partition } from '../cluster/topic.ts';
import { defineApi, type ClusterView } from './api.ts';
import { leaderEpochError } from './leader-epoch.ts';
import { unknownTopicError } from './topic-ids.ts';

type Request = DecodedType<typeof FetchRequest>;

const READ_COMMITTED = 1;
type PartitionAnswer = EncodableType<typeof PartitionData>;

export const fetch = defineApi({
  request: FetchRequest,
  response: FetchResponse,
  versions: '4-18',
  async handle(req, { cluster, topics, broker, connection, authorize }) {
    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    const readable = (topic: string) => authorize('READ', 'TOPIC', topic);
    // Batches read from segment files go out in buffers lent for this response, taken back once it is written.
    const lease = new ReadLease();
    connection.afterResponse(() => lease.release());
    for (;;) {
      const { responses, bytes, errors } = readAll(topics, broker.id, req, readable, lease);
      const remaining = deadline - Date.now();
      if (bytes >= req.minBytes || errors || remaining <= 0 || broker.state !== 'up') {
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses, nodeEndpoints: leaderEndpoints(cluster, responses) };
      }
      await nextAppend(topics, req, remaining);
    }
  },
  describe: (req) =>
    req.topics
      .map((t) => `${t.topic}[${t.partitions.map((p) => `${p.partition}@${p.fetchOffset}`).join(',')}]`)
      .join(' '),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => p.partition) })) }),
  narrow: (req, keep) => ({
    ...req,
    topics: req.topics.map((t) => ({ ...t, partitions: t.partitions.filter((p) => keep(t.topic, p.partition)) })).filter((t) => t.partitions.length > 0),
  }),
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: req.topics.map((t) => ({ topic: t.topic, topicId: t.topicId, partitions: t.partitions.map((p) => ({ ...refused(p.partition, errorCode).data, records: null })) })),
  }),
});

function readAll(topics: Topics, brokerId: number, req: Request, readable: (topic: string) => boolean, lease: ReadLease) {
  let budget = req.maxBytes;
  let bytes = 0;
  let errors = false;
  const responses = req.topics.map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p): PartitionAnswer => {
      // An id no topic has is no secret (Kafka answers it before authorising); a name is checked first.
      const result = unknownTopicError(t, t.topic) === ErrorCode.UNKNOWN_TOPIC_ID
        ? refused(p.partition, ErrorCode.UNKNOWN_TOPIC_ID)
        : readable(t.topic)
          ? readPartition(topics, brokerId, t.topic, p, Math.min(p.partitionMaxBytes, budget), bytes === 0, req.isolationLevel === READ_COMMITTED, lease)
          : refused(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      const size = result.batches.reduce((sum, b) => sum + b.data.length, 0);
      budget = Math.max(0, budget - size);
      bytes += size;
      if (result.data.errorCode !== ErrorCode.NONE) errors = true;
      return { ...result.data, records: result.batches.map((b) => b.data) };
    }),
  }));
  return { responses, bytes, errors };
}

function readPartition(
  topics: Topics,
  brokerId: number,
  topic: string,
  { partition: index, fetchOffset: offset, currentLeaderEpoch }: { partition: number; fetchOffset: number; currentLeaderEpoch: number },
  maxBytes: number,
  firstWithData: boolean,
  readCommitted: boolean,
  lease: ReadLease,
): { data: Omit<PartitionAnswer, 'records'>; batches: StoredBatch[] } {
  const empty = (errorCode: number, hw = -1, lso = -1, start = -1) => refused(index, errorCode, hw, lso, start);
  const partition = topics.partition(topic, index);
  if (!partition) return empty(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const epochError = leaderEpochError(partition, brokerId, currentLeaderEpoch);
  if (epochError !== null) return withLeader(empty(epochError), partition);
  if (!partition.isLedBy(brokerId)) return withLeader(empty(ErrorCode.NOT_LEADER_OR_FOLLOWER), partition);
  const log = partition.logOn(brokerId);
  const highWatermark = partition.highWatermarkOn(brokerId);
  const lastStableOffset = partition.lastStableOffsetOn(brokerId);
  if (offset < log.startOffset || offset > log.endOffset) {
    return empty(ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark, lastStableOffset, log.startOffset);
  }
  const { data } = empty(ErrorCode.NONE, highWatermark, lastStableOffset, log.startOffset);
  // read_committed stops at the last stable offset and lists the aborted transactions to skip.
  const upTo = readCommitted ? lastStableOffset : highWatermark;
  const batches = log.read(offset, upTo, maxBytes, firstWithData, lease);
  const abortedTransactions = readCommitted ? log.producers.abortedBetween(offset, (batches.at(-1)?.lastOffset ?? offset - 1) + 1) : null;
  return { data: { ...data, abortedTransactions }, batches };
}

/** An answer that names the partition's leader and epoch, for a client that asked the wrong broker. */
function withLeader(answer: ReturnType<typeof refused>, partition: Partition): ReturnType<typeof refused> {
  return { ...answer, data: { ...answer.data, currentLeader: { leaderId: partition.leader, leaderEpoch: partition.leaderEpoch } } };
}

/** v16+: how to reach the leaders named in the partitions' answers. */
function leaderEndpoints(cluster: ClusterView, responses: { partitions: PartitionAnswer[] }[]) {
  const leaders = new Set(responses.flatMap((t) => t.partitions.map((p) => p.currentLeader?.leaderId ?? -1)).filter((id) => id >= 0));
  return [...leaders].flatMap((id) => {
    const broker = cluster.brokers.get(id);
    return broker ? [{ nodeId: id, host: broker.host, port: broker.port, rack: null }] : [];
  });
}

/** A partition answered with an error and no records. */
function refused(index: number, errorCode: number, hw = -1, lso = -1, start = -1): { data: Omit<PartitionAnswer, 'records'>; batches: StoredBatch[] } {
  return {
    data: { partitionIndex: index, errorCode, highWatermark: hw, lastStableOffset: lso, logStartOffset: start, abortedTransactions: null, preferredReadReplica: -1 },
    batches: [],
  };
}

/** Resolves when any requested partition gets new records, or after `timeoutMs`. */
function nextAppend(topics: Topics, req: Request, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const cancels: (() => void)[] = [];
    const wake = () => {
      clearTimeout(timer);
      for (const cancel of cancels) cancel();
      resolve();
    };
    const timer = setTimeout(wake, timeoutMs);
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const partition = topics.partition(t.topic, p.partition);
        if (partition) cancels.push(partition.onNextAppend(wake));
      }
    }
  });
}
