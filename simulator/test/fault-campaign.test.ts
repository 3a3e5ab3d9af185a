// The proof that the failure simulator keeps Kafka's promises, and breaks the ones Kafka breaks:
// hundreds of seeded fault schedules under acks=all lose nothing acknowledged; acks=1 with unclean
// leader election loses acknowledged writes, and the history checker names them; a seed replays
// the same timeline and verdict; consumer groups, producers and offline partitions recover.

import { afterEach, describe, expect, it } from 'vitest';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { startCluster, type ClusterHandle, type ClusterOptions } from '../index.ts';
import { CampaignCluster, faultSchedule, runCampaign, settled, type ScheduleResult } from '../testkit/fault-campaign.ts';
import { formatReport, recordHistory, type HistoryRecorder } from '../history/index.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { killChildren, LineChild } from './support/child-lines.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython } from '../testkit/external-clients.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

const running: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  await killChildren();
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

async function cluster(options: ClusterOptions = {}): Promise<ClusterHandle> {
  const handle = await startCluster({ brokers: 3, seed: 5, groupInitialRebalanceDelayMs: 0, ...options });
  running.push(handle);
  return handle;
}

const producerFor = (kafka: Kafka, retries = 10) => kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries, initialRetryTime: 50 } });
const partitionOf = (c: ClusterHandle, topic: string, index = 0) => c.describe().topics.find((t) => t.name === topic)!.partitions[index];
const values = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** Reads a partition with kafkajs's Fetch, as a consumer would, and tells the recorder. */
async function readInto(history: HistoryRecorder, kafka: Kafka, topic: string, partition = 0, consumer = 'reader'): Promise<string[]> {
  const messages = await fetchMessages(kafka, topic, partition);
  for (const m of messages) history.consumed({ topic, partition, offset: m.offset, key: m.key, value: m.value, consumer });
  return messages.map((m) => m.value!.toString());
}

/**
 * Six records over two partitions, one send per partition. (kafkajs 2.2.4 drops a partition from a
 * multi-partition send when its leader moves to a broker that already answered that send.)
 */
async function sendSix(producer: Producer, topic: string, prefix: string): Promise<void> {
  for (const partition of [0, 1]) {
    const mine = values(6, prefix).filter((_, i) => i % 2 === partition);
    await producer.send({ topic, acks: -1, messages: mine.map((value) => ({ value, partition })) });
  }
}

function explain(result: ScheduleResult): string {
  const why = [result.error, result.recovered ? '' : 'the producer did not recover after the faults'].filter(Boolean).join('; ');
  return [`seed ${result.seed} (${result.topic}): ${result.timeline.join(' → ')}`, why, formatReport(result.report)].filter(Boolean).join('\n');
}

describe('the fault campaign (acks=all, replication factor 3, min.insync.replicas 2)', () => {
  it('loses no acknowledged write and reorders nothing under 200 seeded schedules of kills, restarts and splits', async () => {
    const campaign = await runCampaign({ schedules: 200, firstSeed: 1 });
    for (const result of campaign.results.filter((r) => !r.passed)) console.log(explain(result));
    console.log(campaign.line);

    expect(campaign.line).toBe('200 passed, 0 failed');
    const all = campaign.results;
    // The schedules really were faulty: every kind of fault ran, writes failed, and still most were acknowledged.
    const steps = all.flatMap((r) => r.timeline);
    for (const kind of ['kill', 'restart', 'split clients', 'heal']) expect(steps.some((s) => s.startsWith(kind))).toBe(true);
    expect(steps.some((s) => /^split \d/.test(s))).toBe(true);
    expect(all.reduce((sum, r) => sum + r.writes.failed, 0)).toBeGreaterThan(100);
    expect(all.reduce((sum, r) => sum + r.report.acknowledged, 0)).toBeGreaterThan(2000);
    expect(all.reduce((sum, r) => sum + r.report.consumed, 0)).toBeGreaterThan(1000);
    // Each schedule ends with a write that succeeds: the producer found the leaders wherever they moved.
    expect(all.filter((r) => !r.recovered).map((r) => r.seed)).toEqual([]);
  }, 300_000);

  it('replays a seed exactly: the same fault timeline and the same verdict', async () => {
    expect(faultSchedule(42)).toEqual(faultSchedule(42));
    expect(faultSchedule(42)).not.toEqual(faultSchedule(43));
    const runs: ScheduleResult[] = [];
    for (let i = 0; i < 2; i++) {
      const runner = await CampaignCluster.start({ seed: 42 });
      running.push(runner);
      runs.push(await runner.run(42));
    }
    expect(runs[1].timeline).toEqual(runs[0].timeline);
    expect(runs[0].timeline.length).toBeGreaterThan(3);
    expect(runs[1].report.verdict).toBe(runs[0].report.verdict);
    expect(runs[0].passed).toBe(true);
  }, 60_000);
});

