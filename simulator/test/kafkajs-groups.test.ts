import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { Partitioners, type Consumer, type Kafka } from 'kafkajs';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';

const cluster = useCluster({ brokers: 3, groupInitialRebalanceDelayMs: 0, seed: 11 });
const consumers: Consumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
});

async function createTopic(kafka: Kafka, topic: string, partitions: number) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }], waitForLeaders: true });
  await admin.disconnect();
}

/** Starts a group member that records what it is assigned and what it reads. */
async function member(kafka: Kafka, groupId: string, topic: string, options: { sessionTimeout?: number } = {}) {
  const consumer = kafka.consumer({ groupId, heartbeatInterval: 300, maxWaitTimeInMs: 500, ...options });
  consumers.push(consumer);
  const state = { assigned: [] as number[], read: [] as { partition: number; offset: number; value: string }[], consumer };
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    state.assigned = (e.payload.memberAssignment[topic] ?? []).slice().sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      state.read.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
    },
  });
  return state;
}

const groupOf = (groupId: string) => cluster().describe().groups.find((g) => g.groupId === groupId);

describe('consumer groups with kafkajs', () => {
  it('three consumers on a 3-partition topic each get one partition, and a leaver hands its partition on', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('split');
    const groupId = uniqueTopic('group');
    await createTopic(kafka, topic, 3);
    const members = [await member(kafka, groupId, topic), await member(kafka, groupId, topic), await member(kafka, groupId, topic)];

    const owned = (of: typeof members) => of.flatMap((m) => m.assigned).sort().join();
    await eventually(() => groupOf(groupId)?.state === 'Stable' && owned(members) === '0,1,2', 'an even split');
    expect(members.map((m) => m.assigned.length)).toEqual([1, 1, 1]);
    const brokerView = groupOf(groupId)!.members.map((m) => m.assignment?.[topic] ?? []);
    expect(brokerView.flat().sort()).toEqual([0, 1, 2]);
    expect(brokerView.map((partitions) => partitions.length)).toEqual([1, 1, 1]);

    await members[0].consumer.disconnect();
    await eventually(() => groupOf(groupId)?.state === 'Stable' && owned(members.slice(1)) === '0,1,2', 'the partitions of the leaver to move');
    expect(groupOf(groupId)!.members).toHaveLength(2);
  });

  it('a member killed without leaving loses its partitions when its session times out', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('killed');
    const groupId = uniqueTopic('group');
    await createTopic(kafka, topic, 2);
    const survivor = await member(kafka, groupId, topic, { sessionTimeout: 6000 });
    await eventually(() => survivor.assigned.length === 2, 'the first member to own both partitions');

    const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/testkit/clients/kafkajs-group-member.ts', cluster().bootstrapServers.join(','), groupId, topic, '6000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = readline.createInterface({ input: child.stdout! });
    const childAssigned = new Promise<void>((resolve) => lines.on('line', (line) => JSON.parse(line).event === 'assigned' && resolve()));
    await childAssigned;
    await eventually(() => groupOf(groupId)?.state === 'Stable' && survivor.assigned.length === 1 && groupOf(groupId)!.members.length === 2, 'a split of two');

    child.kill('SIGKILL');
    const left = await cluster().events.waitFor('group-changed', (e) => e.group === groupId && e.change === 'member-left', 15_000);
    expect(left).toMatchObject({ reason: 'session-timeout' });
    await eventually(() => survivor.assigned.length === 2 && groupOf(groupId)?.state === 'Stable', 'the survivor to own both partitions again', 15_000);
  }, 40_000);

  it('a restarted consumer resumes exactly after the offsets the group committed', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('resume');
    const groupId = uniqueTopic('group');
    await createTopic(kafka, topic, 1);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `first-${i}` })) });

    const first = await member(kafka, groupId, topic);
    await eventually(() => first.read.length === 10, 'the first ten messages');
    await first.consumer.disconnect(); // commits what it read
    const committed = await eventually(async () => {
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      return offsets[0].partitions[0].offset === '10' ? offsets[0].partitions[0] : null;
    }, 'offset 10 to be committed');
    expect(committed.offset).toBe('10');

    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `second-${i}` })) });
    await producer.disconnect();
    const second = await member(kafka, groupId, topic);
    await eventually(() => second.read.length === 5, 'the five new messages');
    expect(second.read.map((r) => r.value)).toEqual(['second-0', 'second-1', 'second-2', 'second-3', 'second-4']);
    expect(second.read[0].offset).toBe(10);
    const snapshot = groupOf(groupId)!;
    expect(snapshot.offsets).toContainEqual(expect.objectContaining({ topic, partition: 0 }));
  });
});
