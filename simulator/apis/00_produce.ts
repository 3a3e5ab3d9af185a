// Produce (0): validate each partition's record batches as Kafka's LogValidator does, then append
// them to the leader's log with offsets assigned. acks=0 gets no response at all.

import { effectiveMinIsr } from '../cluster/replication.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DecompressionLimitError } from '../protocol/compression.ts';
import { CorruptBatchError, InvalidRecordError, stampLogAppendTime, type TimestampWindow, type ValidatedBatch } from '../protocol/records.ts';
import { ProduceRequest } from '../protocol/messages/ProduceRequest.ts';
import { PartitionProduceResponse, ProduceResponse } from '../protocol/messages/ProduceResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import type { TopicConfig } from '../cluster/configs.ts';
import type { Partition } from '../cluster/topic.ts';
import { defineApi, NO_RESPONSE, type RequestContext } from './api.ts';
import { unknownTopicError } from './topic-ids.ts';

type PartitionResponse = EncodableType<typeof PartitionProduceResponse>;

export const produce = defineApi({
  request: ProduceRequest,
  response: ProduceResponse,
  versions: '3-13',
  async handle(req, context) {
    const { authorize, cluster } = context;
    const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
    const txnDenied = req.transactionalId !== null && !authorize('WRITE', 'TRANSACTIONAL_ID', req.transactionalId);
    const responses = await Promise.all(
      req.topicData.map(async (topic) => {
        const denied = txnDenied ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : authorize('WRITE', 'TOPIC', topic.name) ? null : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        return {
          name: topic.name,
          topicId: topic.topicId,
          partitionResponses: await Promise.all(
            topic.partitionData.map((p) =>
              denied !== null
                ? failed(p.index, denied)
                : validAcks
                  ? appendPartition(context, topic, p.index, p.records, req.acks, req.timeoutMs)
                  : failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS),
            ),
          ),
        };
      }),
    );
    if (req.acks === 0) return NO_RESPONSE;
    // v10+ (KIP-951): where a partition moved, its new leader and how to reach it, so the client
    // need not wait for a metadata refresh.
    const leaders = new Set(responses.flatMap((t) => t.partitionResponses.map((p) => p.currentLeader?.leaderId ?? -1)).filter((id) => id >= 0));
    const nodeEndpoints = [...leaders].flatMap((id) => {
      const broker = cluster.brokers.get(id);
      return broker ? [{ nodeId: id, host: broker.host, port: broker.port, rack: null }] : [];
    });
    return { responses, throttleTimeMs: 0, nodeEndpoints };
  },
  describe: (req) =>
    `${req.topicData.map((t) => `${t.name}[${t.partitionData.map((p) => p.index).join(',')}]`).join(' ')} acks=${req.acks}`,
  names: (req) => ({
    transactionalId: req.transactionalId,
    topics: req.topicData.map((t) => ({ topic: t.name, partitions: t.partitionData.map((p) => p.index) })),
  }),
  narrow: (req, keep) => ({
    ...req,
    topicData: req.topicData
      .map((t) => ({ ...t, partitionData: t.partitionData.filter((p) => keep(t.name, p.index)) }))
      .filter((t) => t.partitionData.length > 0),
  }),
  // acks=0 reads no answer: Kafka closes the connection instead, so the client notices the failure.
  errorResponse: (req, errorCode) =>
    req.acks === 0
      ? NO_RESPONSE
      : { throttleTimeMs: 0, responses: req.topicData.map((t) => ({ name: t.name, topicId: t.topicId, partitionResponses: t.partitionData.map((p) => failed(p.index, errorCode)) })) },
});

const failed = (index: number, errorCode: number, errorMessage: string | null = null): PartitionResponse => ({
  index,
  errorCode,
  baseOffset: -1,
  logAppendTimeMs: -1,
  logStartOffset: -1,
  errorMessage,
});

/**
 * The record timestamps a CreateTime topic takes at `now` (message.timestamp.before/after.max.ms),
 * and the bounds as Kafka's message prints them (Java's long arithmetic, which may wrap).
 */
function timestampWindow(config: TopicConfig, now: number): { accepted: TimestampWindow; shown: [bigint, bigint] } | undefined {
  if (config.logAppendTime) return undefined;
  const before = config.get('message.timestamp.before.max.ms');
  const after = config.get('message.timestamp.after.max.ms');
  return {
    accepted: { earliest: now - Number(before), latest: now + Number(after) },
    shown: [BigInt.asIntN(64, BigInt(now) - BigInt(before)), BigInt.asIntN(64, BigInt(now) + BigInt(after))],
  };
}

