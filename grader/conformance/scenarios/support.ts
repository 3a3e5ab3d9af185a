// Small building blocks scenarios share: reading a partition back, producing, waiting.

import { Partitioners, type Message, type Producer, type ProducerConfig } from 'kafkajs';
import { internalCluster } from '../../../labs/checks/kafkajs-internal.ts';
import type { ScenarioContext } from '../scenario.ts';

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export async function producer(ctx: ScenarioContext, config: ProducerConfig = {}): Promise<Producer> {
  const p = ctx.track(ctx.kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner, ...config }));
  await p.connect();
  return p;
}

export async function produce(ctx: ScenarioContext, topic: string, messages: Message[]): Promise<void> {
  const p = await producer(ctx);
  await p.send({ topic, messages });
}

export interface ReadRecord {
  offset: string;
  key: string | null;
  value: string | null;
  headers?: Record<string, string>;
  timestamp?: string;
}

interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | Buffer[] | undefined>;
}

interface FetchResponse {
  responses: {
    topicName: string;
    partitions: { partition: number; errorCode: number; highWatermark: string; lastStableOffset: string; logStartOffset?: string; messages: FetchedMessage[] }[];
  }[];
}

export interface PartitionRead {
  records: ReadRecord[];
  highWatermark?: string;
  lastStableOffset?: string;
  /** The error kafkajs reported for the partition, by Kafka's name when it has one. */
  error?: string;
}

export interface ReadOptions {
  partition?: number;
  fromOffset?: number;
  /** 0 read_uncommitted (default), 1 read_committed. */
  isolationLevel?: 0 | 1;
  withTimestamps?: boolean;
}

/**
 * Every record of a partition from `fromOffset`, through kafkajs's own Fetch path (no consumer
 * group), until a fetch brings nothing new. Nothing else writes while a scenario reads.
 */
export async function readPartition(ctx: ScenarioContext, topic: string, options: ReadOptions = {}): Promise<PartitionRead> {
  const { partition = 0, fromOffset = 0, isolationLevel = 0, withTimestamps = false } = options;
  const cluster = ctx.track(internalCluster(ctx.kafka()));
  await cluster.connect();
  await cluster.addTargetTopic(topic);
  await cluster.refreshMetadata([topic]);
  const [leader] = Object.keys(cluster.findLeaderForPartitions(topic, [partition]));
  const broker = (await cluster.findBroker({ nodeId: leader })) as unknown as { fetch(request: object): Promise<FetchResponse> };
  const records: ReadRecord[] = [];
  let offset = fromOffset;
  for (;;) {
    let response: FetchResponse;
    try {
      response = await broker.fetch({
        maxWaitTime: 100,
        isolationLevel,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 1 << 20 }] }],
      });
    } catch (error) {
      // kafkajs throws for a partition error (OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, ...).
      const e = error as Error & { type?: string };
      return { records, error: e.type ?? `${e.name}: ${e.message}` };
    }
    const p = response.responses[0].partitions[0];
    const fresh = p.messages.filter((m) => Number(m.offset) >= offset);
    if (fresh.length === 0) return { records, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset };
    for (const m of fresh) records.push(readRecord(m, withTimestamps));
    offset = Number(fresh[fresh.length - 1].offset) + 1;
  }
}

function readRecord(m: FetchedMessage, withTimestamp: boolean): ReadRecord {
  const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String).join(',') : String(v)]));
  return {
    offset: m.offset,
    key: m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
    ...(Object.keys(headers).length > 0 && { headers }),
    ...(withTimestamp && { timestamp: m.timestamp }),
  };
}

/** Polls until `check` is truthy (or the deadline passes, returning false): never a fixed sleep. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** kafkajs's connection to the broker leading partition 0 of `topic` (or any broker), for requests its clients check themselves. */
export async function leaderOf(ctx: ScenarioContext, topic?: string): Promise<KafkajsBroker> {
  const cluster = ctx.track(internalCluster(ctx.kafka()));
  await cluster.connect();
  if (topic) {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadata([topic]);
    const [leader] = Object.keys(cluster.findLeaderForPartitions(topic, [0]));
    return (await cluster.findBroker({ nodeId: leader })) as unknown as KafkajsBroker;
  }
  await cluster.refreshMetadata([]);
  return (await cluster.findBroker({ nodeId: '1' })) as unknown as KafkajsBroker;
}

export interface KafkajsBroker {
  produce(request: object): Promise<unknown>;
  fetch(request: object): Promise<unknown>;
  listOffsets(request: object): Promise<unknown>;
}