/**
 * The classic way to lose acknowledged writes: the leader's followers fall out of the ISR, it
 * acknowledges acks=1 writes alone (and a consumer reads them), then it crashes and an
 * out-of-sync replica is elected uncleanly. Broker 1, the controller, holds no replica.
 */
async function uncleanElection(seed: number) {
  const c = await startCluster({ brokers: 4, seed, replicaLagTimeMaxMs: 200 });
  running.push(c);
  const kafka = kafkaFor(c);
  const topic = 'unclean-election';
  c.createTopic({ name: topic, assignments: [[2, 3, 4]], configs: { 'unclean.leader.election.enable': 'true' } });
  const history = recordHistory(c, { topics: [topic] });
  const producer = producerFor(kafka);
  await producer.connect();

  await producer.send({ topic, acks: 1, messages: values(3, 'kept').map((value) => ({ value })) });
  c.partition([2], [3, 4]);
  await c.events.waitFor('isr-changed', (e) => e.topic === topic && e.isr.join() === '2');
  await producer.send({ topic, acks: 1, messages: values(3, 'lost').map((value) => ({ value })) });
  const read = await readInto(history, kafka, topic);

  const elected = c.events.waitFor('leader-changed', (e) => e.topic === topic && e.leader === 3);
  await c.killBroker(2);
  c.heal();
  const election = await elected;
  await producer.send({ topic, acks: 1, messages: values(3, 'after').map((value) => ({ value })) });
  await producer.disconnect();
  await c.restartBroker(2);
  await settled(c, topic, 10_000);
  history.stop();
  return { report: history.check(), read, election };
}

describe('acks=1 with unclean leader election', () => {
  it('loses acknowledged writes, and the checker names each one and the read that saw it', async () => {
    const { report, read, election } = await uncleanElection(9);
    expect(election.reason).toBe('unclean');
    expect(read).toEqual([...values(3, 'kept'), ...values(3, 'lost')]);

    expect(report.ok).toBe(false);
    expect(report.verdict).toBe('FAIL: 3 acknowledged writes lost, 3 records read and then truncated');
    const lost = report.findings.filter((f) => f.kind === 'lost');
    expect(lost.map((f) => [f.offset, f.value])).toEqual([
      [3, 'lost-0'],
      [4, 'lost-1'],
      [5, 'lost-2'],
    ]);
    expect(lost[0].detail).toBe('acks=1 by broker 2; offset now holds "after-0"; truncated on broker 2');
    expect(report.findings.filter((f) => f.kind === 'read-truncated').map((f) => f.value)).toEqual(values(3, 'lost'));

    const table = formatReport(report);
    for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(table).toMatch(/^lost +unclean-election\[0\]@3 +"lost-0" +acks=1 by broker 2/m);
    expect(table).not.toContain('\x1b[');
  }, 60_000);

  it('gives the same verdict and the same lost writes when replayed with the same seed', async () => {
    const first = await uncleanElection(9);
    const second = await uncleanElection(9);
    expect(second.report.verdict).toBe(first.report.verdict);
    expect(second.report.findings).toEqual(first.report.findings);
  }, 60_000);
});

