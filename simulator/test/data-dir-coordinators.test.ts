import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../index.ts';
import { eventually, kafkaFor } from './support/cluster.ts';
import { readUntilSentinel } from './support/consume.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-coordinators-'));
const options = { brokers: 3, dataDir, groupInitialRebalanceDelayMs: 0, seed: 3 };
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function withCluster<T>(use: (cluster: ClusterHandle) => Promise<T>): Promise<T> {
  const cluster = await startCluster(options);
  try {
    return await use(cluster);
  } finally {
    await cluster.stop();
  }
}

describe('coordinators across a --data-dir restart', () => {
  it('committed offsets survive, and a consumer resumes after them', async () => {
    await withCluster(async (cluster) => {
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic: 'orders', messages: Array.from({ length: 6 }, (_, i) => ({ value: `before-${i}` })) });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 200 });
      let read = 0;
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({ eachMessage: async () => void read++ });
      await eventually(() => read === 6, 'six records read');
      await consumer.disconnect();
      await eventually(() => cluster.describe().groups.find((g) => g.groupId === 'billing')?.offsets[0]?.committed === 6, 'offset 6 committed');
    });

    await withCluster(async (cluster) => {
      const group = cluster.describe().groups.find((g) => g.groupId === 'billing');
      expect(group).toMatchObject({ state: 'Empty', offsets: [expect.objectContaining({ topic: 'orders', partition: 0, committed: 6, lag: 0 })] });
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic: 'orders', messages: [{ value: 'after-0' }, { value: 'after-1' }] });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 200 });
      const values: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
      await eventually(() => values.length === 2, 'the two new records');
      await consumer.disconnect();
      expect(values).toEqual(['after-0', 'after-1']);
    });
  });

  it('a transaction left open by a stop is aborted on restart, and ids are never handed out twice', async () => {
    const firstProducerId = await withCluster(async (cluster) => {
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ transactionalId: 'pipeline', idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const txn = await producer.transaction();
      await txn.send({ topic: 'payments', messages: [{ value: 'in-flight' }] });
      const appended = cluster.events.recent().find((e) => e.type === 'records-appended' && e.topic === 'payments');
      return appended?.type === 'records-appended' ? appended.producerId : -1;
    });
    expect(firstProducerId).toBeGreaterThanOrEqual(0);

    await withCluster(async (cluster) => {
      const partition = cluster.describe().topics.find((t) => t.name === 'payments')!.partitions[0];
      expect(partition.logEndOffset).toBe(2); // the record and the abort marker written on recovery
      const kafka = kafkaFor(cluster);
      expect(await readUntilSentinel(kafka, 'payments')).toEqual([]);
      const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const appended = cluster.events.waitFor('records-appended', (e) => e.topic === 'payments' && e.producerId >= 0);
      await producer.send({ topic: 'payments', messages: [{ value: 'fresh' }] });
      await producer.disconnect();
      expect((await appended).producerId).toBeGreaterThan(firstProducerId);
    });
  });
});
