// ListOffsets, DeleteRecords and fetching at the edges of a log.

import type { Scenario } from '../scenario.ts';
import { rawRequest } from '../raw.ts';
import { produce, range, readPartition } from './support.ts';

const EARLIEST = -2;
const LATEST = -1;

export const offsetScenarios: Scenario[] = [
  {
    name: 'list offsets: earliest and latest of an empty partition, after appends, and after deleting records',
    async run(ctx) {
      const topic = await ctx.createTopic('watermarks', { partitions: 2 });
      const admin = await ctx.admin();
      const sorted = async () => (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
      const empty = await sorted();
      await produce(ctx, topic, range(5).map((i) => ({ value: `v${i}`, partition: 0 })));
      const appended = await sorted();
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '3' }] });
      return { empty, appended, afterDelete: await sorted() };
    },
  },
  {
    name: 'list offsets: by timestamp finds the first offset whose record is at or after the time, even out of order',
    async run(ctx) {
      // Timestamps from 2023 are past the default retention.ms: keep them (see the produce scenario).
      const topic = await ctx.createTopic('times', { configs: { 'retention.ms': '-1' } });
      const base = 1_700_000_000_000;
      await produce(ctx, topic, [3000, 1000, 2000, 5000, 4000].map((t) => ({ value: `t${t}`, timestamp: String(base + t) })));
      const [leader] = ctx.bootstrapServers;
      const ask = async (timestamp: number) => {
        const response = await rawRequest(leader, 2, 1, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp }] }] });
        return (response.topics as { partitions: unknown[] }[])[0].partitions[0];
      };
      return {
        earliest: await ask(EARLIEST),
        latest: await ask(LATEST),
        at500: await ask(base + 500),
        at1500: await ask(base + 1500),
        at3000: await ask(base + 3000),
        at4500: await ask(base + 4500),
        after: await ask(base + 9000),
      };
    },
  },
  {
    name: 'list offsets: an unknown partition and an unknown topic answer UNKNOWN_TOPIC_OR_PARTITION',
    async run(ctx) {
      const topic = await ctx.createTopic('known');
      const [broker] = ctx.bootstrapServers;
      const response = await rawRequest(broker, 2, 2, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: topic, partitions: [{ partitionIndex: 3, timestamp: LATEST }] },
          { name: ctx.topic('never-created'), partitions: [{ partitionIndex: 0, timestamp: EARLIEST }] },
        ],
      });
      // Clients match answers by name; the order of topics in the response is not part of the protocol.
      return { ...response, topics: (response.topics as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name)) };
    },
  },
  {
    name: 'delete records: moves the low watermark, -1 means the high watermark, beyond it is OFFSET_OUT_OF_RANGE',
    async run(ctx) {
      const topic = await ctx.createTopic('deletable');
      await produce(ctx, topic, range(6).map((i) => ({ value: `v${i}` })));
      const admin = await ctx.admin();
      const attempt = (offset: string) =>
        admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset }] }).then(
          () => 'ok',
          (e: Error & { partitions?: unknown }) => ({ name: e.name, partitions: e.partitions }),
        );
      const beyond = await attempt('10');
      const toTwo = await attempt('2');
      const readAfter = await readPartition(ctx, topic);
      const backwards = await attempt('1');
      const all = await attempt('-1');
      return { beyond, toTwo, readAfter: readAfter.records.map((r) => r.offset), backwards, all, offsets: await admin.fetchTopicOffsets(topic) };
    },
  },
  {
    name: 'fetch: below the log start and past the end are OFFSET_OUT_OF_RANGE; at the end is empty',
    async run(ctx) {
      const topic = await ctx.createTopic('edges');
      await produce(ctx, topic, range(4).map((i) => ({ value: `v${i}` })));
      const admin = await ctx.admin();
      await admin.fetchTopicOffsets(topic); // kafkajs's admin finds the leader in metadata it has already fetched
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '2' }] });
      const at = async (fromOffset: number) => {
        const { records, error, highWatermark } = await readPartition(ctx, topic, { fromOffset });
        return { offsets: records.map((r) => r.offset), error, highWatermark };
      };
      return { below: await at(0), start: await at(2), end: await at(4), past: await at(9) };
    },
  },
];
