// kcat (librdkafka) against the embedded cluster: metadata, keyed produce with headers, consume,
// and every compression codec. librdkafka's debug output (-d) shows what it negotiated and what
// it received, so these tests can check the wire, not only the round trip.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../index.ts';
import { readBatchHeader, readRecords } from '../protocol/records.ts';
import { describeWithClient } from './support/external-clients.ts';
import { findKcat, jsonLines, run } from '../testkit/external-clients.ts';
import { kafkaFor, uniqueTopic } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[] }[] }[];
}

const kcat = findKcat();
let cluster: Cluster;

beforeAll(async () => {
  cluster = new Cluster({ brokers: 3, seed: 33 });
  await cluster.start();
});
afterAll(async () => {
  await cluster?.stop();
});

/** The batches a partition's leader stores, exactly as it will serve them. */
const storedBatches = (topic: string, partition = 0) => {
  const p = cluster.topics.partition(topic, partition)!;
  return p.log.read(p.log.startOffset, p.highWatermark, Infinity);
};

let clientCounter = 0;

describeWithClient(kcat, 'kcat', (command) => {
  const bootstrap = () => cluster.bootstrapServers.join(',');
  const kcatRun = (args: string[], input = '') => run(command, ['-b', bootstrap(), ...args], { input });

  it('lists brokers, the controller and each partition’s leader, replicas and ISR as JSON (-L -J)', async () => {
    const topic = uniqueTopic('kcat-meta');
    cluster.createTopic({ name: topic, partitions: 3, replicationFactor: 2 });
    const metadata = JSON.parse((await kcatRun(['-L', '-J'])).stdout) as KcatMetadata;

    expect(metadata.brokers.map((b) => b.id).sort()).toEqual([1, 2, 3]);
    expect(metadata.brokers.map((b) => b.name).sort()).toEqual([...cluster.bootstrapServers].sort());
    expect(metadata.controllerid).toBe(cluster.controllerId);
    const listed = metadata.topics.find((t) => t.topic === topic)!;
    const actual = cluster.describe().topics.find((t) => t.name === topic)!;
    expect(listed.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas.map((r) => r.id), isr: p.isrs.map((r) => r.id) }))).toEqual(
      actual.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })),
    );
  });

  it('produces keyed messages with headers (-P -K: -H) and consumes them back with keys and headers (-C -J)', async () => {
    const topic = uniqueTopic('kcat-keys');
    const lines = Array.from({ length: 12 }, (_, i) => `sensor-${i % 4}:reading ${i}`);
    await kcatRun(['-P', '-t', topic, '-K:', '-H', 'source=kcat', '-H', 'unit=celsius'], `${lines.join('\n')}\n`);

    const consumed = jsonLines<KcatMessage>((await kcatRun(['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q'])).stdout);
    expect(consumed.map((m) => `${m.key}:${m.payload}`)).toEqual(lines);
    expect(consumed.map((m) => m.offset)).toEqual(lines.map((_, i) => i));
    expect(consumed[5]).toMatchObject({ partition: 0, tstype: 'create', headers: ['source', 'kcat', 'unit', 'celsius'] });

    // The same records through another client: the broker kept what librdkafka wrote.
    const viaKafkajs = await fetchMessages(kafkaFor(cluster), topic, 0, { count: 12 });
    expect(viaKafkajs[5].key?.toString()).toBe('sensor-1');
    expect(viaKafkajs[5].headers.unit?.toString()).toBe('celsius');
  });

  it('negotiates Produce v3+ and Fetch v4+, so every batch is a v2 record batch', async () => {
    const topic = uniqueTopic('kcat-versions');
    const clientId = `kcat-versions-${++clientCounter}`;
    const handled: { api: string; version: number }[] = [];
    const stop = cluster.events.on('request-handled', (e) => e.clientId === clientId && handled.push(e));
    const produced = await kcatRun(['-P', '-t', topic, '-X', `client.id=${clientId}`, '-d', 'protocol,feature'], 'one\ntwo\n');
    const consumed = await kcatRun(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-X', `client.id=${clientId}`, '-d', 'protocol']);
    stop();

    const produceVersion = Number(/Sent ProduceRequest \(v(\d+)/.exec(produced.stderr)?.[1]);
    const fetchVersion = Number(/Sent FetchRequest \(v(\d+)/.exec(consumed.stderr)?.[1]);
    expect(produceVersion).toBeGreaterThanOrEqual(3);
    expect(fetchVersion).toBeGreaterThanOrEqual(4);
    expect(produced.stderr).toMatch(/Enabling feature MsgVer2/);
    expect(handled).toContainEqual(expect.objectContaining({ api: 'Produce', version: produceVersion }));
    expect(handled).toContainEqual(expect.objectContaining({ api: 'Fetch', version: fetchVersion }));
    expect(storedBatches(topic).every((b) => readBatchHeader(b.data).magic === 2)).toBe(true);
    expect(consumed.stdout.split('\n').filter(Boolean)).toEqual(['one', 'two']);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'stores a %s batch from kcat as sent, and serves it back byte for byte',
    async (codec) => {
      const topic = uniqueTopic(`kcat-${codec}`);
      // Compressible values, so librdkafka never falls back to sending a batch uncompressed.
      const lines = Array.from({ length: 40 }, (_, i) => `${codec} reading ${i} ${'temperature ok '.repeat(12)}`);
      const produced = await kcatRun(['-P', '-t', topic, '-X', `compression.codec=${codec}`, '-d', 'msg'], `${lines.join('\n')}\n`);
      expect(produced.stderr).not.toMatch(/does not support compression/);

      // Stored compressed with the producer's codec, and our decompression reads every record.
      const batches = storedBatches(topic);
      expect(batches.length).toBeGreaterThan(0);
      expect(batches.map((b) => readBatchHeader(b.data).compression)).toEqual(batches.map(() => codec));
      expect(batches.flatMap((b) => readRecords(b.data).map((r) => r.value?.toString()))).toEqual(lines);

      const consumed = await kcatRun(['-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-d', 'fetch,msg']);
      expect(consumed.stdout.split('\n').filter(Boolean)).toEqual(lines);
      // librdkafka reports the size of the record set it was sent and the codec it decompressed:
      // the stored batches, unchanged.
      const storedBytes = batches.reduce((sum, b) => sum + b.data.length, 0);
      expect(Number(/MessageSet size (\d+)/.exec(consumed.stderr)?.[1])).toBe(storedBytes);
      expect(consumed.stderr).toMatch(new RegExp(`Enqueue \\d+ message\\(s\\).*, ${codec}\\)`));
    },
  );
});