/** Kafka's LogValidator refuses the whole batch, naming each record out of the window (v8+ read them); the answer carries the log start offset. */
function timestampsRefused(index: number, { header, untimely }: ValidatedBatch, [earliest, latest]: [bigint, bigint]): PartitionResponse {
  return {
    ...failed(index, ErrorCode.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp'),
    recordErrors: untimely.map((r) => ({
      batchIndex: r.index,
      batchIndexErrorMessage: `Timestamp ${header.baseTimestamp + r.timestampDelta} of message with offset ${r.index} is out of range. The timestamp should be within [${earliest}, ${latest}]`,
    })),
  };
}

/** NOT_LEADER_OR_FOLLOWER with the partition's current leader (read by v10+ clients). */
const notLeader = (partition: Partition): PartitionResponse => ({
  ...failed(partition.index, ErrorCode.NOT_LEADER_OR_FOLLOWER),
  currentLeader: { leaderId: partition.leader, leaderEpoch: partition.leaderEpoch },
});

async function appendPartition(
  { topics, records, events, broker, connection, header }: RequestContext,
  topic: { name: string; topicId: string },
  index: number,
  recordSet: Buffer | null,
  acks: number,
  timeoutMs: number,
): Promise<PartitionResponse> {
  const brokerId = broker.id;
  const topicName = topic.name;
  const partition = topics.partition(topicName, index);
  if (!partition) return failed(index, unknownTopicError(topic, topicName));
  if (!partition.isLedBy(brokerId)) return notLeader(partition);
  const config = partition.topic.config;
  const minInSync = effectiveMinIsr(partition);
  try {
    if (recordSet === null || recordSet.length === 0) throw new InvalidRecordError('no records');
    const window = timestampWindow(config, Date.now());
    const batches = await records.validate(recordSet, config.maxMessageBytes, window?.accepted);
    if (batches.length > 1) throw new InvalidRecordError('Produce v3+ carries exactly one record batch per partition');
    // Kafka's LogValidator: a compacted topic keeps the latest record per key, so every record needs one.
    if (partition.topic.cleanupPolicy.compact && batches.some((b) => b.keyless > 0)) {
      throw new InvalidRecordError(`Compacted topic cannot accept message without key in topic partition ${topicName}-${index}`);
    }
    const untimely = window && batches.find((b) => b.untimely.length > 0);
    if (untimely) return { ...timestampsRefused(index, untimely, window.shown), logStartOffset: partition.log.startOffset };
    // Validation may have waited for its budget and the worker: the world may have moved meanwhile.
    if (topics.partition(topicName, index) !== partition) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    if (!partition.isLedBy(brokerId) || broker.state === 'down') return notLeader(partition);
    // acks=all refuses to write at all while too few replicas are in sync (Kafka checks before appending).
    if (acks === -1 && partition.isr.length < minInSync) {
      throw new KafkaError('NOT_ENOUGH_REPLICAS', `The size of the current ISR ${partition.isr.length} is insufficient to satisfy the min.isr requirement of ${minInSync}.`);
    }
    const now = Date.now();
    if (config.logAppendTime) for (const { batch } of batches) stampLogAppendTime(batch, now);
    const baseOffset = records.append(partition, batches, brokerId);
    if (acks === -1) {
      const outcome = await partition.waitForHighWatermark(brokerId, baseOffset + batches[0].header.lastOffsetDelta + 1, timeoutMs);
      if (outcome === 'not-leader') return notLeader(partition);
      if (outcome === 'timeout') return failed(index, ErrorCode.REQUEST_TIMED_OUT);
      if (partition.isr.length < minInSync) return failed(index, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    }
    if (acks !== 0) {
      // What the history checker takes as acknowledged: these offsets, as the client is told.
      const { recordCount } = batches[0].header;
      events.emit({ type: 'produce-acknowledged', brokerId, connectionId: connection.id, clientId: header.clientId, topic: topicName, partition: index, acks: acks as 1 | -1, baseOffset, recordCount });
    }
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset,
      logAppendTimeMs: config.logAppendTime ? now : -1,
      logStartOffset: partition.log.startOffset,
    };
  } catch (error) {
    if (error instanceof DecompressionLimitError) return failed(index, ErrorCode.RECORD_LIST_TOO_LARGE);
    // v8+ carry the reason a batch was refused.
    if (error instanceof InvalidRecordError) return failed(index, ErrorCode.INVALID_RECORD, error.message);
    if (error instanceof CorruptBatchError) return failed(index, ErrorCode.CORRUPT_MESSAGE);
    if (error instanceof KafkaError) return failed(index, error.code);
    throw error;
  }
}
