// Partition reassignments with real data movement, through kafkajs's admin and kafka-python's: the
// new replicas copy the log through replication, join the ISR, the old ones leave (their logs
// deleted), leadership moves if the leader left, and nothing acknowledged is lost. A reassignment
// waiting for a stopped broker shows in ListPartitionReassignments until it completes or is
// cancelled, and survives a restart of the cluster from its data dir.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Partitioners, type Kafka } from 'kafkajs';
import type { ClusterHandle, ClusterOptions } from '../index.ts';
import { RawConnection } from '../net/raw-connection.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { ownClusters } from './support/own-clusters.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';

const clusters = ownClusters('reassign', { brokers: 4, seed: 45 });
const cluster = (options: ClusterOptions = {}) => clusters.start(options);

const partitionOf = (c: ClusterHandle, topic: string, index = 0) => c.describe().topics.find((t) => t.name === topic)!.partitions[index];

async function produce(kafka: Kafka, topic: string, count: number, prefix: string): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 10, initialRetryTime: 50 } });
  await producer.connect();
  try {
    for (let i = 0; i < count; i += 100) {
      await producer.send({ topic, acks: -1, messages: Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ partition: 0, value: `${prefix}-${i + j}-${'x'.repeat(200)}` })) });
    }
  } finally {
    await producer.disconnect();
  }
}

async function withAdmin<T>(kafka: Kafka, act: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await act(admin);
  } finally {
    await admin.disconnect();
  }
}

describe('partition reassignment through kafkajs', () => {
  it('moves a partition to other brokers: the new replicas copy the log and join the ISR, the old one leaves with its log', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('moving');
    c.createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    await produce(kafka, topic, 2000, 'before');
    const [from] = partitionOf(c, topic).replicas;
    const to = [1, 2, 3, 4].filter((id) => id !== from).slice(0, 2);
    const changes: string[] = [];
    const stop = c.events.on('reassignment-changed', (e) => e.topic === topic && changes.push(`${e.state} ${e.replicas.join(',')} +${e.adding.join(',')} -${e.removing.join(',')}`));

    await withAdmin(kafka, (admin) => admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: to }] }] }));
    await eventually(() => partitionOf(c, topic).replicas.join() === to.join(), 'the reassignment to complete');
    stop();
    expect(changes).toEqual([`started ${[...to, from].join(',')} +${[...to].sort().join(',')} -${from}`, `completed ${to.join(',')} + -`]);
    const moved = partitionOf(c, topic);
    expect(moved).toMatchObject({ leader: to[0], replicas: to, isr: to, adding: [], removing: [], logEndOffset: 2000, highWatermark: 2000 });
    expect(moved.replicaStates.map((r) => [r.brokerId, r.logEndOffset])).toEqual(to.map((id) => [id, 2000]));
    expect(await withAdmin(kafka, (admin) => admin.listPartitionReassignments({}))).toEqual({ topics: [] });

    // The new leader serves every record, and takes new ones.
    await produce(kafka, topic, 100, 'after');
    const values = (await fetchMessages(kafka, topic, 0, { count: 2100, timeoutMs: 20_000 })).map((m) => m.value!.toString().split('-').slice(0, 2).join('-'));
    expect(values.slice(0, 2)).toEqual(['before-0', 'before-1']);
    expect(values.slice(-1)).toEqual(['after-99']);
    expect(new Set(values).size).toBe(2100);
  }, 60_000);

  it('keeps the leader when it stays, and only reorders or shrinks at once', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('reordered');
    c.createTopic({ name: topic, assignments: [[1, 2, 3]] });
    await withAdmin(kafka, (admin) => admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [3, 1, 2] }] }] }));
    expect(partitionOf(c, topic)).toMatchObject({ leader: 1, replicas: [3, 1, 2], isr: [1, 2, 3], adding: [], removing: [] });
    await withAdmin(kafka, (admin) => admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [3, 2] }] }] }));
    // Only a removal: complete in the same request; the leader left, so the first in-sync target replica leads.
    expect(partitionOf(c, topic)).toMatchObject({ leader: 3, replicas: [3, 2], isr: [2, 3], adding: [], removing: [] });
    expect(partitionOf(c, topic).replicaStates.map((r) => r.brokerId).sort()).toEqual([2, 3]);
  }, 30_000);

  it('waits for a stopped broker, listed as in progress, and completes once it is back and in sync', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('waiting');
    c.createTopic({ name: topic, assignments: [[1, 2]] });
    await produce(kafka, topic, 300, 'v');
    await c.stopBroker(4);
    await withAdmin(kafka, (admin) => admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [2, 4] }] }] }));
    const listed = await withAdmin(kafka, (admin) => admin.listPartitionReassignments({ topics: [{ topic, partitions: [0] }] }));
    expect(listed).toEqual({ topics: [{ name: topic, partitions: [{ partition: 0, replicas: [2, 4, 1], addingReplicas: [4], removingReplicas: [1] }] }] });
    expect(partitionOf(c, topic)).toMatchObject({ replicas: [2, 4, 1], isr: [1, 2], adding: [4], removing: [1] });
    await c.restartBroker(4);
    await eventually(() => partitionOf(c, topic).replicas.join() === '2,4', 'the reassignment to complete once broker 4 caught up');
    expect(partitionOf(c, topic)).toMatchObject({ leader: 2, isr: [2, 4], logEndOffset: 300 });
  }, 60_000);

  it('continues a reassignment after the cluster restarts from its data dir', async () => {
    const dataDir = clusters.dataDir();
    let c = await cluster({ dataDir });
    const topic = uniqueTopic('restarted');
    c.createTopic({ name: topic, assignments: [[1]] });
    await produce(kafkaFor(c), topic, 200, 'kept');
    await c.stopBroker(3);
    await withAdmin(kafkaFor(c), (admin) => admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment: [{ partition: 0, replicas: [3] }] }] }));
    await clusters.stop(c);
    c = await cluster({ dataDir });
    expect(partitionOf(c, topic)).toMatchObject({ replicas: [3, 1] });
    await eventually(() => partitionOf(c, topic).replicas.join() === '3', 'the reassignment to complete after the restart');
    expect(partitionOf(c, topic)).toMatchObject({ leader: 3, isr: [3], logEndOffset: 200 });
    expect(fs.existsSync(path.join(dataDir, 'broker-1', `${topic}-0`))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'broker-3', `${topic}-0`))).toBe(true);
  }, 60_000);

  it("answers each partition with Kafka's error: unknown topic or partition, bad replica lists, nothing to cancel", async () => {
    const c = await cluster();
    const topic = uniqueTopic('refused');
    c.createTopic({ name: topic, assignments: [[1, 2]] });
    const connection = await RawConnection.open(c.bootstrapServers[0]);
    try {
      const answer = await connection.call(45, 1, {
        timeoutMs: 1000,
        allowReplicationFactorChange: false,
        topics: [
          { name: uniqueTopic('missing'), partitions: [{ partitionIndex: 0, replicas: [1] }] },
          {
            name: topic,
            partitions: [
              { partitionIndex: 9, replicas: [1] },
              { partitionIndex: 0, replicas: [] },
              { partitionIndex: 0, replicas: [1, 7] },
              { partitionIndex: 0, replicas: [2, 2] },
              { partitionIndex: 0, replicas: [3] },
              { partitionIndex: 0, replicas: null },
            ],
          },
        ],
      });
      const results = (answer!.responses as { name: string; partitions: { partitionIndex: number; errorCode: number; errorMessage: string | null }[] }[]).flatMap((t) =>
        t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.errorMessage]),
      );
      expect(answer).toMatchObject({ errorCode: 0, errorMessage: null, allowReplicationFactorChange: false });
      expect(results).toEqual([
        [0, 3, expect.stringMatching(/^Unable to find a topic named .*\.$/)],
        [9, 3, `Unable to find partition ${topic}:9.`],
        [0, 39, 'The manual partition assignment includes an empty replica list.'],
        [0, 39, 'The manual partition assignment includes broker 7, but no such broker is registered.'],
        [0, 39, 'The manual partition assignment includes the broker 2 more than once.'],
        [0, 38, 'The replication factor is changed from 2 to 1'],
        [0, 85, null],
      ]);
      expect(partitionOf(c, topic)).toMatchObject({ replicas: [1, 2], adding: [], removing: [] });
    } finally {
      connection.destroy();
    }
  }, 30_000);
});

