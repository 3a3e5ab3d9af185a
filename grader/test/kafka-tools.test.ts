// Apache Kafka's own command-line tools, from the cached jars, against kafka-lab's embedded cluster:
// what a TA types on a class broker works as it does on a real one.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners, type SASLOptions } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../../simulator/index.ts';
import { eventually, tryLogin } from '../../simulator/test/support/cluster.ts';
import { runKafkaTool, saslClientConfig } from '../real-kafka/tools.ts';
import { describeWithRealKafka } from './support/real-kafka.ts';

describeWithRealKafka("kafka-configs --entity-type users (SCRAM credentials)", () => {
  let cluster: ClusterHandle;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 1, users: [{ name: 'ta', password: 'ta-secret' }], superUsers: ['ta'] });
  });
  afterAll(() => cluster?.stop());

  const configs = async (...args: string[]) => {
    const run = await runKafkaTool('kafka-configs', cluster.bootstrapServers[0], args, { clientConfig: saslClientConfig('SCRAM-SHA-256', 'ta', 'ta-secret') });
    return { code: run.code, out: run.stdout.trim(), error: /Caused by: (.*)/.exec(run.stderr)?.[1] };
  };
  const login = (mechanism: 'scram-sha-256' | 'scram-sha-512', username: string, password: string) =>
    tryLogin(cluster.bootstrapServers, { mechanism, username, password } as SASLOptions);

  it('adds a student per mechanism, each with its own iterations and password, describes them and deletes one', async () => {
    expect(await configs('--alter', '--add-config', 'SCRAM-SHA-256=[iterations=8192,password=team1-pw]', '--entity-type', 'users', '--entity-name', 'team1')).toEqual({
      code: 0,
      out: 'Completed updating config for user team1.',
      error: undefined,
    });
    expect(await configs('--alter', '--add-config', 'SCRAM-SHA-512=[password=team1-512]', '--entity-type', 'users', '--entity-name', 'team1')).toMatchObject({ code: 0 });
    expect(await login('scram-sha-256', 'team1', 'team1-pw')).toBe('logged in');
    expect(await login('scram-sha-512', 'team1', 'team1-512')).toBe('logged in');
    expect(await configs('--describe', '--entity-type', 'users', '--entity-name', 'team1')).toMatchObject({
      code: 0,
      out: "SCRAM credential configs for user-principal 'team1' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096",
    });
    expect((await configs('--describe', '--entity-type', 'users')).out.split('\n')).toEqual([
      "SCRAM credential configs for user-principal 'ta' are SCRAM-SHA-256=iterations=4096, SCRAM-SHA-512=iterations=4096",
      "SCRAM credential configs for user-principal 'team1' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096",
    ]);

    expect(await configs('--alter', '--delete-config', 'SCRAM-SHA-256', '--entity-type', 'users', '--entity-name', 'team1')).toMatchObject({ code: 0 });
    expect(await login('scram-sha-256', 'team1', 'team1-pw')).toMatch(/authentication failed/);
    expect(await login('scram-sha-512', 'team1', 'team1-512')).toBe('logged in');
  }, 120_000);

  it("refuses both mechanisms in one --add-config, as Kafka's controller does, and a deletion of what is not there", async () => {
    expect(await configs('--alter', '--add-config', 'SCRAM-SHA-256=[password=a],SCRAM-SHA-512=[password=b]', '--entity-type', 'users', '--entity-name', 'team2')).toMatchObject({
      code: 1,
      error: 'org.apache.kafka.common.errors.DuplicateResourceException: A user credential cannot be altered twice in the same request',
    });
    expect(await configs('--alter', '--delete-config', 'SCRAM-SHA-512', '--entity-type', 'users', '--entity-name', 'team2')).toMatchObject({
      code: 1,
      error: 'org.apache.kafka.common.errors.ResourceNotFoundException: Attempt to delete a user credential that does not exist',
    });
  }, 120_000);
});

