import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompressionTypes, Partitioners, type Producer } from 'kafkajs';
import type { Cluster, ClusterOptions } from '../index.ts';
import { kafkaFor } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { ownClusters } from './support/own-clusters.ts';

// Restart proofs for `dataDir`: everything acknowledged survives a stop and a start over the same
// directory, and a log cut short by a crash mid-write loses only the batch that was being written
// (and says so).

const clusters = ownClusters('data', { brokers: 3 });
const temporaryDataDir = clusters.dataDir;
const start = (dataDir: string, options: ClusterOptions = {}) => clusters.start({ dataDir, ...options });
const stop = clusters.stop;

async function withProducer<T>(cluster: Cluster, use: (producer: Producer) => Promise<T>): Promise<T> {
  const producer = kafkaFor(cluster).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect();
  }
}

/** Sends `values` to one partition with acks=-1 and returns the base offset the broker acknowledged. */
async function send(producer: Producer, topic: string, partition: number, values: string[], compression = CompressionTypes.None): Promise<number> {
  // Keyed, because a compacted topic (orders) refuses records without a key, as Kafka does.
  const [result] = await producer.send({ topic, acks: -1, compression, messages: values.map((value) => ({ partition, key: value, value })) });
  expect(result.errorCode).toBe(0);
  return Number(result.baseOffset);
}

async function readPartition(cluster: Cluster, topic: string, partition: number, fromOffset: number, count: number) {
  const messages = await fetchMessages(kafkaFor(cluster), topic, partition, { fromOffset, count });
  return messages.map((m) => ({ offset: Number(m.offset), value: m.value?.toString() }));
}

/** The describable state a restart must keep: everything but the ports. */
const durableState = (cluster: Cluster) => {
  const { clusterId, topics } = cluster.describe();
  return { clusterId, topics };
};

