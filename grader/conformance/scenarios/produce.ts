// Produce and fetch: offsets, acks, keys, headers, timestamps, compression.

import { CompressionTypes } from 'kafkajs';
import { encodeBatch } from '../../../simulator/protocol/records.ts';
import type { CompressionCodec } from '../../../simulator/protocol/compression.ts';
import { rawRequest } from '../raw.ts';
import type { Scenario } from '../scenario.ts';
import { producer, range, readPartition } from './support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const produceScenarios: Scenario[] = [
  {
    name: 'produce: successive sends get consecutive offsets and read back in order',
    async run(ctx) {
      const topic = await ctx.createTopic('orders');
      const p = await producer(ctx);
      const sends = [];
      for (const n of [1, 2, 3]) sends.push(await p.send({ topic, acks: -1, messages: range(n).map((i) => ({ key: `k${i}`, value: `send${n}-${i}` })) }));
      return { sends, read: await readPartition(ctx, topic) };
    },
  },
  {
    name: 'produce: acks=1 and acks=-1 answer with the base offset; acks=0 answers nothing yet stores the records',
    async run(ctx) {
      const topic = await ctx.createTopic('acks');
      const p = await producer(ctx);
      const one = await p.send({ topic, acks: 1, messages: [{ value: 'leader-only' }] });
      const all = await p.send({ topic, acks: -1, messages: [{ value: 'all-replicas' }, { value: 'all-replicas-2' }] });
      const none = await p.send({ topic, acks: 0, messages: [{ value: 'fire-and-forget' }] });
      // acks=0 has no answer to wait for: the next acknowledged send proves it was appended first.
      const after = await p.send({ topic, acks: -1, messages: [{ value: 'after' }] });
      return { one, all, none, after, read: await readPartition(ctx, topic) };
    },
  },
  {
    name: "produce: each key lands on the partition kafkajs's default partitioner picks, and stays in order there",
    async run(ctx) {
      const topic = await ctx.createTopic('keyed', { partitions: 4 });
      // Idempotent: right after CreateTopics a KRaft broker may answer NOT_LEADER_OR_FOLLOWER for one
      // partition, and kafkajs then retries the whole request; without idempotence the other
      // partitions' records would be stored twice on real Kafka.
      const p = await producer(ctx, { idempotent: true });
      const keys = range(12).map((i) => `customer-${i}`);
      const sends = await p.send({ topic, messages: keys.flatMap((key) => [{ key, value: `${key}:a` }, { key, value: `${key}:b` }]) });
      const partitions = await Promise.all(range(4).map(async (partition) => (await readPartition(ctx, topic, { partition })).records));
      return { sends: sends.sort((a, b) => a.partition - b.partition), partitions };
    },
    // A retried partition is answered from the duplicate cache.
    knownDifferences: [{ path: '$.sends[*].logAppendTime', fidelity: 'Produce retry answered from the duplicate cache' }],
  },
  {
    name: 'produce: keys, null values (tombstones), empty values and headers survive the round trip',
    async run(ctx) {
      const topic = await ctx.createTopic('shapes');
      const p = await producer(ctx);
      await p.send({
        topic,
        messages: [
          { key: 'k1', value: 'plain' },
          { key: 'k2', value: null },
          { key: null, value: '' },
          { key: 'k3', value: 'with headers', headers: { trace: 'abc', 'content-type': 'text/plain' } },
        ],
      });
      return readPartition(ctx, topic);
    },
  },
  {
    name: 'produce: producer timestamps are kept on a CreateTime topic and ListOffsets finds them',
    async run(ctx) {
      // Timestamps from 2023 are past the default retention.ms: keep them, or retention deletes them
      // (kafka-lab's first check comes sooner than Kafka's, see FIDELITY.md).
      const topic = await ctx.createTopic('created', { configs: { 'retention.ms': '-1' } });
      const p = await producer(ctx);
      const sent = await p.send({ topic, messages: [1000, 2000, 3000].map((t) => ({ value: `at-${t}`, timestamp: String(1_700_000_000_000 + t) })) });
      const admin = await ctx.admin();
      const byTime = async (ts: number) => (await admin.fetchTopicOffsetsByTimestamp(topic, 1_700_000_000_000 + ts))[0].offset;
      return { sent, read: await readPartition(ctx, topic, { withTimestamps: true }), at1500: await byTime(1500), at2000: await byTime(2000), at9999: await byTime(9999), at0: await byTime(0) };
    },
  },
  {
    name: 'produce: a LogAppendTime topic replaces producer timestamps with the broker time and reports it',
    async run(ctx) {
      const topic = await ctx.createTopic('appended', { configs: { 'message.timestamp.type': 'LogAppendTime' } });
      const p = await producer(ctx);
      const before = Date.now();
      const [sent] = await p.send({ topic, messages: [{ value: 'a', timestamp: '1000' }, { value: 'b', timestamp: '2000' }] });
      const after = Date.now();
      const { records } = await readPartition(ctx, topic, { withTimestamps: true });
      const brokerTime = (t: string | undefined) => Number(t) >= before - 1000 && Number(t) <= after + 1000;
      return {
        sent: { ...sent, logAppendTime: brokerTime(sent.logAppendTime) ? 'broker time' : sent.logAppendTime },
        records: records.map((r) => ({ ...r, timestamp: brokerTime(r.timestamp) ? 'broker time' : r.timestamp })),
        sameTimeForTheBatch: records[0].timestamp === records[1].timestamp,
      };
    },
  },
  {
    name: 'produce: gzip-compressed batches are stored and served with their offsets',
    async run(ctx) {
      const topic = await ctx.createTopic('gzip');
      const p = await producer(ctx);
      const sent = [];
      for (const batch of [0, 1]) sent.push(await p.send({ topic, compression: CompressionTypes.GZIP, messages: range(5).map((i) => ({ key: `k${i}`, value: `gzip-${batch}-${i}`.repeat(20) })) }));
      const read = await readPartition(ctx, topic);
      const fromMiddle = await readPartition(ctx, topic, { fromOffset: 7 });
      return { sent, offsets: read.records.map((r) => r.offset), values: read.records.map((r) => r.value?.slice(0, 12)), fromMiddle: fromMiddle.records.map((r) => r.offset) };
    },
  },
  {
    name: 'produce: a record larger than the topic max.message.bytes is refused with MESSAGE_TOO_LARGE and nothing is stored',
    async run(ctx) {
      const topic = await ctx.createTopic('small', { configs: { 'max.message.bytes': '1000' } });
      const p = await producer(ctx, { retry: { retries: 0 } });
      const tooLarge = await p.send({ topic, messages: [{ value: 'x'.repeat(2000) }] }).then((ok) => ({ ok }), (error: Error & { type?: string }) => ({ error: error.name, type: error.type ?? (error as { cause?: { type?: string } }).cause?.type }));
      const fits = await p.send({ topic, messages: [{ value: 'x'.repeat(100) }] });
      return { tooLarge, fits, read: (await readPartition(ctx, topic)).records.map((r) => r.offset) };
    },
  },
  {
    name: 'produce: a CreateTime topic refuses a batch with records timestamped outside message.timestamp.before/after.max.ms (INVALID_TIMESTAMP, an error per record); a LogAppendTime topic takes any',
    async run(ctx) {
      const [broker] = ctx.bootstrapServers;
      const byDefault = await ctx.createTopic('default-window');
      const lastMinute = await ctx.createTopic('last-minute', { configs: { 'message.timestamp.before.max.ms': String(MINUTE), 'message.timestamp.after.max.ms': String(MINUTE) } });
      const appended = await ctx.createTopic('appended', { configs: { 'message.timestamp.type': 'LogAppendTime', 'message.timestamp.after.max.ms': '0' } });
      const now = Date.now();
      const send = async (topic: string, timestamps: number[], compression: CompressionCodec = 'none') => {
        const batch = encodeBatch(timestamps.map((timestamp, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v'), timestamp })), { compression });
        const answer = await rawRequest(broker, 0, 9, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
        // The window's bounds and log-append times are the broker's clock: shown as <time>.
        return JSON.parse(JSON.stringify(answer, (key, value) =>
          typeof value === 'string' ? value.replace(/-?\d{12,}/g, '<time>') : key === 'logAppendTimeMs' && value !== -1 ? '<time>' : value,
        ));
      };
      const sends = {
        // Kafka 4 takes records at most an hour ahead by default, and any age.
        twoHoursAhead: await send(byDefault, [now, now + 2 * HOUR]),
        halfAnHourAhead: await send(byDefault, [now + 30 * MINUTE]),
        aMonthOld: await send(byDefault, [now - 30 * 24 * HOUR]),
        tooOld: await send(lastMinute, [now - 5 * MINUTE, now, now - 10 * MINUTE]),
        tooOldCompressed: await send(lastMinute, [now, now - 5 * MINUTE], 'gzip'),
        tooNew: await send(lastMinute, [now + 5 * MINUTE]),
        noTimestamp: await send(lastMinute, [-1]),
        inTime: await send(lastMinute, [now]),
        appendedAnyway: await send(appended, [now + 5 * HOUR]),
      };
      const offsets = async (topic: string) => (await (await ctx.admin()).fetchTopicOffsets(topic)).map((p) => p.high);
      return { sends, ends: { byDefault: await offsets(byDefault), lastMinute: await offsets(lastMinute), appended: await offsets(appended) } };
    },
  },
];
