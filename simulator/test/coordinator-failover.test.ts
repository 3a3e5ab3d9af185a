// A classic group survives its coordinator's death as in Kafka: the coordinator writes the group's
// metadata (generation, leader, members and their assignments) to its partition of
// `__consumer_offsets` when a generation is synced, and the broker that takes over that partition
// loads it. The members go on heartbeating with the same member ids and generation; nobody
// rebalances, so a member busy processing can still commit what it read.

import { afterEach, expect, it } from 'vitest';
import { Partitioners, type Consumer } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../index.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { killChildren, LineChild } from './support/child-lines.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython } from '../testkit/external-clients.ts';

const running: ClusterHandle[] = [];
const consumers: Consumer[] = [];
afterEach(async () => {
  await killChildren();
  await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

async function cluster(): Promise<ClusterHandle> {
  const handle = await startCluster({ brokers: 3, seed: 3, groupInitialRebalanceDelayMs: 0, offsetsTopicPartitions: 3 });
  running.push(handle);
  return handle;
}

const groupOf = (c: ClusterHandle, groupId: string) => c.describe().groups.find((g) => g.groupId === groupId);

/** The group once it is Stable with `members` members. */
const stableWith = (c: ClusterHandle, groupId: string, members: number, timeoutMs = 30_000) =>
  eventually(() => {
    const g = groupOf(c, groupId);
    return g?.state === 'Stable' && g.members.length === members && g.members.every((m) => Object.keys(m.assignment ?? {}).length > 0) ? g : null;
  }, `a stable group of ${members}`, timeoutMs);

/** Records every rebalance the group starts from now on. */
function rebalancesOf(c: ClusterHandle, groupId: string): string[] {
  const seen: string[] = [];
  c.events.on('group-changed', (e) => {
    if (e.group === groupId && e.change === 'rebalance-started') seen.push(e.reason);
  });
  return seen;
}

async function produce(c: ClusterHandle, topic: string, prefix: string, count: number) {
  const producer = kafkaFor(c).producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 10, initialRetryTime: 50 } });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${prefix}-${i}` })) });
  await producer.disconnect();
}

it('kafkajs: two members keep their generation, member ids and partitions when the coordinator is killed', async () => {
  const c = await cluster();
  const topic = uniqueTopic('failover');
  c.createTopic({ name: topic, partitions: 2, replicationFactor: 3 });
  const groupId = 'failover-kafkajs';
  const seen = new Set<string>();
  const joins: string[] = [];
  for (const name of ['a', 'b']) {
    // Retries enough to outlast the failover on a loaded machine: a kafkajs consumer that gives up
    // restarts and rejoins, a rebalance of the client's making.
    const consumer = kafkaFor(c, { clientId: name }).consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 300, sessionTimeout: 6000, retry: { retries: 8, initialRetryTime: 100 } });
    consumer.on(consumer.events.GROUP_JOIN, () => joins.push(name));
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
  }
  const before = await stableWith(c, groupId, 2);
  await produce(c, topic, 'before', 10);
  await eventually(() => seen.size === 10, 'the first records');
  const rebalances = rebalancesOf(c, groupId);
  const joinsBefore = joins.length;

  await c.killBroker(before.coordinator);
  await produce(c, topic, 'after', 10);
  await eventually(() => seen.size === 20, 'the records sent after the kill', 30_000);
  // The members found the new coordinator and heartbeat it with their old generation.
  await eventually(() => groupOf(c, groupId)?.coordinator !== before.coordinator && c.describe().groups.length > 0, 'the new coordinator');
  const after = await stableWith(c, groupId, 2);
  expect(after.coordinator).not.toBe(before.coordinator);
  expect({ generation: after.generationId, rebalances }).toEqual({ generation: before.generationId, rebalances: [] });
  expect(after.members.map((m) => [m.memberId, m.assignment]).sort()).toEqual(before.members.map((m) => [m.memberId, m.assignment]).sort());
  expect(rebalances).toEqual([]);
  expect(joins.length).toBe(joinsBefore);
}, 90_000);

type MemberEvent = { event: 'assigned'; partitions: number[] } | { event: 'record'; partition: number; offset: number; value: string } | { event: 'closed' };

describeWithClient(findKafkaPython(), 'kafka-python: the lab\'s coordinator step', (python) => {
  it('two notebook consumers keep their generation and partitions when the coordinator is killed, and commit on the new one', async () => {
    const c = await cluster();
    const topic = uniqueTopic('py-failover');
    c.createTopic({ name: topic, partitions: 2, replicationFactor: 3 });
    const groupId = 'failover-python';
    const member = (n: number) =>
      new LineChild<MemberEvent>(`kafka-python member ${n}`, python, [`${CLIENT_SCRIPTS}group_member.py`, c.bootstrapServers.join(','), topic, groupId], {
        env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
        stdout: (line) => JSON.parse(line) as MemberEvent,
      });
    const first = member(1);
    await first.waitFor((events) => events.some((e) => e.event === 'assigned' && e.partitions.length === 2), 'the first member to own both partitions', 30_000);
    const second = member(2);
    const assignedOne = (events: MemberEvent[]) => events.findLast((e): e is Extract<MemberEvent, { event: 'assigned' }> => e.event === 'assigned')?.partitions.length === 1;
    await Promise.all([first, second].map((m) => m.waitFor(assignedOne, 'one partition each', 30_000)));
    const before = await stableWith(c, groupId, 2);
    const assignmentsBefore = [first, second].map((m) => m.events.filter((e) => e.event === 'assigned').length);
    const rebalances = rebalancesOf(c, groupId);

    await c.killBroker(before.coordinator);
    await produce(c, topic, 'after', 10);
    const values = (m: LineChild<MemberEvent>) => m.events.flatMap((e) => (e.event === 'record' ? [e.value] : []));
    await eventually(() => new Set([...values(first), ...values(second)]).size === 10, 'the records sent after the kill', 45_000);
    // Auto-commit reaches the new coordinator: everything read is committed there.
    await eventually(() => {
      const g = groupOf(c, groupId);
      return g && g.coordinator !== before.coordinator && g.offsets.reduce((n, o) => n + o.committed, 0) === 10;
    }, 'the offsets committed on the new coordinator', 30_000);
    const after = await stableWith(c, groupId, 2);
    expect({ generation: after.generationId, rebalances }).toEqual({ generation: before.generationId, rebalances: [] });
    expect(after.members.map((m) => m.memberId).sort()).toEqual(before.members.map((m) => m.memberId).sort());
    expect(rebalances).toEqual([]);
    expect([first, second].map((m) => m.events.filter((e) => e.event === 'assigned').length)).toEqual(assignmentsBefore);
  }, 120_000);
});