describe('a cluster with a data dir', () => {
  it('keeps every acknowledged record, topic, partition count and config across a restart', async () => {
    const dataDir = temporaryDataDir();
    const first = await start(dataDir, { seed: 3, numPartitions: 2 });
    first.createTopic({ name: 'orders', partitions: 3, replicationFactor: 2, configs: { 'retention.ms': '3600000' } });
    first.createTopic({ name: 'events', partitions: 2, replicationFactor: 3, configs: { 'max.message.bytes': '2000000' } });
    first.createTopic({ name: 'doomed', partitions: 1 });
    first.topics.createPartitions('events', 4, null);
    first.topics.setConfigs('orders', { 'retention.ms': '7200000', 'cleanup.policy': 'compact' });
    first.topics.delete('doomed');

    // Per partition, every acknowledged value at its acknowledged offset.
    const acknowledged = new Map<string, { offset: number; value: string }[]>();
    const layout = [
      { topic: 'orders', partitions: 3, compression: CompressionTypes.None },
      { topic: 'events', partitions: 4, compression: CompressionTypes.GZIP },
      { topic: 'auto-created', partitions: 2, compression: CompressionTypes.None },
    ];
    await withProducer(first, async (producer) => {
      for (let round = 0; round < 3; round++) {
        for (const { topic, partitions, compression } of layout) {
          for (let partition = 0; partition < partitions; partition++) {
            const values = [0, 1, 2].map((i) => `${topic}/${partition} round ${round} #${i}`);
            const baseOffset = await send(producer, topic, partition, values, compression);
            const kept = acknowledged.get(`${topic}/${partition}`) ?? [];
            expect(baseOffset).toBe(kept.length);
            kept.push(...values.map((value, i) => ({ offset: baseOffset + i, value })));
            acknowledged.set(`${topic}/${partition}`, kept);
          }
        }
      }
    });
    first.records.deleteBefore(first.topics.partition('orders', 1)!, 4);
    const before = durableState(first);
    await stop(first);

    const second = await start(dataDir, { seed: 3, numPartitions: 2 });
    expect(durableState(second)).toEqual(before);
    expect(second.topics.has('doomed')).toBe(false);
    expect(second.topics.partition('events', 3)).toBeDefined();
    expect(second.topics.get('orders')!.config.overrides).toEqual({ 'retention.ms': '7200000', 'cleanup.policy': 'compact' });
    expect(second.topics.get('events')!.config.get('max.message.bytes')).toBe('2000000');

    for (const { topic, partitions } of layout) {
      for (let partition = 0; partition < partitions; partition++) {
        const startOffset = second.topics.partition(topic, partition)!.log.startOffset;
        const expected = acknowledged.get(`${topic}/${partition}`)!.filter((r) => r.offset >= startOffset);
        expect(await readPartition(second, topic, partition, startOffset, expected.length)).toEqual(expected);
      }
    }
    expect(second.topics.partition('orders', 1)!.log.startOffset).toBe(4);

    // New appends continue where the old log ended.
    await withProducer(second, async (producer) => {
      for (const { topic, partitions, compression } of layout) {
        for (let partition = 0; partition < partitions; partition++) {
          const baseOffset = await send(producer, topic, partition, [`${topic}/${partition} after restart`], compression);
          expect(baseOffset).toBe(acknowledged.get(`${topic}/${partition}`)!.length);
          expect(await readPartition(second, topic, partition, baseOffset, 1)).toEqual([{ offset: baseOffset, value: `${topic}/${partition} after restart` }]);
        }
      }
    });
  });

  // What a crash can leave after the last whole batch of a partition's active segment.
  const crashTails: [string, (log: Buffer) => Buffer][] = [
    ['the first 40 bytes of a batch', (log) => log.subarray(0, 40)],
    ['a batch missing its last byte', (log) => log.subarray(0, firstBatchLength(log) - 1)],
    ['a whole batch whose CRC does not match', (log) => corrupted(log.subarray(0, firstBatchLength(log)))],
    ['zeroed bytes, as a preallocated file holds', () => Buffer.alloc(100)],
    ['bytes of 0xff', () => Buffer.alloc(100, 0xff)],
    ['three stray bytes', () => Buffer.from([1, 2, 3])],
  ];

  it.each(crashTails)('recovers a log ending in %s without losing a batch before it, and says what it cut', async (_tail, tailOf) => {
    const dataDir = temporaryDataDir();
    const first = await start(dataDir, { brokers: 1 });
    first.createTopic({ name: 'crashy', partitions: 1 });
    const values = Array.from({ length: 15 }, (_, i) => `record ${i}`);
    await withProducer(first, async (producer) => {
      await send(producer, 'crashy', 0, values.slice(0, 5));
      await send(producer, 'crashy', 0, values.slice(5, 10), CompressionTypes.GZIP);
      await send(producer, 'crashy', 0, values.slice(10));
    });
    await stop(first);

    const logFile = path.join(dataDir, 'broker-1', 'crashy-0', '00000000000000000000.log');
    const intact = fs.readFileSync(logFile);
    const tail = tailOf(intact);
    fs.appendFileSync(logFile, tail);

    const warnings: string[] = [];
    const second = await start(dataDir, { brokers: 1, onWarning: (line) => warnings.push(line) });
    expect(second.topics.partition('crashy', 0)!.log.endOffset).toBe(15);
    expect(await readPartition(second, 'crashy', 0, 0, 15)).toEqual(values.map((value, offset) => ({ offset, value })));
    expect(fs.statSync(logFile).size).toBe(intact.length);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^broker 1: recovery cut crashy-0 at offset 15 \\(00000000000000000000\\.log byte ${intact.length.toLocaleString('en-US')}: .+\\); ${tail.length} bytes cut; `))]);
    expect(second.events.recent().filter((e) => e.type === 'log-damaged')).toEqual([
      expect.objectContaining({ brokerId: 1, topic: 'crashy', partition: 0, offset: 15, bytesCut: tail.length, position: intact.length, found: 'recovery', recoveringFrom: null }),
    ]);

    await withProducer(second, async (producer) => expect(await send(producer, 'crashy', 0, ['after the crash'])).toBe(15));
    await stop(second);
    const third = await start(dataDir, { brokers: 1 });
    expect((await readPartition(third, 'crashy', 0, 0, 16)).map((r) => r.value)).toEqual([...values, 'after the crash']);
  });

  it('gives topics created after a seeded restart ids of their own', async () => {
    const dataDir = temporaryDataDir();
    const first = await start(dataDir, { brokers: 1, seed: 42 });
    first.createTopic({ name: 'before' });
    await stop(first);
    const second = await start(dataDir, { brokers: 1, seed: 42 });
    // Explicit replicas skip the placement draws, which lines the seeded sequence up with the first run's.
    second.createTopic({ name: 'after-1', assignments: [[1]] });
    second.createTopic({ name: 'after-2' });
    const ids = second.describe().topics.map((t) => t.id);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });
});

/** The size of the first batch in a log file: its length field counts all but the first 12 bytes. */
const firstBatchLength = (log: Buffer) => 12 + log.readInt32BE(8);

/** A copy of a batch with one record byte changed, so its CRC no longer matches. */
function corrupted(batch: Buffer): Buffer {
  const copy = Buffer.from(batch);
  copy[copy.length - 1] ^= 0xff;
  return copy;
}
