// Idempotent and transactional producers, and what read_committed consumers see.

import type { Scenario, ScenarioContext } from '../scenario.ts';
import { outcome } from '../normalise.ts';
import { rawRequest } from '../raw.ts';
import { leaderOf, producer, range, readPartition, until } from './support.ts';

const values = (read: { records: { value: string | null }[] }) => read.records.map((r) => r.value);

async function transactional(ctx: ScenarioContext, label: string) {
  return producer(ctx, { transactionalId: ctx.name(label), idempotent: true, maxInFlightRequests: 1, retry: { retries: 2 } });
}

async function latest(ctx: ScenarioContext, topic: string, isolationLevel: 0 | 1): Promise<number> {
  const response = await rawRequest(ctx.bootstrapServers[0], 2, 2, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1 }] }] });
  return Number((response.topics as { partitions: { offset: bigint | number }[] }[])[0].partitions[0].offset);
}

/**
 * Waits until no transaction is open on partition 0 (the last stable offset has reached the high
 * watermark). Kafka writes commit and abort markers after EndTxn answers (see FIDELITY.md), so the
 * end state is what both clusters are compared on, not the moment in between.
 */
async function settled(ctx: ScenarioContext, topic: string): Promise<void> {
  await until(async () => (await latest(ctx, topic, 1)) === (await latest(ctx, topic, 0)));
}

/** Both isolation levels' view of a partition: offsets, values, high watermark, last stable offset. */
async function views(ctx: ScenarioContext, topic: string) {
  const committed = await readPartition(ctx, topic, { isolationLevel: 1 });
  const uncommitted = await readPartition(ctx, topic, { isolationLevel: 0 });
  return {
    readCommitted: { values: values(committed), lastStableOffset: committed.lastStableOffset, highWatermark: committed.highWatermark },
    readUncommitted: { values: values(uncommitted), offsets: uncommitted.records.map((r) => r.offset), highWatermark: uncommitted.highWatermark },
  };
}