describe('recovery', () => {
  it('a kafkajs consumer group keeps consuming after its coordinator\'s broker is killed', async () => {
    const c = await cluster({ offsetsTopicPartitions: 3 });
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('coordinator-killed');
    c.createTopic({ name: topic, partitions: 2, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    const history = recordHistory(c, { topics: [topic] });
    const producer = producerFor(kafka);
    await producer.connect();
    // With seed 5 this group's coordinator also leads partition 0: the kill moves both at once.
    const groupId = 'group-a';
    // kafkajs retries the dead coordinator until its retries run out, then restarts the consumer, which finds the new one.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { retries: 3, initialRetryTime: 100 } });
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        history.consumed({ topic, partition, offset: message.offset, key: message.key, value: message.value, consumer: groupId });
        seen.add(message.value!.toString());
      },
    });
    try {
      await sendSix(producer, topic, 'before');
      await eventually(() => values(6, 'before').every((v) => seen.has(v)), 'the first records', 20_000);
      const coordinator = c.describe().groups.find((g) => g.groupId === groupId)!.coordinator;
      expect(coordinator).toBe(partitionOf(c, topic, 0).leader);

      await c.killBroker(coordinator);
      await sendSix(producer, topic, 'after');
      await eventually(() => values(6, 'after').every((v) => seen.has(v)), 'the records sent after the kill', 30_000);
      const group = await eventually(() => {
        const g = c.describe().groups.find((x) => x.groupId === groupId);
        return g?.state === 'Stable' && g.members.length === 1 ? g : null;
      }, 'a stable group on the new coordinator', 30_000);
      expect(group.coordinator).not.toBe(coordinator);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
    history.stop();
    const report = history.check();
    expect(report.verdict).toMatch(/^PASS/);
    expect(report.acknowledged).toBe(12);
  }, 90_000);

  it('a kafkajs producer keeps writing through leader moves: a crash, a restart and a controlled shutdown', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('moving-leader');
    c.createTopic({ name: topic, partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    const history = recordHistory(c, { topics: [topic] });
    const producer = producerFor(kafka);
    await producer.connect();
    const leaders: number[] = [];
    const write = async (prefix: string) => {
      const [ack] = await producer.send({ topic, acks: -1, messages: values(2, prefix).map((value) => ({ value })) });
      expect(ack.errorCode).toBe(0);
      leaders.push(partitionOf(c, topic).leader);
    };
    await write('first');
    const crashed = partitionOf(c, topic).leader;
    await c.killBroker(crashed);
    await write('after-crash');
    await c.restartBroker(crashed);
    await settled(c, topic, 10_000);
    await write('after-restart');
    await c.stopBroker(partitionOf(c, topic).leader);
    await write('after-shutdown');
    await producer.disconnect();

    // Each move put another broker in charge (the crashed one may lead again after the shutdown).
    expect(leaders[1]).not.toBe(leaders[0]);
    expect(leaders[3]).not.toBe(leaders[2]);
    expect(await readInto(history, kafka, topic)).toEqual(['first', 'after-crash', 'after-restart', 'after-shutdown'].flatMap((p) => values(2, p)));
    expect(history.check().verdict).toMatch(/^PASS/);
  }, 60_000);

  it('an offline partition stays offline while only an out-of-sync replica is back, and returns with its last in-sync replica', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('offline');
    c.createTopic({ name: topic, assignments: [[2, 3]] });
    const history = recordHistory(c, { topics: [topic] });
    const producer = producerFor(kafka);
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'both-replicas' }] });
    await c.killBroker(3);
    await producer.send({ topic, acks: -1, messages: [{ value: 'leader-only' }] });
    await producer.disconnect();
    await c.killBroker(2);
    expect(partitionOf(c, topic)).toMatchObject({ leader: -1, isr: [2] });

    const impatient = producerFor(kafkaFor(c, { retry: { retries: 1, initialRetryTime: 50 } }), 1);
    await impatient.connect();
    await expect(impatient.send({ topic, messages: [{ value: 'nowhere' }] })).rejects.toThrow(/leader/i);
    await impatient.disconnect();

    await c.restartBroker(3); // out of sync: electing it would lose 'leader-only'
    expect(partitionOf(c, topic).leader).toBe(-1);
    await c.restartBroker(2);
    expect(partitionOf(c, topic).leader).toBe(2);
    await settled(c, topic, 10_000);
    expect(await readInto(history, kafka, topic)).toEqual(['both-replicas', 'leader-only']);
    expect(history.check().verdict).toMatch(/^PASS/);
  }, 60_000);
});

type MemberEvent = { event: 'assigned'; partitions: number[] } | { event: 'record'; partition: number; offset: number; value: string } | { event: 'closed' };

describeWithClient(findKafkaPython(), 'kafka-python consumer group under a coordinator crash', (python) => {
  it('the notebook consumer keeps consuming after its coordinator\'s broker is killed', async () => {
    const c = await cluster({ offsetsTopicPartitions: 3 });
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('py-coordinator-killed');
    c.createTopic({ name: topic, partitions: 2, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
    // With seed 5 this group's coordinator is broker 1: the controller and a partition leader too.
    const groupId = 'group-b';
    const history = recordHistory(c, { topics: [topic] });
    const member = new LineChild<MemberEvent>('kafka-python member', python, [`${CLIENT_SCRIPTS}group_member.py`, c.bootstrapServers.join(','), topic, groupId], {
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
      stdout: (line) => JSON.parse(line) as MemberEvent,
    });
    const readValues = (events: MemberEvent[]) => new Set(events.flatMap((e) => (e.event === 'record' ? [e.value] : [])));
    const producer = producerFor(kafka);
    await producer.connect();

    await member.waitFor((events) => events.some((e) => e.event === 'assigned' && e.partitions.length === 2), 'both partitions assigned', 30_000);
    await sendSix(producer, topic, 'before');
    await member.waitFor((events) => values(6, 'before').every((v) => readValues(events).has(v)), 'the first records', 30_000);
    const coordinator = c.describe().groups.find((g) => g.groupId === groupId)!.coordinator;
    expect(coordinator).toBe(c.controllerId);

    await c.killBroker(coordinator);
    await sendSix(producer, topic, 'after');
    await producer.disconnect();
    await member.waitFor((events) => values(6, 'after').every((v) => readValues(events).has(v)), 'the records sent after the kill', 45_000);
    const group = await eventually(() => {
      const g = c.describe().groups.find((x) => x.groupId === groupId);
      return g?.state === 'Stable' && g.members.length === 1 ? g : null;
    }, 'a stable group on the new coordinator', 30_000);
    expect(group.coordinator).not.toBe(coordinator);

    for (const e of member.events) if (e.event === 'record') history.consumed({ topic, partition: e.partition, offset: e.offset, value: e.value, consumer: groupId });
    history.stop();
    const report = history.check();
    expect(report.verdict).toMatch(/^PASS/);
    expect(report.consumed).toBeGreaterThanOrEqual(12);
  }, 120_000);
});
