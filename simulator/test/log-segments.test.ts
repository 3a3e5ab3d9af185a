import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Partitioners, type Kafka } from 'kafkajs';
import { Cluster } from '../index.ts';
import { kafkaFor } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { requestFrame } from '../net/raw-connection.ts';
import { FetchRequest } from '../protocol/messages/FetchRequest.ts';
import { FetchResponse } from '../protocol/messages/FetchResponse.ts';
import { readRecords } from '../protocol/records.ts';
import { Reader, Writer } from '../protocol/wire.ts';
import { eventually } from './support/cluster.ts';
import { ownClusters } from './support/own-clusters.ts';

// The segmented log through real clients: segments roll at segment.bytes and segment.ms as Kafka
// rolls them, the files are Kafka's (.log, .index, .timeindex, checkpoints), reads older than the
// broker's cache come from the files, and the default, temporary and in-memory storages behave as
// the README says.

const { dataDir: temporaryDataDir, start, stop } = ownClusters('segments', { brokers: 1 });

const KIB = Buffer.alloc(1000, 'x');
const value = (i: number) => `${String(i).padStart(6, '0')}:${KIB.toString()}`;

/** Sends values `from`..`to`-1 to partition 0, `perSend` to a batch, acks=-1; optional timestamps per send. */
async function produce(kafka: Kafka, topic: string, from: number, to: number, perSend = 50, timestampOf?: (send: number) => number): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let at = from, send = 0; at < to; at += perSend, send++) {
      const timestamp = timestampOf ? String(timestampOf(send)) : undefined;
      const messages = Array.from({ length: Math.min(perSend, to - at) }, (_, i) => ({ partition: 0, value: value(at + i), timestamp }));
      await producer.send({ topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

async function readAll(kafka: Kafka, topic: string, count: number, fromOffset = 0): Promise<string[]> {
  const messages = await fetchMessages(kafka, topic, 0, { fromOffset, count, timeoutMs: 15_000 });
  return messages.map((m) => m.value!.toString());
}

const segmentFiles = (dir: string, suffix: string) => fs.readdirSync(dir).filter((name) => name.endsWith(suffix)).sort();
const partitionOf = (cluster: Cluster, topic: string) => cluster.describe().topics.find((t) => t.name === topic)!.partitions[0];

describe('segments', () => {
  it('roll at segment.bytes; reads older than the broker cache come from the files, whole and in order', async () => {
    const dataDir = temporaryDataDir();
    const cluster = await start({ dataDir, logCacheBytes: 64 * 1024 });
    const kafka = kafkaFor(cluster);
    cluster.createTopic({ name: 'rolling', partitions: 1, configs: { 'segment.bytes': String(2 ** 20) } });
    await produce(kafka, 'rolling', 0, 3000);

    const dir = path.join(dataDir, 'broker-1', 'rolling-0');
    const logs = segmentFiles(dir, '.log');
    expect(logs.length).toBeGreaterThanOrEqual(3);
    expect(partitionOf(cluster, 'rolling').segments).toBe(logs.length);
    // Named after their base offsets, each within segment.bytes, together the whole log.
    const sizes = logs.map((name) => fs.statSync(path.join(dir, name)).size);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(2 ** 20);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(partitionOf(cluster, 'rolling').sizeInBytes);
    expect(logs[0]).toBe('00000000000000000000.log');
    for (const name of logs) expect(fs.readFileSync(path.join(dir, name)).readBigInt64BE(0)).toBe(BigInt(name.slice(0, 20)));
    // The cache holds no more than its budget: most of the log is read back from disk.
    expect(cluster.storage.broker(1).cache!.bytes).toBeLessThanOrEqual(64 * 1024);

    expect(await readAll(kafka, 'rolling', 3000)).toEqual(Array.from({ length: 3000 }, (_, i) => value(i)));
    expect(await readAll(kafka, 'rolling', 10, 1234)).toEqual(Array.from({ length: 10 }, (_, i) => value(1234 + i)));
  });

  it('a reader that does not keep up gets intact responses: a read buffer goes back to the pool only once its response is written', async () => {
    const cluster = await start({ logCacheBytes: 0 });
    cluster.createTopic({ name: 'backlog', partitions: 1 });
    await produce(kafkaFor(cluster), 'backlog', 0, 6000);
    // 24 fetches of 1 MiB from different offsets, pipelined by a client that reads nothing yet: the
    // responses pile up in the broker's socket while it reads on from disk.
    const starts = Array.from({ length: 24 }, (_, i) => i * 240);
    const socket = net.connect(Number(cluster.bootstrapServers[0].split(':')[1]), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause();
    const fetched = () => cluster.events.recent().filter((e) => e.type === 'request-handled' && e.api === 'Fetch' && e.clientId === 'backlog-reader').length;
    for (const [i, fetchOffset] of starts.entries()) {
      const w = new Writer();
      FetchRequest.write(w, { maxWaitMs: 0, minBytes: 1, maxBytes: 2 ** 20, isolationLevel: 0, topics: [{ topic: 'backlog', partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 2 ** 20 }] }] }, { version: 4, flexible: false });
      socket.write(requestFrame({ apiKey: 1, version: 4, correlationId: i, body: w.toBuffer(), clientId: 'backlog-reader' }));
    }
    await eventually(() => fetched() === starts.length, 'the broker to answer every fetch');
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.resume();
    const frames: Buffer[] = [];
    await eventually(() => {
      while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        frames.push(received.subarray(4, 4 + received.readInt32BE(0)));
        received = received.subarray(4 + received.readInt32BE(0));
      }
      return frames.length === starts.length;
    }, 'every response');
    socket.destroy();
    for (const [i, frame] of frames.entries()) {
      const r = new Reader(frame);
      expect(r.int32()).toBe(i); // correlation id
      const response = FetchResponse.read(r, { version: 4, flexible: false });
      const records = response.responses[0].partitions[0].records!;
      const values = [];
      for (let at = 0; at < records.length; at += 12 + records.readInt32BE(at + 8)) {
        values.push(...readRecords(records.subarray(at, at + 12 + records.readInt32BE(at + 8))).map((record) => [record.offset, record.value!.toString()]));
      }
      const fromOffset = values.filter(([offset]) => (offset as number) >= starts[i]);
      expect(fromOffset.length).toBeGreaterThan(400);
      for (const [offset, text] of fromOffset) expect(text).toBe(value(offset as number));
    }
  });

  it('the broker cache lets go of the batches it evicts: what it holds stays within its budget', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const cluster = await start({ logCacheBytes: 256 * 1024 });
    const kafka = kafkaFor(cluster);
    cluster.createTopic({ name: 'evicting', partitions: 1 });
    await produce(kafka, 'evicting', 0, 100);
    const log = cluster.topics.partition('evicting', 0)!.log;
    // The first batches, as the cache holds them now: only weakly referenced from here.
    const first = log.read(0, Infinity, 100 * 1024).map((b) => new WeakRef(b.data));
    expect(first.length).toBeGreaterThan(0);
    await produce(kafka, 'evicting', 100, 2100);
    expect(cluster.storage.broker(1).cache!.bytes).toBeLessThanOrEqual(256 * 1024);
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(first.filter((ref) => ref.deref() !== undefined)).toEqual([]);
    // Still readable, from the segment file.
    expect(await readAll(kafka, 'evicting', 5)).toEqual([0, 1, 2, 3, 4].map(value));
  });

  it('roll at segment.ms, counted from the first batch timestamp of the segment, as Kafka counts it', async () => {
    const cluster = await start();
    const kafka = kafkaFor(cluster);
    cluster.createTopic({ name: 'hourly', partitions: 1, configs: { 'segment.ms': String(3_600_000) } });
    const t0 = Date.now() - 10 * 3_600_000;
    // Sends at t0, t0+30min, t0+61min, t0+90min, t0+2h05: segments roll before the 3rd and the 5th.
    const minutes = [0, 30, 61, 90, 125];
    await produce(kafka, 'hourly', 0, 5, 1, (send) => t0 + minutes[send] * 60_000);
    expect(partitionOf(cluster, 'hourly').segments).toBe(3);
    expect(await readAll(kafka, 'hourly', 5)).toEqual([0, 1, 2, 3, 4].map(value));
  });

  it('are written in Kafka\'s formats: batches back to back, an offset and a time index, checkpoints and a clean-shutdown marker', async () => {
    const dataDir = temporaryDataDir();
    const first = await start({ dataDir });
    const kafka = kafkaFor(first);
    first.createTopic({ name: 'formats', partitions: 1, configs: { 'segment.bytes': String(2 ** 20) } });
    const t0 = Date.now() - 60_000;
    await produce(kafka, 'formats', 0, 1500, 10, (send) => t0 + send);
    await stop(first);

    const brokerDir = path.join(dataDir, 'broker-1');
    const dir = path.join(brokerDir, 'formats-0');
    for (const name of segmentFiles(dir, '.log')) {
      const base = Number(name.slice(0, 20));
      const log = fs.readFileSync(path.join(dir, name));
      const index = fs.readFileSync(path.join(dir, name.replace('.log', '.index')));
      const timeIndex = fs.readFileSync(path.join(dir, name.replace('.log', '.timeindex')));
      // Batches back to back, offsets contiguous.
      let next = base;
      const batchAt = new Map<number, { lastOffset: number; maxTimestamp: number }>();
      for (let at = 0; at < log.length; at += 12 + log.readInt32BE(at + 8)) {
        expect(Number(log.readBigInt64BE(at))).toBe(next);
        next += log.readInt32BE(at + 23) + 1;
        batchAt.set(at, { lastOffset: next - 1, maxTimestamp: Number(log.readBigInt64BE(at + 35)) });
      }
      // Offset index: (last offset of the batch - base, position of the batch) once more than
      // index.interval.bytes (4 KiB) were written since the last entry: here, for every batch (10 KiB) but the first.
      expect(index.length % 8).toBe(0);
      expect(index.length / 8).toBe(batchAt.size - 1);
      for (let at = 0; at < index.length; at += 8) {
        const batch = batchAt.get(index.readInt32BE(at + 4));
        expect(batch?.lastOffset).toBe(base + index.readInt32BE(at));
      }
      // Time index: (largest timestamp so far, offset - base), increasing; the last entry holds the segment's largest timestamp.
      expect(timeIndex.length % 12).toBe(0);
      const times = Array.from({ length: timeIndex.length / 12 }, (_, i) => Number(timeIndex.readBigInt64BE(i * 12)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times.at(-1)).toBe(Math.max(...[...batchAt.values()].map((b) => b.maxTimestamp)));
    }
    const checkpoint = (name: string) => fs.readFileSync(path.join(brokerDir, name), 'utf8');
    expect(checkpoint('recovery-point-offset-checkpoint')).toBe('0\n1\nformats 0 1500\n');
    expect(checkpoint('log-start-offset-checkpoint')).toBe('0\n1\nformats 0 0\n');
    expect(fs.readFileSync(path.join(dir, 'leader-epoch-checkpoint'), 'utf8')).toBe('0\n1\n0 0\n');
    expect(fs.existsSync(path.join(brokerDir, '.kafka_cleanshutdown'))).toBe(true);

    // The next start trusts all of it, removes the marker (a crash from here on is unclean) and appends on.
    const warnings: string[] = [];
    const second = await start({ dataDir, onWarning: (line) => warnings.push(line) });
    expect(fs.existsSync(path.join(brokerDir, '.kafka_cleanshutdown'))).toBe(false);
    await produce(kafkaFor(second), 'formats', 1500, 1510, 10);
    expect(await readAll(kafkaFor(second), 'formats', 20, 1490)).toEqual(Array.from({ length: 20 }, (_, i) => value(1490 + i)));
    expect(warnings).toEqual([]);
  });

  it('ListOffsets by timestamp finds the first record at or after it in whichever segment holds it', async () => {
    const cluster = await start();
    const kafka = kafkaFor(cluster);
    cluster.createTopic({ name: 'by-time', partitions: 1, configs: { 'segment.ms': '60000' } });
    const t0 = Date.now() - 100 * 3_600_000;
    await produce(kafka, 'by-time', 0, 40, 4, (send) => t0 + send * 3_600_000); // 10 segments, an hour apart
    expect(partitionOf(cluster, 'by-time').segments).toBe(10);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const at = async (ts: number) => (await admin.fetchTopicOffsetsByTimestamp('by-time', ts))[0].offset;
      expect(await at(t0)).toBe('0');
      expect(await at(t0 + 1)).toBe('4');
      expect(await at(t0 + 6 * 3_600_000)).toBe('24');
      expect(await at(t0 + 9 * 3_600_000 + 1)).toBe('40');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('file descriptors', () => {
  it.skipIf(!fs.existsSync('/proc/self/fd'))('a broker writing to hundreds of partitions keeps a bounded number of files open (a laptop allows 256)', async () => {
    const openFiles = () => fs.readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const cluster = await start();
    const kafka = kafkaFor(cluster);
    cluster.createTopic({ name: 'wide', partitions: 400 });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'wide', acks: -1, messages: Array.from({ length: 400 }, (_, partition) => ({ partition, value: `to ${partition}` })) });
    await producer.disconnect();
    expect(fs.readdirSync(path.join(cluster.storage.root!, 'broker-1')).filter((name) => name.startsWith('wide-'))).toHaveLength(400);
    expect(openFiles() - before).toBeLessThan(200);
    for (const partition of [0, 199, 399]) expect(cluster.readPartition('wide', partition).map((r) => r.value!.toString())).toEqual([`to ${partition}`]);
  });
});

describe('storage', () => {
  it('by default puts the logs in a temporary folder, removed when the cluster stops', async () => {
    const cluster = await start();
    cluster.createTopic({ name: 'scratch', partitions: 1 });
    await produce(kafkaFor(cluster), 'scratch', 0, 10, 10);
    const root = cluster.storage.root!;
    expect(root.startsWith(os.tmpdir())).toBe(true);
    expect(segmentFiles(path.join(root, 'broker-1', 'scratch-0'), '.log')).toEqual(['00000000000000000000.log']);
    await stop(cluster);
    expect(fs.existsSync(root)).toBe(false);
  });

  it('inMemory keeps every batch in memory, with the same segments, and writes nothing', async () => {
    const cluster = await start({ inMemory: true });
    const kafka = kafkaFor(cluster);
    expect(cluster.storage.root).toBeNull();
    cluster.createTopic({ name: 'in-memory', partitions: 1, configs: { 'segment.bytes': String(2 ** 20), 'retention.bytes': String(2 ** 20) } });
    await produce(kafka, 'in-memory', 0, 3000);
    const before = partitionOf(cluster, 'in-memory');
    expect(before.segments).toBeGreaterThanOrEqual(3);
    const [cleaned] = cluster.cleanLogs({ topic: 'in-memory' });
    expect(cleaned.deleted.segments).toBe(before.segments - 2);
    expect(cleaned.logStartOffset).toBeGreaterThan(0);
    expect(await readAll(kafka, 'in-memory', 3000 - cleaned.logStartOffset, cleaned.logStartOffset)).toEqual(
      Array.from({ length: 3000 - cleaned.logStartOffset }, (_, i) => value(cleaned.logStartOffset + i)),
    );
  });

  it('refuses dataDir together with inMemory', () => {
    expect(() => new Cluster({ dataDir: temporaryDataDir(), inMemory: true })).toThrow(/dataDir and inMemory/);
  });
});
