// Issue 15 item 5's duplicates "with idempotence on", proven from the broker's side: an idempotent
// kafkajs 2.2.4 producer, acks=all, one send() to several partitions, a leader that dies while the
// send is being retried. The same record is stored twice, in two batches whose sequence numbers
// follow one another (s, then s+1): two writes as the producer numbered them, which no broker,
// Kafka's included, can tell from two sends of equal values. Not a retry the broker failed to
// recognise, then, but kafkajs re-sending an acknowledged record under a new sequence number.
//
// The cause is the one behind its dropped partitions (kafkajs-send-drops.test.ts): sendMessages
// keeps the answers it has per broker (responsePerBroker) and, on a retry, sends to every broker
// that has not answered all the partitions it now leads. A partition whose old leader had answered
// moves to a broker that had not, and is sent again; its sequence had already been advanced by the
// first, acknowledged, send. A campaign of kills and restarts under multi-partition sends shows the
// same pattern (bench/chaos.ts scale; FIDELITY.md); one send() per partition stores each once.

import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { startCluster, type ClusterEvent, type ClusterHandle } from '../index.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

const PARTITIONS = [0, 1, 2];

describe('kafkajs 2.2.4, idempotent: one send() to several partitions while a leader moves', () => {
  it('stores an acknowledged record twice, under two sequence numbers: kafkajs sent it twice, the broker deduplicates nothing it could', async () => {
    const cluster = await startCluster({ brokers: 3, seed: 15 });
    try {
      const topic = uniqueTopic('idempotent-dups');
      cluster.createTopic({ name: topic, partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({ topic, acks: -1, messages: PARTITIONS.map((partition) => ({ partition, value: `before-${partition}` })) });
        const partitions = cluster.describe().topics.find((t) => t.name === topic)!.partitions;
        expect(new Set(partitions.map((p) => p.leader)).size).toBe(3); // one partition per broker
        // The partition that will move, its leader (to be killed once it has answered), and the
        // broker the controller will elect in its place: the next in-sync replica in its list.
        const moved = partitions[1];
        const successor = moved.replicas.find((id) => id !== moved.leader && moved.isr.includes(id))!;
        const stays = partitions.find((p) => p.leader === successor)!;

        // The successor's answer is held (clients cannot reach it) until the leader has been killed,
        // and is then NOT_LEADER_OR_FOLLOWER (a retriable error: kafkajs retries), appending nothing.
        holdThenRefuse(cluster, successor);
        const events: ClusterEvent[] = [];
        const unsubscribe = cluster.events.subscribe((e) => events.push(e));
        const sending = producer.send({ topic, acks: -1, messages: PARTITIONS.map((partition) => ({ partition, value: `twice-${partition}` })) });
        const acknowledgedBy = (broker: number, partition: number) =>
          events.some((e) => e.type === 'produce-acknowledged' && e.brokerId === broker && e.partition === partition);
        await eventually(() => acknowledgedBy(moved.leader, moved.partition), 'the moved partition\'s leader to acknowledge it');
        await cluster.killBroker(moved.leader);
        expect(cluster.describe().topics.find((t) => t.name === topic)!.partitions[moved.partition].leader).toBe(successor);
        cluster.heal();
        const answered = await sending;
        unsubscribe();

        // kafkajs's answer names the moved partition twice: once from each broker.
        expect(answered.filter((r) => r.partition === moved.partition)).toHaveLength(2);
        // The broker acknowledged it twice, at two offsets, each append a batch of its own ...
        const acks = events.filter((e): e is Extract<ClusterEvent, { type: 'produce-acknowledged' }> => e.type === 'produce-acknowledged' && e.partition === moved.partition);
        expect(acks.map((e) => e.brokerId)).toEqual([moved.leader, successor]);
        const stored = await fetchMessages(kafka, topic, moved.partition);
        const twice = stored.filter((m) => m.value?.toString() === `twice-${moved.partition}`);
        expect(twice.map((m) => Number(m.offset))).toEqual(acks.map((e) => e.baseOffset));
        // ... whose sequence numbers follow one another: the second is the producer's next write, not
        // a retry of the first (which would carry the same sequence, and be answered with its offset).
        const [first, second] = twice.map((m) => m.batchContext!);
        expect(second.producerId).toBe(first.producerId);
        expect(second.producerEpoch).toBe(first.producerEpoch);
        expect(second.firstSequence).toBe(first.firstSequence! + 1);
        // The partition that stayed put was stored once.
        expect((await fetchMessages(kafka, topic, stays.partition)).filter((m) => m.value?.toString() === `twice-${stays.partition}`)).toHaveLength(1);
        // (A real retry, the same batch under the same sequence, is answered with its first offset
        // and stored once: kafkajs-transactions.test.ts proves the broker's side of idempotence.)
      } finally {
        await producer.disconnect();
      }
    } finally {
      await cluster.stop();
    }
  });

  it('stores each record once when every send() names one partition', async () => {
    const cluster = await startCluster({ brokers: 3, seed: 15 });
    try {
      const topic = uniqueTopic('idempotent-single');
      cluster.createTopic({ name: topic, partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await Promise.all(PARTITIONS.map((partition) => producer.send({ topic, acks: -1, messages: [{ partition, value: `before-${partition}` }] })));
        const partitions = cluster.describe().topics.find((t) => t.name === topic)!.partitions;
        const moved = partitions[1];
        const successor = moved.replicas.find((id) => id !== moved.leader && moved.isr.includes(id))!;
        holdThenRefuse(cluster, successor);
        const acknowledged: number[] = [];
        const unsubscribe = cluster.events.on('produce-acknowledged', (e) => {
          if (e.partition === moved.partition) acknowledged.push(e.brokerId);
        });
        const sending = Promise.all(PARTITIONS.map((partition) => producer.send({ topic, acks: -1, messages: [{ partition, value: `once-${partition}` }] })));
        await eventually(() => acknowledged.length > 0, 'the moved partition\'s leader to acknowledge it');
        await cluster.killBroker(moved.leader);
        cluster.heal();
        await sending;
        unsubscribe();
        for (const partition of PARTITIONS) {
          const values = (await fetchMessages(kafka, topic, partition)).map((m) => m.value?.toString());
          expect(values).toEqual([`before-${partition}`, `once-${partition}`]);
        }
      } finally {
        await producer.disconnect();
      }
    } finally {
      await cluster.stop();
    }
  });
});

/** Holds what clients send `broker` until the network heals, then answers its next Produce NOT_LEADER_OR_FOLLOWER. */
function holdThenRefuse(cluster: ClusterHandle, broker: number): void {
  cluster.addFaultRule({ name: 'refuse', match: { api: 'Produce', brokerId: broker }, action: { error: 'NOT_LEADER_OR_FOLLOWER' }, times: 1 });
  cluster.partition(['clients'], [broker]);
}