describeWithRealKafka('kafka-leader-election', () => {
  let cluster: ClusterHandle;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, seed: 7 });
  });
  afterAll(() => cluster?.stop());

  it('moves leadership back to the preferred replica after a broker returns, and says when none was needed', async () => {
    cluster.createTopic({ name: 'lab-replicated', partitions: 3, replicationFactor: 3 });
    const partitions = () => cluster.describe().topics.find((t) => t.name === 'lab-replicated')!.partitions;
    const preferred = partitions().map((p) => p.replicas[0]);
    await cluster.stopBroker(preferred[0]);
    await cluster.restartBroker(preferred[0]);
    await eventually(() => partitions().every((p) => p.isr.length === 3), 'every replica back in sync');
    const moved = partitions().filter((p) => p.leader !== p.replicas[0]).map((p) => `lab-replicated-${p.partition}`);
    expect(moved.length).toBeGreaterThan(0);

    const elect = (...args: string[]) => runKafkaTool('kafka-leader-election', cluster.bootstrapServers[0], ['--election-type', 'preferred', ...args]);
    const first = await elect('--all-topic-partitions');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([`Successfully completed leader election (PREFERRED) for partitions ${moved.join(', ')}`]);
    expect(partitions().map((p) => p.leader)).toEqual(preferred);
    const second = await elect('--topic', 'lab-replicated', '--partition', '0');
    expect(second).toMatchObject({ code: 0, stdout: 'Valid replica already elected for partitions lab-replicated-0\n' });
  }, 120_000);
});

describeWithRealKafka('kafka-reassign-partitions, kafka-log-dirs and kafka-metadata-quorum', () => {
  let cluster: ClusterHandle;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 3, seed: 11 });
  });
  afterAll(() => cluster?.stop());
  const tool = (name: Parameters<typeof runKafkaTool>[0], ...args: string[]) => runKafkaTool(name, cluster.bootstrapServers[0], args);

  it('generates, executes and verifies a reassignment that moves the data, then shows where the replicas live', async () => {
    cluster.createTopic({ name: 'lab-moved', assignments: [[3], [3]] });
    const producer = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'lab-moved', acks: -1, messages: Array.from({ length: 200 }, (_, i) => ({ partition: i % 2, value: `record-${i}` })) });
    await producer.disconnect();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-reassign-tool-'));
    try {
      fs.writeFileSync(path.join(dir, 'topics.json'), JSON.stringify({ version: 1, topics: [{ topic: 'lab-moved' }] }));
      const generated = await tool('kafka-reassign-partitions', '--generate', '--topics-to-move-json-file', path.join(dir, 'topics.json'), '--broker-list', '1,2');
      expect(generated.code).toBe(0);
      const [current, proposed] = generated.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { partitions: { partition: number; replicas: number[] }[] });
      expect(current.partitions.map((p) => p.replicas)).toEqual([[3], [3]]);
      expect(proposed.partitions.every((p) => p.replicas.length === 1 && [1, 2].includes(p.replicas[0]))).toBe(true);

      const plan = { version: 1, partitions: [{ topic: 'lab-moved', partition: 0, replicas: [1, 2] }, { topic: 'lab-moved', partition: 1, replicas: [2] }] };
      fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
      const executed = await tool('kafka-reassign-partitions', '--execute', '--reassignment-json-file', path.join(dir, 'plan.json'));
      expect(executed.stdout).toContain('Successfully started partition reassignments for lab-moved-0,lab-moved-1');
      const partitions = () => cluster.describe().topics.find((t) => t.name === 'lab-moved')!.partitions;
      await eventually(() => partitions().every((p) => !p.adding.length && !p.removing.length), 'both reassignments to complete');
      const verified = await tool('kafka-reassign-partitions', '--verify', '--reassignment-json-file', path.join(dir, 'plan.json'));
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('Reassignment of partition lab-moved-0 is completed.');
      expect(verified.stdout).toContain('Reassignment of partition lab-moved-1 is completed.');
      expect(partitions().map((p) => [p.replicas, p.leader, p.logEndOffset])).toEqual([
        [[1, 2], 1, 100],
        [[2], 2, 100],
      ]);

      const logDirs = await tool('kafka-log-dirs', '--describe', '--topic-list', 'lab-moved');
      const described = JSON.parse(logDirs.stdout.split('\n').find((l) => l.startsWith('{'))!) as { brokers: { broker: number; logDirs: { partitions: { partition: string; size: number }[] }[] }[] };
      const held = Object.fromEntries(described.brokers.map((b) => [b.broker, b.logDirs.flatMap((d) => d.partitions.map((p) => p.partition)).sort()]));
      expect(held).toEqual({ 1: ['lab-moved-0'], 2: ['lab-moved-0', 'lab-moved-1'], 3: [] });
      expect(described.brokers.flatMap((b) => b.logDirs.flatMap((d) => d.partitions)).every((p) => p.size > 0)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('describes the metadata quorum: the controller leads, every broker votes', async () => {
    const status = await tool('kafka-metadata-quorum', 'describe', '--status');
    expect(status.code).toBe(0);
    const fields = Object.fromEntries(status.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
    expect(fields).toMatchObject({ ClusterId: cluster.id, LeaderId: '1', CurrentObservers: '[]' });
    expect(JSON.parse(fields.CurrentVoters).map((v: { id: number }) => v.id)).toEqual([1, 2, 3]);
  }, 120_000);
});
