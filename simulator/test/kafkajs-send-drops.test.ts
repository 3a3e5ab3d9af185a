// Issue 15 item 5, proven from the broker's side: with acks=all, a kafkajs 2.2.4 send() to several
// partitions at once, made while the leader of one of them has just died, resolves — and that
// partition's record is nowhere. The broker's events show why: no Produce request naming the
// partition reached any live broker after the leader moved, so nothing was appended and nothing
// acknowledged (no produce-acknowledged). kafkajs's sendMessages retries only the brokers that
// have not answered yet (its responsePerBroker map), so a partition whose new leader already
// answered for its own partitions is never sent. A client bug, not a broker one: one send() per
// partition loses nothing.

import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { startCluster, type ClusterEvent } from '../index.ts';
import { recordHistory } from '../history/index.ts';
import { kafkaFor, uniqueTopic } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

const PARTITIONS = [0, 1, 2];

describe('kafkajs 2.2.4: one send() to several partitions after a leader dies', () => {
  it('resolves without sending the moved partition: the broker never saw it, appended it or acknowledged it', async () => {
    const cluster = await startCluster({ brokers: 3, seed: 15 });
    try {
      const topic = uniqueTopic('send-drops');
      cluster.createTopic({ name: topic, partitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
      const history = recordHistory(cluster, { topics: [topic] });
      const kafka = kafkaFor(cluster);
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        await producer.send({ topic, acks: -1, messages: PARTITIONS.map((partition) => ({ partition, value: `before-${partition}` })) });
        const leaders = cluster.describe().topics.find((t) => t.name === topic)!.partitions.map((p) => p.leader);
        expect(new Set(leaders).size).toBe(3); // one partition per broker: every other broker answers the same send()
        const victim = 0;

        const after: ClusterEvent[] = [];
        const unsubscribe = cluster.events.subscribe((e) => after.push(e));
        await cluster.killBroker(leaders[victim]);
        const answered = await producer.send({ topic, acks: -1, messages: PARTITIONS.map((partition) => ({ partition, value: `after-${partition}` })) });
        unsubscribe();

        // kafkajs resolved, with an answer for the two partitions it sent and none for the third.
        expect(answered.map((r) => r.partition).sort()).toEqual([1, 2]);
        // No Produce request after the kill named the victim partition ...
        const produced = after.filter((e): e is Extract<ClusterEvent, { type: 'request-handled' }> => e.type === 'request-handled' && e.api === 'Produce');
        expect(produced.length).toBeGreaterThan(0);
        for (const request of produced) expect(partitionsNamed(request.summary, topic)).not.toContain(victim);
        // ... so no broker appended it, and none acknowledged it.
        expect(after.filter((e) => e.type === 'records-appended' && e.partition === victim)).toEqual([]);
        expect(after.filter((e) => e.type === 'produce-acknowledged' && e.partition === victim)).toEqual([]);

        // The history checker, which counts what the broker acknowledged, finds nothing lost ...
        await cluster.restartBroker(leaders[victim]);
        const report = history.check();
        expect(report.counts.lost).toBe(0);
        expect(report.ok).toBe(true);
        expect(report.acknowledged).toBe(5); // before-0..2, after-1, after-2: never after-0
        // ... while the application, which took the resolved send() for delivery, is missing a record.
        const stored = (await fetchMessages(kafka, topic, victim)).map((m) => m.value?.toString());
        expect(stored).toEqual([`before-${victim}`]);

        // One send() per partition: the moved partition is sent to its new leader and stored.
        await producer.send({ topic, acks: -1, messages: [{ partition: victim, value: `alone-${victim}` }] });
        expect((await fetchMessages(kafka, topic, victim)).map((m) => m.value?.toString())).toEqual([`before-${victim}`, `alone-${victim}`]);
      } finally {
        await producer.disconnect();
      }
    } finally {
      await cluster.stop();
    }
  });
});

/** The partitions of `topic` a Produce request named, from its summary ("orders[0,2] acks=-1"). */
function partitionsNamed(summary: string, topic: string): number[] {
  const match = new RegExp(`${topic}\\[([\\d,]*)\\]`).exec(summary);
  return match ? match[1].split(',').filter(Boolean).map(Number) : [];
}