export const transactionScenarios: Scenario[] = [
  {
    name: 'idempotence: an idempotent producer gets consecutive offsets across sends and partitions',
    async run(ctx) {
      const topic = await ctx.createTopic('exactly', { partitions: 2 });
      const p = await producer(ctx, { idempotent: true, maxInFlightRequests: 1 });
      const sent = [];
      for (const round of range(3)) sent.push(await p.send({ topic, acks: -1, messages: range(2).map((i) => ({ value: `r${round}-${i}`, partition: i })) }));
      return { sent: sent.map((s) => s.sort((a, b) => a.partition - b.partition)), p0: await readPartition(ctx, topic), p1: await readPartition(ctx, topic, { partition: 1 }) };
    },
  },
  {
    name: 'idempotence: a retried batch is stored once and answered with its original offset; a sequence gap is refused',
    knownDifferences: [
      { path: '$.retryOfFirst.ok.logAppendTime', fidelity: 'Produce retry answered from the duplicate cache' },
      { path: '$.retryOfSecond.ok.logAppendTime', fidelity: 'Produce retry answered from the duplicate cache' },
    ],
    async run(ctx) {
      const topic = await ctx.createTopic('retried');
      const broker = (await leaderOf(ctx, topic)) as unknown as {
        initProducerId(request: object): Promise<{ producerId: string; producerEpoch: number }>;
        produce(request: object): Promise<{ topics: { partitions: unknown[] }[] }>;
      };
      // As a client does, retry while a fresh Kafka's coordinator is still loading (COORDINATOR_LOAD_IN_PROGRESS).
      let ids: { producerId: string; producerEpoch: number } | undefined;
      await until(async () => !!(ids = await broker.initProducerId({ transactionTimeout: 30_000 }).catch(() => undefined)));
      if (!ids) throw new Error('InitProducerId kept failing');
      const { producerId, producerEpoch } = ids;
      // kafkajs's own Produce encoder, with the sequence numbers a retrying producer would send.
      const send = (firstSequence: number, values: string[]) =>
        outcome(async () => {
          const response = await broker.produce({ producerId, producerEpoch, acks: -1, topicData: [{ topic, partitions: [{ partition: 0, firstSequence, messages: values.map((value) => ({ value })) }] }] });
          return response.topics[0].partitions[0];
        });
      return {
        first: await send(0, ['a', 'b']),
        second: await send(2, ['c']),
        retryOfFirst: await send(0, ['a', 'b']),
        retryOfSecond: await send(2, ['c']),
        gap: await send(5, ['gap']),
        next: await send(3, ['d']),
        stored: (await readPartition(ctx, topic)).records.map((r) => `${r.offset}:${r.value}`),
      };
    },
  },
  {
    name: 'transactions: committed records become visible to read_committed readers, after a commit marker',
    async run(ctx) {
      const topic = await ctx.createTopic('committed');
      const p = await transactional(ctx, 'committer');
      const txn = await p.transaction();
      await txn.send({ topic, messages: range(3).map((i) => ({ value: `c${i}` })) });
      const open = await views(ctx, topic);
      await txn.commit();
      await settled(ctx, topic);
      return { open, committed: await views(ctx, topic) };
    },
  },
  {
    name: 'transactions: aborted records stay invisible to read_committed readers and visible to read_uncommitted',
    async run(ctx) {
      const topic = await ctx.createTopic('aborted');
      const p = await transactional(ctx, 'aborter');
      const aborted = await p.transaction();
      await aborted.send({ topic, messages: range(2).map((i) => ({ value: `a${i}` })) });
      await aborted.abort();
      const kept = await p.transaction();
      await kept.send({ topic, messages: [{ value: 'kept' }] });
      await kept.commit();
      await settled(ctx, topic);
      return views(ctx, topic);
    },
  },
  {
    name: 'transactions: ListOffsets with read_committed answers the last stable offset while a transaction is open',
    async run(ctx) {
      const topic = await ctx.createTopic('stable');
      await (await producer(ctx)).send({ topic, messages: [{ value: 'plain' }] });
      const p = await transactional(ctx, 'holder');
      const txn = await p.transaction();
      await txn.send({ topic, messages: [{ value: 'pending' }] });
      const ask = async (isolationLevel: number) =>
        ((await rawRequest(ctx.bootstrapServers[0], 2, 2, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1 }] }] })).topics as { partitions: unknown[] }[])[0].partitions[0];
      const during = { readUncommitted: await ask(0), readCommitted: await ask(1) };
      await txn.commit();
      await settled(ctx, topic);
      return { during, after: { readUncommitted: await ask(0), readCommitted: await ask(1) } };
    },
  },
  {
    name: 'transactions: offsets sent in a transaction are committed with it, and not when it aborts',
    async run(ctx) {
      const source = await ctx.createTopic('source');
      const sink = await ctx.createTopic('sink');
      const groupId = ctx.group('transformer');
      const p = await transactional(ctx, 'transformer');
      const admin = await ctx.admin();
      const attempt = async (offset: string, commit: boolean) => {
        const txn = await p.transaction();
        await txn.send({ topic: sink, messages: [{ value: `up-to-${offset}` }] });
        await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: source, partitions: [{ partition: 0, offset }] }] });
        if (commit) await txn.commit();
        else await txn.abort();
        await settled(ctx, sink);
        // The group's offsets become visible once the marker reaches __consumer_offsets, also after EndTxn answers.
        await until(async () => (await admin.fetchOffsets({ groupId, topics: [source] }))[0].partitions[0].offset !== '-1');
        return admin.fetchOffsets({ groupId, topics: [source] });
      };
      return { afterCommit: await attempt('5', true), afterAbort: await attempt('9', false), sink: await views(ctx, sink) };
    },
  },
  {
    name: 'transactions: a new producer with the same transactional id fences the old one and aborts its open transaction',
    async run(ctx) {
      const topic = await ctx.createTopic('fenced');
      const old = await transactional(ctx, 'zombie');
      const stale = await old.transaction();
      await stale.send({ topic, messages: [{ value: 'from-zombie' }] });
      const fresh = await transactional(ctx, 'zombie');
      const txn = await fresh.transaction();
      await txn.send({ topic, messages: [{ value: 'from-successor' }] });
      await txn.commit();
      const zombieCommit = await outcome(stale.commit());
      await settled(ctx, topic);
      return { zombieCommit, after: await views(ctx, topic) };
    },
  },
];
