// Retention and compaction. Kafka deletes and compacts whole segments and never touches the active
// one, so each batch here gets a segment of its own: segment.ms is a minute and the batches' own
// timestamps are an hour apart, which makes Kafka roll a segment for each (kafka-lab stores each
// batch as one segment anyway). The cleaners run every 250 ms (CONFORMANCE_BROKERS) and may act
// between two sends, so scenarios poll until the log reaches the state Kafka's rules give, with a
// deadline, and then report what it is: a cluster that cleans otherwise (or never) shows as such.

import type { Scenario, ScenarioContext } from '../scenario.ts';
import { producer, readPartition, until } from './support.ts';

const HOUR = 3_600_000;

/** Sends each entry as a batch of its own, the i-th stamped (entries.length - i) hours ago. */
async function batchesHoursApart(ctx: ScenarioContext, topic: string, batches: { key: string | null; value: string | null }[][]): Promise<void> {
  const p = await producer(ctx, { idempotent: false });
  const now = Date.now();
  for (const [i, messages] of batches.entries()) {
    const timestamp = String(now - (batches.length - 1 - i) * HOUR);
    await p.send({ topic, acks: -1, messages: messages.map((m) => ({ ...m, timestamp })) });
  }
}

async function logState(ctx: ScenarioContext, topic: string) {
  const [offsets] = await (await ctx.admin()).fetchTopicOffsets(topic);
  const { records } = await readPartition(ctx, topic, { fromOffset: Number(offsets.low) });
  return { low: offsets.low, high: offsets.high, records };
}

/** Polls the log until `done` holds (or 45 s pass: Kafka runs its first retention check 30 s after start-up) and returns what it last saw. */
async function whenCleaned(ctx: ScenarioContext, topic: string, done: (state: Awaited<ReturnType<typeof logState>>) => boolean) {
  let state = await logState(ctx, topic);
  await until(async () => done((state = await logState(ctx, topic))), 45_000);
  return state;
}

const segmentPerBatch = { 'segment.ms': '60000' };

export const cleaningScenarios: Scenario[] = [
  {
    name: 'retention: segments whose newest record is older than retention.ms are deleted, the newest segment stays',
    async run(ctx) {
      const topic = await ctx.createTopic('expiring', { configs: { ...segmentPerBatch, 'retention.ms': String(2.5 * HOUR) } });
      const batch = (n: number) => [{ key: null, value: `b${n}-0` }, { key: null, value: `b${n}-1` }];
      await batchesHoursApart(ctx, topic, [batch(0), batch(1), batch(2), batch(3), batch(4)]);
      // Stamped 4, 3, 2, 1 and 0 hours ago: the first two (offsets 0-3) are past 2.5 hours.
      return whenCleaned(ctx, topic, (s) => s.low === '4');
    },
  },
  {
    name: 'retention: the oldest segments go while the rest still reaches retention.bytes',
    async run(ctx) {
      const value = 'x'.repeat(1000);
      const topic = await ctx.createTopic('bounded', { configs: { ...segmentPerBatch, 'retention.bytes': '2500', 'retention.ms': '-1' } });
      await batchesHoursApart(ctx, topic, [0, 1, 2, 3].map((n) => [{ key: `k${n}`, value }]));
      // About 1,070 bytes a batch: the oldest goes (3 remain, over 2,500 bytes), the next may not.
      const state = await whenCleaned(ctx, topic, (s) => s.low === '1');
      return { ...state, records: state.records.map((r) => r.offset) };
    },
  },
  {
    name: 'compaction: only the latest record of each key stays, tombstones are kept, offsets keep their gaps',
    async run(ctx) {
      const topic = await ctx.createTopic('compacted', {
        configs: { ...segmentPerBatch, 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': String(24 * HOUR) },
      });
      await batchesHoursApart(ctx, topic, [
        [{ key: 'k1', value: 'k1-first' }, { key: 'k2', value: 'k2-first' }],
        [{ key: 'k1', value: 'k1-second' }, { key: 'k3', value: 'k3-first' }],
        [{ key: 'k2', value: null }],
        [{ key: 'k1', value: 'k1-active' }],
      ]);
      // The first three batches are cleanable; the last one is the active segment.
      return whenCleaned(ctx, topic, (s) => s.records.length === 4);
    },
  },
];
