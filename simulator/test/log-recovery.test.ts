import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Cluster, ClusterOptions } from '../index.ts';
import { eventually, kafkaFor } from './support/cluster.ts';
import { killChildren, LineChild } from './support/child-lines.ts';
import { watchForCrashes } from './support/crash-watch.ts';
import { ownClusters } from './support/own-clusters.ts';

// Recovery, through real clients and real processes: a broker process killed with SIGKILL comes
// back with every acknowledged record (its active segment recovered, a torn last write cut); and a
// replica whose log is damaged — found by recovery at start or by a read — says so (partition,
// offset, bytes cut) and, where another replica holds the records, copies them back from it
// instead of being elected with the damage (issue 15, item 3).

watchForCrashes();
const { dataDir: temporaryDataDir, start, stop } = ownClusters('recovery');
afterEach(killChildren);

const value = (i: number) => `record ${i} `.padEnd(100, '.');

/** `count` records to partition 0 in sends of `perSend`, acks=-1. */
async function produce(kafka: Kafka, topic: string, from: number, count: number, perSend = 10): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let at = from; at < from + count; at += perSend) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: perSend }, (_, i) => ({ partition: 0, value: value(at + i) })) });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every record of partition 0 as a consumer group reads it, through leader changes. */
async function consumeAll(kafka: Kafka, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}`, maxWaitTimeInMs: 100, retry: { retries: 10, initialRetryTime: 50 } });
  const seen: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await eventually(() => seen.length >= count, `${count} records of ${topic}`, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const segment = (dataDir: string, broker: number, topic: string) => path.join(dataDir, `broker-${broker}`, `${topic}-0`, '00000000000000000000.log');

/** The byte positions of the batches in a segment file. */
function batchPositions(file: string): number[] {
  const log = fs.readFileSync(file);
  const positions: number[] = [];
  for (let at = 0; at < log.length; at += 12 + log.readInt32BE(at + 8)) positions.push(at);
  return positions;
}

/** Flips a byte inside the records of the batch at `position`: its CRC no longer matches. */
function damage(file: string, position: number): void {
  const fd = fs.openSync(file, 'r+');
  const byte = Buffer.alloc(1);
  fs.readSync(fd, byte, 0, 1, position + 70);
  byte[0] ^= 0xff;
  fs.writeSync(fd, byte, 0, 1, position + 70);
  fs.closeSync(fd);
}

/** What a crash leaves: no clean-shutdown marker, so the broker recovers its unflushed segments on start. */
const forgetCleanShutdown = (dataDir: string, broker: number) => fs.rmSync(path.join(dataDir, `broker-${broker}`, '.kafka_cleanshutdown'));

const partitionOf = (cluster: Cluster, topic: string) => cluster.describe().topics.find((t) => t.name === topic)!.partitions[0];
const damageEvents = (cluster: Cluster) => cluster.events.recent().filter((e) => e.type === 'log-damaged');

describe('crash recovery', () => {
  it('a broker process killed with SIGKILL restarts with every acknowledged record, its torn last write cut and said so', async () => {
    const dataDir = temporaryDataDir();
    const script = `
      const { startCluster } = await import(${JSON.stringify(new URL('../index.ts', import.meta.url).href)});
      const cluster = await startCluster({ brokers: 1, dataDir: ${JSON.stringify(dataDir)} });
      cluster.createTopic({ name: 'survivor', partitions: 1, configs: { 'segment.bytes': '1048576' } });
      console.log('bootstrap=' + cluster.bootstrapServers.join(','));
      setInterval(() => {}, 1000);
    `;
    const child = new LineChild<string>('broker', process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdout: (line) => line });
    const line = await child.waitFor((lines) => lines.find((l) => l.startsWith('bootstrap=')), 'the bootstrap line');
    const kafka = new Kafka({ brokers: line.slice('bootstrap='.length).split(','), logLevel: logLevel.NOTHING });
    await produce(kafka, 'survivor', 0, 12_000, 100); // 1.2 MB: a closed segment and an active one
    await child.kill('SIGKILL');

    const dir = path.dirname(segment(dataDir, 1, 'survivor'));
    expect(fs.existsSync(path.join(dataDir, 'broker-1', '.kafka_cleanshutdown'))).toBe(false);
    const logs = fs.readdirSync(dir).filter((name) => name.endsWith('.log')).sort();
    expect(logs.length).toBe(2);
    // The killed process's writes were in the page cache and survive; a power cut could also tear the
    // last write: half a batch at the end of the active segment.
    const active = path.join(dir, logs[1]);
    const whole = fs.readFileSync(active);
    fs.appendFileSync(active, whole.subarray(0, 500));

    const warnings: string[] = [];
    const restarted = await start({ brokers: 1, dataDir, onWarning: (w) => warnings.push(w) });
    expect(partitionOf(restarted, 'survivor').logEndOffset).toBe(12_000);
    expect(warnings).toEqual([expect.stringMatching(new RegExp(`^broker 1: recovery cut survivor-0 at offset 12,000 \\(${logs[1].replace('.', '\\.')} byte ${whole.length.toLocaleString('en-US')}: .*\\); 500 bytes cut; `))]);
    const read = restarted.readPartition('survivor', 0);
    expect(read.map((r) => r.value!.toString())).toEqual(Array.from({ length: 12_000 }, (_, i) => value(i)));
    await produce(kafkaFor(restarted), 'survivor', 12_000, 10);
    expect(restarted.readPartition('survivor', 0, { from: 11_995 }).map((r) => r.offset)).toEqual([11_995, 11_996, 11_997, 11_998, 11_999, ...Array.from({ length: 10 }, (_, i) => 12_000 + i)]);
    // The rebuilt indexes are written at the clean stop.
    await stop(restarted);
    expect(fs.statSync(active.replace('.log', '.index')).size).toBeGreaterThan(0);
  });
});

describe('damaged replicas (issue 15, item 3)', () => {
  const options = (dataDir: string, warnings: string[]): ClusterOptions => ({ brokers: 3, dataDir, onWarning: (w) => warnings.push(w), groupInitialRebalanceDelayMs: 0 });

  async function cluster200(dataDir: string): Promise<{ leader: number }> {
    const first = await start(options(dataDir, []));
    first.createTopic({ name: 'precious', partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    await produce(kafkaFor(first), 'precious', 0, 200);
    const { leader } = partitionOf(first, 'precious');
    await stop(first);
    return { leader };
  }

  it('a leader replica that recovery cuts is not elected: a healthy replica leads and the damaged one copies the records back', async () => {
    const dataDir = temporaryDataDir();
    const { leader } = await cluster200(dataDir);
    const positions = batchPositions(segment(dataDir, leader, 'precious'));
    damage(segment(dataDir, leader, 'precious'), positions[9]);
    forgetCleanShutdown(dataDir, leader);

    const warnings: string[] = [];
    const restarted = await start(options(dataDir, warnings));
    const after = partitionOf(restarted, 'precious');
    expect(after.leader).not.toBe(leader);
    expect(after.isr).not.toContain(leader);
    expect(after.highWatermark).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^broker ${leader}: recovery cut precious-0 at offset 90 \\(00000000000000000000\\.log byte ${positions[9].toLocaleString('en-US')}: CRC-32C mismatch\\); [\\d,]+ bytes cut; broker ${after.leader} holds offsets up to 199; broker ${leader} copies them back from it$`),
    );
    expect(damageEvents(restarted)).toEqual([expect.objectContaining({ brokerId: leader, topic: 'precious', offset: 90, found: 'recovery', recoveringFrom: after.leader, position: positions[9] })]);

    expect(await consumeAll(kafkaFor(restarted), 'precious', 200)).toEqual(Array.from({ length: 200 }, (_, i) => value(i)));
    // Copied back: it holds the whole log again, byte for byte the leader's, and is in sync.
    await eventually(() => partitionOf(restarted, 'precious').isr.includes(leader), 'the damaged replica back in the ISR');
    await stop(restarted);
    expect(fs.readFileSync(segment(dataDir, leader, 'precious')).equals(fs.readFileSync(segment(dataDir, after.leader, 'precious')))).toBe(true);
  });

  it('damage a read meets in a running leader moves leadership to a healthy replica; the consumer reads every record', async () => {
    const dataDir = temporaryDataDir();
    const { leader } = await cluster200(dataDir);
    const positions = batchPositions(segment(dataDir, leader, 'precious'));
    damage(segment(dataDir, leader, 'precious'), positions[9]);

    // A clean stop before: the start trusts the segment (as Kafka does) and nothing is said yet.
    const warnings: string[] = [];
    const restarted = await start(options(dataDir, warnings));
    expect(partitionOf(restarted, 'precious').leader).toBe(leader);
    expect(warnings).toEqual([]);

    expect(await consumeAll(kafkaFor(restarted), 'precious', 200)).toEqual(Array.from({ length: 200 }, (_, i) => value(i)));
    const after = partitionOf(restarted, 'precious');
    expect(after.leader).not.toBe(leader);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^broker ${leader}: a read found damage in precious-0 at offset 90 \\(.*CRC-32C mismatch\\); [\\d,]+ bytes cut; broker ${after.leader} holds offsets up to 199; broker ${leader} copies them back from it$`));
    expect(damageEvents(restarted)).toEqual([expect.objectContaining({ brokerId: leader, offset: 90, found: 'read', recoveringFrom: after.leader, acknowledgedLost: 110 })]);
    await eventually(() => partitionOf(restarted, 'precious').replicaStates.every((r) => r.logEndOffset === 200), 'every replica to hold all 200 records');
  });

  it('when every replica is damaged at the same place, each is cut there, says that no replica holds the rest, and the log goes on', async () => {
    const dataDir = temporaryDataDir();
    await cluster200(dataDir);
    for (const broker of [1, 2, 3]) {
      damage(segment(dataDir, broker, 'precious'), batchPositions(segment(dataDir, broker, 'precious'))[9]);
      forgetCleanShutdown(dataDir, broker);
    }
    const warnings: string[] = [];
    const restarted = await start(options(dataDir, warnings));
    expect(warnings.sort()).toEqual([1, 2, 3].map((b) => expect.stringMatching(new RegExp(`^broker ${b}: recovery cut precious-0 at offset 90 .*; no other replica holds what followed it$`))));
    expect(partitionOf(restarted, 'precious')).toMatchObject({ logEndOffset: 90, highWatermark: 90, isr: expect.arrayContaining([1, 2, 3]) });
    const kafka = kafkaFor(restarted);
    await produce(kafka, 'precious', 1000, 10);
    expect(await consumeAll(kafka, 'precious', 100)).toEqual([...Array.from({ length: 90 }, (_, i) => value(i)), ...Array.from({ length: 10 }, (_, i) => value(1000 + i))]);
  });
});

describe('a disk that refuses a write', () => {
  it('answers KAFKA_STORAGE_ERROR, keeps nothing of the batch, and takes the next one', async () => {
    const cluster = await start({ brokers: 1 });
    cluster.createTopic({ name: 'full', partitions: 1 });
    const kafka = kafkaFor(cluster);
    await produce(kafka, 'full', 0, 10);
    const file = segment(cluster.storage.root!, 1, 'full');
    const size = fs.statSync(file).size;
    const noSpace = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const write = vi.spyOn(fs, 'writeSync').mockImplementationOnce(() => {
      throw noSpace;
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic: 'full', acks: -1, messages: [{ partition: 0, value: 'refused' }] })).rejects.toThrow(/Disk error/);
      expect(write).toHaveBeenCalled();
      write.mockRestore();
      expect(fs.statSync(file).size).toBe(size);
      const [accepted] = await producer.send({ topic: 'full', acks: -1, messages: [{ partition: 0, value: 'accepted' }] });
      expect(accepted.baseOffset).toBe('10');
    } finally {
      write.mockRestore();
      await producer.disconnect();
    }
    expect(cluster.readPartition('full', 0).map((r) => r.value!.toString())).toEqual([...Array.from({ length: 10 }, (_, i) => value(i)), 'accepted']);
    expect(cluster.events.recent().some((e) => e.type === 'request-handled' && e.api === 'Produce' && e.errors.includes('KAFKA_STORAGE_ERROR'))).toBe(true);
  });
});

describe('upgrades and interrupted cleaning', () => {
  it('a data dir of kafka-lab 0.1 (one `log` file per replica) opens as a one-segment log', async () => {
    const dataDir = temporaryDataDir();
    const first = await start({ brokers: 1, dataDir });
    first.createTopic({ name: 'legacy', partitions: 1 });
    await produce(kafkaFor(first), 'legacy', 0, 50);
    first.records.deleteBefore(first.topics.partition('legacy', 0)!, 20);
    await stop(first);
    // Rewrite it as 0.1 laid it out: the batches in `log`, the start offset in `start-offset`, nothing else.
    const dir = path.dirname(segment(dataDir, 1, 'legacy'));
    const batches = fs.readFileSync(segment(dataDir, 1, 'legacy'));
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name));
    for (const name of fs.readdirSync(path.join(dataDir, 'broker-1'))) if (!fs.statSync(path.join(dataDir, 'broker-1', name)).isDirectory()) fs.rmSync(path.join(dataDir, 'broker-1', name));
    fs.writeFileSync(path.join(dir, 'log'), batches);
    fs.writeFileSync(path.join(dir, 'start-offset'), '20');

    const second = await start({ brokers: 1, dataDir, onWarning: () => {} });
    expect(partitionOf(second, 'legacy')).toMatchObject({ logStartOffset: 20, logEndOffset: 50, segments: 1 });
    expect(second.readPartition('legacy', 0).map((r) => r.value!.toString())).toEqual(Array.from({ length: 30 }, (_, i) => value(20 + i)));
    expect(fs.readdirSync(dir).sort()).toEqual(['00000000000000000000.log']);
  });

  it('a crash while the cleaner swapped a segment in: a complete .swap takes its place, an incomplete .cleaned goes', async () => {
    const dataDir = temporaryDataDir();
    const first = await start({ brokers: 1, dataDir });
    first.createTopic({ name: 'swapping', partitions: 1 });
    await produce(kafkaFor(first), 'swapping', 0, 30);
    await stop(first);
    const log = segment(dataDir, 1, 'swapping');
    const dir = path.dirname(log);
    // As if a pass had written its result (here: the same batches) and renamed it to .swap, then died.
    fs.copyFileSync(log, `${log}.swap`);
    fs.writeFileSync(path.join(dir, '00000000000000000010.log.cleaned'), 'half a cleaned segment');
    fs.rmSync(log);

    const second = await start({ brokers: 1, dataDir });
    expect(second.readPartition('swapping', 0).map((r) => r.value!.toString())).toEqual(Array.from({ length: 30 }, (_, i) => value(i)));
    expect(fs.readdirSync(dir).filter((name) => /\.(log|swap|cleaned)/.test(name))).toEqual(['00000000000000000000.log']);
  });
});
