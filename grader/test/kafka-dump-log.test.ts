// Kafka's own tool reads kafka-lab's segment files: DumpLogSegments (kafka-dump-log.sh) walks every
// batch of every segment the simulator wrote — plain, gzip, transactional, compacted — finds each
// valid, and passes the offset and time indexes through its sanity and verification checks.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { Cluster } from '../../simulator/index.ts';
import { ensureKafkaTools, findJava, KAFKA_VERSION } from '../real-kafka/index.ts';
import { describeWithRealKafka } from './support/real-kafka.ts';

const directories: string[] = [];
afterAll(() => {
  for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
});

async function dumpLog(classpath: string, dir: string, files: string[], ...flags: string[]): Promise<string> {
  const java = findJava().command!;
  const { stdout, stderr } = await promisify(execFile)(java, ['-cp', classpath, 'org.apache.kafka.tools.DumpLogSegments', '--files', files.join(','), ...flags], { cwd: dir, maxBuffer: 64 * 2 ** 20 });
  return stdout + stderr;
}

describeWithRealKafka(`Kafka ${KAFKA_VERSION}'s kafka-dump-log on kafka-lab's segments`, () => {
  it('reads every batch as valid and passes every index check', { timeout: 300_000 }, async () => {
    const classpath = await ensureKafkaTools(KAFKA_VERSION);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-dump-'));
    directories.push(dataDir);
    const cluster = new Cluster({ brokers: 1, dataDir, groupInitialRebalanceDelayMs: 0 });
    await cluster.start();
    const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    cluster.createTopic({ name: 'dumped', partitions: 1, configs: { 'segment.bytes': String(2 ** 20), 'cleanup.policy': 'compact,delete' } });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    for (let i = 0; i < 300; i++) {
      const messages = Array.from({ length: 10 }, (_, j) => ({ partition: 0, key: `k${j}`, value: `v${i}-${j}`.padEnd(500, '.') }));
      await producer.send({ topic: 'dumped', acks: -1, compression: i % 3 === 0 ? CompressionTypes.GZIP : CompressionTypes.None, messages });
    }
    await producer.disconnect();
    const transactional = kafka.producer({ transactionalId: 'dump-tx', idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await transactional.connect();
    for (const outcome of ['commit', 'abort'] as const) {
      const txn = await transactional.transaction();
      await txn.send({ topic: 'dumped', messages: [{ partition: 0, key: `tx-${outcome}`, value: outcome }] });
      await txn[outcome]();
    }
    await transactional.disconnect();
    // Compaction rewrites the closed segments (roll first, so all of it is cleanable).
    expect(cluster.cleanLogs({ topic: 'dumped', roll: true })[0].compacted.records).toBeGreaterThan(0);
    await cluster.stop();

    const dir = path.join(dataDir, 'broker-1', 'dumped-0');
    const logs = fs.readdirSync(dir).filter((name) => name.endsWith('.log')).sort();
    expect(logs.length).toBeGreaterThanOrEqual(2);
    const dump = await dumpLog(classpath, dir, logs, '--deep-iteration');
    const batches = dump.split('\n').filter((line) => line.startsWith('baseOffset:'));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.filter((line) => !line.includes('isvalid: true'))).toEqual([]);
    expect(dump).not.toMatch(/Exception|corrupt/i);
    expect(dump).toMatch(/isTransactional: true isControl: true/);

    const indexes = logs.flatMap((name) => [name.replace('.log', '.index'), name.replace('.log', '.timeindex')]);
    const sanity = await dumpLog(classpath, dir, indexes, '--index-sanity-check');
    // An index with no entries (a small or emptied segment) is "empty" to the tool rather than checked.
    expect(sanity.split('\n').filter((line) => /(passed sanity check|is empty)\.$/.test(line))).toHaveLength(indexes.length);
    const verified = await dumpLog(classpath, dir, indexes, '--verify-index-only');
    expect(verified).not.toMatch(/Mismatches|does not match|Found timestamp mismatch|Found out of order/);
  });
});

describeWithRealKafka(`Kafka ${KAFKA_VERSION}'s offsets decoder on kafka-lab's __consumer_offsets`, () => {
  it('decodes the offset commits and the group metadata a classic group stored', { timeout: 300_000 }, async () => {
    const classpath = await ensureKafkaTools(KAFKA_VERSION);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-dump-offsets-'));
    directories.push(dataDir);
    const cluster = new Cluster({ brokers: 1, dataDir, groupInitialRebalanceDelayMs: 0, offsetsTopicPartitions: 1 });
    await cluster.start();
    const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
    cluster.createTopic({ name: 'read', partitions: 1 });
    const consumer = kafka.consumer({ groupId: 'dumped-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: ['read'] });
    await consumer.run({ eachMessage: async () => {} });
    const deadline = Date.now() + 30_000;
    while (cluster.describe().groups.find((g) => g.groupId === 'dumped-group')?.state !== 'Stable') {
      if (Date.now() > deadline) throw new Error('the group never became stable');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await consumer.commitOffsets([{ topic: 'read', partition: 0, offset: '0' }]);
    await consumer.disconnect();
    await cluster.stop();

    const dir = path.join(dataDir, 'broker-1', '__consumer_offsets-0');
    const logs = fs.readdirSync(dir).filter((name) => name.endsWith('.log'));
    const dump = await dumpLog(classpath, dir, logs, '--offsets-decoder');
    expect(dump).not.toMatch(/Exception|Unknown|error/i);
    expect(dump).toMatch(/"group":"dumped-group","topic":"read","partition":0/);
    // The synced generation with its member and assignment, then the empty group after it left.
    expect(dump).toMatch(/"protocolType":"consumer","generation":1,"protocol":"RoundRobinAssigner","leader":"[^"]+".*"members":\[\{"memberId"/);
    expect(dump).toMatch(/"generation":2,"protocol":null,"leader":null.*"members":\[\]/);
  });
});