const python = findKafkaPython();
describeWithClient(python, 'partition reassignment through kafka-python', (pythonCommand) => {
  const admin = async (c: ClusterHandle, steps: object[]) =>
    jsonLines<{ op: string; result: unknown }>((await run(pythonCommand, [`${CLIENT_SCRIPTS}admin_steps.py`, c.bootstrapServers.join(','), '-', JSON.stringify(steps)], { env: { PYTHONDONTWRITEBYTECODE: '1' } })).stdout);

  it('starts, lists and cancels a reassignment with alter_partition_reassignments and list_partition_reassignments', async () => {
    const c = await cluster();
    const topic = uniqueTopic('py-moving');
    c.createTopic({ name: topic, assignments: [[1, 2]] });
    await produce(kafkaFor(c), topic, 100, 'v');
    await c.stopBroker(3);
    const steps = await admin(c, [
      { op: 'alter_partition_reassignments', reassignments: { [`${topic}:0`]: [1, 3] } },
      { op: 'list_partition_reassignments', partitions: null },
      { op: 'alter_partition_reassignments', reassignments: { [`${topic}:0`]: null } },
      { op: 'list_partition_reassignments', partitions: { [topic]: [0] } },
      { op: 'alter_partition_reassignments', reassignments: { [`${topic}:0`]: null } },
    ]);
    expect(steps.map((s) => s.result)).toEqual([
      { [`${topic}:0`]: null },
      { [`${topic}:0`]: { replicas: [1, 3, 2], adding_replicas: [3], removing_replicas: [2] } },
      { [`${topic}:0`]: null },
      {},
      { [`${topic}:0`]: 'NoReassignmentInProgressError' },
    ]);
    expect(partitionOf(c, topic)).toMatchObject({ leader: 1, replicas: [1, 2], isr: [1, 2], adding: [], removing: [] });
    expect(partitionOf(c, topic).replicaStates.map((r) => r.brokerId).sort()).toEqual([1, 2]);
  }, 60_000);
});
