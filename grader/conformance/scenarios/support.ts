// Small building blocks scenarios share: reading a partition back, producing, waiting.

import { Partitioners, type Message, type Producer, type ProducerConfig } from 'kafkajs';
import { internalCluster, leaderBroker, type FetchedMessage } from '../../../simulator/testkit/kafkajs-internal.ts';
import { readPartition as readFromLeader } from '../../../simulator/testkit/read-partition.ts';
import { CLIENT_SCRIPTS, jsonLines, run } from '../../../simulator/testkit/external-clients.ts';
import type { ScenarioContext } from '../scenario.ts';

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const PYTHON_ENV = { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' };

/** Runs a kafka-python script of simulator/testkit/clients against the cluster; its JSON lines. */
export async function python(ctx: ScenarioContext, script: string, ...args: string[]): Promise<Record<string, unknown>[]> {
  const { stdout } = await run(ctx.client('kafka-python'), [`${CLIENT_SCRIPTS}${script}`, ctx.bootstrapServers.join(','), ...args], { env: PYTHON_ENV });
  return jsonLines(stdout);
}

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
 * group), to the end of what is readable. Nothing else writes while a scenario reads.
 */
export async function readPartition(ctx: ScenarioContext, topic: string, options: ReadOptions = {}): Promise<PartitionRead> {
  const { partition = 0, fromOffset = 0, isolationLevel = 0, withTimestamps = false } = options;
  const records: ReadRecord[] = [];
  const cluster = ctx.track(internalCluster(ctx.kafka()));
  await cluster.connect();
  try {
    const read = await readFromLeader(cluster, topic, partition, {
      from: fromOffset,
      isolationLevel,
      maxBytes: 1 << 20,
      timeoutMs: 60_000,
      onMessages: (messages) => records.push(...messages.map((m) => readRecord(m, withTimestamps))),
    });
    return { records, highWatermark: String(read.highWatermark), lastStableOffset: String(read.lastStableOffset) };
  } catch (error) {
    // kafkajs throws for a partition error (OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION, ...).
    const e = error as Error & { type?: string };
    return { records, error: e.type ?? `${e.name}: ${e.message}` };
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
  if (topic) return (await leaderBroker(cluster, topic)) as unknown as KafkajsBroker;
  await cluster.refreshMetadata([]);
  return (await cluster.findBroker({ nodeId: '1' })) as unknown as KafkajsBroker;
}

export interface KafkajsBroker {
  produce(request: object): Promise<unknown>;
  fetch(request: object): Promise<unknown>;
  listOffsets(request: object): Promise<unknown>;
}
