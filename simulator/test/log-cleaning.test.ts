import { afterEach, describe, expect, it } from 'vitest';
import { CompressionTypes, Partitioners, type Consumer, type Kafka } from 'kafkajs';
import type { ClusterHandle, ClusterOptions } from '../index.ts';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { ownClusters } from './support/own-clusters.ts';
import { commitOffset } from '../testkit/kafkajs-internal.ts';

// Retention and compaction, run on demand through cluster.cleanLogs() (the background cleaner is
// off here, so nothing cleans behind a test's back), observed through kafkajs clients.
//
// Kafka deletes and compacts whole segments and never touches the active one. As in the
// differential suite (grader/conformance/scenarios/cleaning.ts), a batch gets a segment of its own
// by carrying a timestamp an hour after the one before, on a topic whose segment.ms is a minute:
// the log rolls on that append, exactly as Kafka rolls it.

const QUIET: ClusterOptions = { groupInitialRebalanceDelayMs: 0, logRetentionCheckIntervalMs: 0, logCleanerBackoffMs: 0 };
const cluster = useCluster(QUIET);
const HOUR = 3_600_000;
const SEGMENT_PER_BATCH = { 'segment.ms': '60000' };

/** Batches an hour apart, the last one now: each gets a segment of its own (timestamps already set are kept). */
function hourly(batches: Message[][], now = Date.now()): Message[][] {
  return batches.map((batch, i) => batch.map((m) => ({ ...m, timestamp: m.timestamp ?? now - (batches.length - 1 - i) * HOUR })));
}

const consumers: Consumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.disconnect().catch(() => {})));
});
const clusters = ownClusters('cleaning');

interface Message {
  key?: string | null;
  value: string | null;
  timestamp?: number;
}

/** Sends each inner list as its own produce request, so each is one batch: the unit the cleaner deletes or cleans. */
async function sendBatches(kafka: Kafka, topic: string, batches: Message[][], compression = CompressionTypes.None): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (const batch of batches) {
      const messages = batch.map((m) => ({ partition: 0, key: m.key ?? null, value: m.value, timestamp: m.timestamp === undefined ? undefined : String(m.timestamp) }));
      await producer.send({ topic, acks: -1, compression, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Every record of partition 0 from `fromOffset`, with its offset, as kafkajs decodes it. */
async function readLog(kafka: Kafka, topic: string, fromOffset = 0) {
  const messages = await fetchMessages(kafka, topic, 0, { fromOffset, isolationLevel: 0 });
  return messages
    .filter((m) => !(m as { isControlRecord?: boolean }).isControlRecord)
    .map((m) => ({ offset: Number(m.offset), key: m.key?.toString() ?? null, value: m.value?.toString() ?? null }));
}

async function offsetsOf(kafka: Kafka, topic: string): Promise<{ low: number; high: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [p] = await admin.fetchTopicOffsets(topic);
    return { low: Number(p.low), high: Number(p.high) };
  } finally {
    await admin.disconnect();
  }
}

async function committedOffsets(kafka: Kafka, groupId: string, topic: string): Promise<Record<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(result.partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** A consumer group member that records the first offsets it is handed. */
async function groupReader(kafka: Kafka, groupId: string, topic: string) {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  consumers.push(consumer);
  const read: { offset: number; value: string | null }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void read.push({ offset: Number(message.offset), value: message.value?.toString() ?? null }) });
  return read;
}

const cleanedPartition = (handle: ClusterHandle, topic: string, now?: number) => {
  const [result] = handle.cleanLogs({ topic, now });
  return result;
};

const startOn = (dataDir: string) => clusters.start({ ...QUIET, dataDir, offsetsTopicPartitions: 1 });
const stopCluster = clusters.stop;
const temporaryDataDir = clusters.dataDir;

describe('retention', () => {
  it('retention.ms deletes batches whose newest record is older than the limit, and a group reading from the beginning starts at the new log start', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('retention-ms');
    cluster().createTopic({ name: topic, partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'retention.ms': String(HOUR) } });
    const old = Date.now() - 2 * HOUR;
    await sendBatches(kafka, topic, [
      [{ value: 'old-1', timestamp: old }, { value: 'old-2', timestamp: old + 1 }],
      [{ value: 'old-3', timestamp: old + 2 }], // 2 ms after the segment's first batch: the same segment
      [{ value: 'new-1' }, { value: 'new-2' }], // two hours later: a new segment
    ]);
    expect(cluster().describe().topics.find((t) => t.name === topic)!.partitions[0].segments).toBe(2);

    const cleaned = cleanedPartition(cluster(), topic);
    expect(cleaned).toMatchObject({ deleted: { segments: 1, records: 3, reasons: ['retention.ms'] }, logStartOffset: 3, logEndOffset: 5, segments: 1 });
    expect(await offsetsOf(kafka, topic)).toEqual({ low: 3, high: 5 });
    expect(cluster().events.recent().some((e) => e.type === 'log-cleaned' && e.topic === topic && e.logStartOffset === 3)).toBe(true);

    const read = await groupReader(kafka, uniqueTopic('group'), topic);
    await eventually(() => read.length >= 2, 'the records retention kept');
    expect(read).toEqual([{ offset: 3, value: 'new-1' }, { offset: 4, value: 'new-2' }]);
  });

  it('a group whose committed offset fell below the log start gets OFFSET_OUT_OF_RANGE and resets to the earliest offset', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('retention-reset');
    const groupId = uniqueTopic('group');
    cluster().createTopic({ name: topic, partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'retention.ms': String(HOUR) } });
    const old = Date.now() - 2 * HOUR;
    await sendBatches(kafka, topic, [[{ value: 'a', timestamp: old }, { value: 'b', timestamp: old }, { value: 'c', timestamp: old }], [{ value: 'd' }]]);
    await commitOffset(kafka, groupId, topic, 0, 1);

    expect(cleanedPartition(cluster(), topic).logStartOffset).toBe(3);
    await expect(fetchMessages(kafka, topic, 0, { fromOffset: 1 })).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });

    const read = await groupReader(kafka, groupId, topic);
    await eventually(() => read.length >= 1, 'the group to read after resetting its offset');
    expect(read[0]).toEqual({ offset: 3, value: 'd' });
    const outOfRange = cluster()
      .events.recent()
      .filter((e) => e.type === 'request-handled' && e.api === 'Fetch' && e.summary.includes(`${topic}[0@1]`) && e.errors.includes('OFFSET_OUT_OF_RANGE'));
    expect(outOfRange.length).toBeGreaterThan(0);
  });

  it('retention.bytes deletes the oldest segments only while at least retention.bytes remain', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('retention-bytes');
    cluster().createTopic({ name: topic, partitions: 1, configs: SEGMENT_PER_BATCH });
    await sendBatches(kafka, topic, hourly([0, 1, 2, 3, 4].map((i) => [{ value: `same-size-${i}` }])));
    const sizeOf = () => cluster().describe().topics.find((t) => t.name === topic)!.partitions[0].sizeInBytes;
    const batchSize = sizeOf() / 5;
    expect(Number.isInteger(batchSize)).toBe(true);

    // About 2.5 batches' worth: deleting a third batch would leave less than the limit, so Kafka keeps it.
    const admin = kafka.admin();
    await admin.connect();
    const limit = Math.floor(2.5 * batchSize);
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: topic, configEntries: [{ name: 'retention.bytes', value: String(limit) }] }] });
    await admin.disconnect();

    expect(cleanedPartition(cluster(), topic)).toMatchObject({ deleted: { segments: 2, records: 2, bytes: 2 * batchSize, reasons: ['retention.bytes'] }, logStartOffset: 2 });
    expect(sizeOf()).toBe(3 * batchSize);
    expect(sizeOf()).toBeGreaterThanOrEqual(limit);
    expect((await readLog(kafka, topic, 2)).map((m) => m.value)).toEqual(['same-size-2', 'same-size-3', 'same-size-4']);
    expect(cleanedPartition(cluster(), topic).deleted.segments).toBe(0);
  });
});

describe('compaction', () => {
  it('keeps the latest value of each key at its original offset, and a tombstone until delete.retention.ms after the pass that saw it', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('compact');
    cluster().createTopic({ name: topic, partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'cleanup.policy': 'compact', 'delete.retention.ms': '1000' } });
    await sendBatches(
      kafka,
      topic,
      hourly([
        [{ key: 'k1', value: 'a1' }, { key: 'k2', value: 'b1' }],
        [{ key: 'k1', value: 'a2' }],
        [{ key: 'k3', value: 'c1' }],
        [{ key: 'k2', value: null, timestamp: 1_700_000_000_000 }], // older than the segment's first batch: no roll, it joins k3's segment
        [{ key: 'k4', value: 'd1' }], // the active segment, which the cleaner never touches
      ]),
    );

    const t0 = Date.now();
    expect(cleanedPartition(cluster(), topic, t0)).toMatchObject({ compacted: { records: 2, tombstones: 0 }, logStartOffset: 0, logEndOffset: 6 });
    const afterFirstPass = [
      { offset: 2, key: 'k1', value: 'a2' },
      { offset: 3, key: 'k3', value: 'c1' },
      { offset: 4, key: 'k2', value: null },
      { offset: 5, key: 'k4', value: 'd1' },
    ];
    expect(await readLog(kafka, topic)).toEqual(afterFirstPass);
    expect(await offsetsOf(kafka, topic)).toEqual({ low: 0, high: 6 });
    // Its batch was rewritten to carry the delete horizon; the record keeps its own timestamp.
    const [tombstone] = await fetchMessages(kafka, topic, 0, { fromOffset: 4, count: 1 });
    expect(tombstone).toMatchObject({ offset: '4', timestamp: '1700000000000' });

    expect(cleanedPartition(cluster(), topic, t0 + 999).compacted.records).toBe(0);
    expect(await readLog(kafka, topic)).toEqual(afterFirstPass);

    expect(cleanedPartition(cluster(), topic, t0 + 1000)).toMatchObject({ compacted: { records: 1, tombstones: 1 }, logEndOffset: 6 });
    expect(await readLog(kafka, topic)).toEqual([afterFirstPass[0], afterFirstPass[1], afterFirstPass[3]]);

    // Appends carry on after the log end offset, not after the last record kept.
    await sendBatches(kafka, topic, [[{ key: 'k1', value: 'a3' }]]);
    expect((await readLog(kafka, topic, 6))[0]).toEqual({ offset: 6, key: 'k1', value: 'a3' });
  });

  it('decompresses gzip batches and keeps their surviving records', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('compact-gzip');
    cluster().createTopic({ name: topic, partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'cleanup.policy': 'compact' } });
    const versions = [1, 2, 3].flatMap((round) => ['k1', 'k2'].map((key) => ({ key, value: `${key}-v${round}` })));
    await sendBatches(kafka, topic, hourly([versions, [{ key: 'k3', value: 'last' }]]), CompressionTypes.GZIP);

    expect(cleanedPartition(cluster(), topic).compacted.records).toBe(4);
    expect(await readLog(kafka, topic)).toEqual([
      { offset: 4, key: 'k1', value: 'k1-v3' },
      { offset: 5, key: 'k2', value: 'k2-v3' },
      { offset: 6, key: 'k3', value: 'last' },
    ]);
  });

  it('removes the records of aborted transactions and keeps committed ones', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('compact-txn');
    cluster().createTopic({ name: topic, partitions: 1, configs: { 'cleanup.policy': 'compact' } });
    const producer = kafka.producer({ transactionalId: uniqueTopic('tx'), idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ partition: 0, key: 'k1', value: 'aborted' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ partition: 0, key: 'k2', value: 'committed' }] });
    await committed.commit();
    await sendBatches(kafka, topic, [[{ key: 'k3', value: 'plain' }]]);
    expect((await readLog(kafka, topic)).map((m) => m.value)).toEqual(['aborted', 'committed', 'plain']);

    // All of it sits in the active segment, which Kafka never cleans; roll it first, as a lab would.
    expect(cleanedPartition(cluster(), topic).compacted.records).toBe(0);
    expect(cluster().cleanLogs({ topic, roll: true })[0].compacted.records).toBe(1);
    expect((await readLog(kafka, topic)).map((m) => m.value)).toEqual(['committed', 'plain']);

    // The producer's state survived: its next transaction is accepted.
    const next = await producer.transaction();
    await next.send({ topic, messages: [{ partition: 0, key: 'k4', value: 'after' }] });
    await next.commit();
    await producer.disconnect();
    expect((await readLog(kafka, topic)).map((m) => m.value)).toEqual(['committed', 'plain', 'after']);
  });

  it('a compacted topic refuses records without a key with INVALID_RECORD', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('compact-keyless');
    cluster().createTopic({ name: topic, partitions: 1, configs: { 'cleanup.policy': 'compact,delete' } });
    await expect(sendBatches(kafka, topic, [[{ key: 'k', value: 'fine' }, { value: 'no key' }]])).rejects.toMatchObject({ type: 'INVALID_RECORD' });
    await sendBatches(kafka, topic, [[{ key: 'k', value: 'fine' }]]);
    expect(await readLog(kafka, topic)).toEqual([{ offset: 0, key: 'k', value: 'fine' }]);
  });
});

describe('cleaning with a data dir', () => {
  it('__consumer_offsets keeps only the latest commit of each partition, and commits resolve after compaction and a restart', async () => {
    const dataDir = temporaryDataDir();
    const first = await startOn(dataDir);
    const kafka = kafkaFor(first);
    const topic = uniqueTopic('committed');
    const groupId = uniqueTopic('group');
    first.createTopic({ name: topic, partitions: 2 });
    for (const offset of [1, 2, 3]) await commitOffset(kafka, groupId, topic, 0, offset);
    await commitOffset(kafka, groupId, topic, 1, 7);

    const [cleaned] = first.cleanLogs({ topic: '__consumer_offsets', roll: true });
    expect(cleaned.compacted.records).toBe(2);
    expect((await readLog(kafka, '__consumer_offsets')).map((m) => m.offset)).toEqual([2, 3]);
    expect(await committedOffsets(kafka, groupId, topic)).toEqual({ 0: 3, 1: 7 });
    await stopCluster(first);

    const second = await startOn(dataDir);
    const reconnected = kafkaFor(second);
    expect(await committedOffsets(reconnected, groupId, topic)).toEqual({ 0: 3, 1: 7 });
    expect((await readLog(reconnected, '__consumer_offsets')).map((m) => m.offset)).toEqual([2, 3]);
  });

  it('compacted offsets, tombstone horizons and a start offset moved by retention survive a restart', async () => {
    const dataDir = temporaryDataDir();
    const first = await startOn(dataDir);
    const kafka = kafkaFor(first);
    first.createTopic({ name: 'compacted', partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'cleanup.policy': 'compact', 'delete.retention.ms': '1000' } });
    first.createTopic({ name: 'expiring', partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'retention.ms': String(HOUR) } });
    await sendBatches(kafka, 'compacted', hourly([[{ key: 'k1', value: 'a1' }], [{ key: 'k1', value: 'a2' }, { key: 'k2', value: null }], [{ key: 'k3', value: 'c1' }]]));
    await sendBatches(kafka, 'expiring', [[{ value: 'old', timestamp: Date.now() - 2 * HOUR }], [{ value: 'new' }]]);
    const t0 = Date.now();
    first.cleanLogs({ now: t0 });
    const compacted = await readLog(kafka, 'compacted');
    expect(compacted.map((m) => m.offset)).toEqual([1, 2, 3]);
    await stopCluster(first);

    const second = await startOn(dataDir);
    const reconnected = kafkaFor(second);
    expect(await readLog(reconnected, 'compacted')).toEqual(compacted);
    expect(await offsetsOf(reconnected, 'compacted')).toEqual({ low: 0, high: 4 });
    expect(await offsetsOf(reconnected, 'expiring')).toEqual({ low: 1, high: 2 });
    expect(await readLog(reconnected, 'expiring', 1)).toEqual([{ offset: 1, key: null, value: 'new' }]);

    // The tombstone's delete horizon was written with the batch, so it still expires on time.
    expect(cleanedPartition(second, 'compacted', t0 + 1000).compacted.tombstones).toBe(1);
    expect((await readLog(reconnected, 'compacted')).map((m) => m.offset)).toEqual([1, 3]);
    await sendBatches(reconnected, 'compacted', [[{ key: 'k4', value: 'd1' }]]);
    expect((await readLog(reconnected, 'compacted', 4))[0]).toMatchObject({ offset: 4, value: 'd1' });
  });
});

describe('the background cleaner', () => {
  it('applies retention and compaction on its own timers', async () => {
    const background = await clusters.start({ logRetentionCheckIntervalMs: 50, logCleanerBackoffMs: 50 });
    const kafka = kafkaFor(background);
    background.createTopic({ name: 'expiring', partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'retention.ms': String(HOUR) } });
    // Kafka's cleaner only picks a log whose dirty share is above min.cleanable.dirty.ratio (0.5 by default).
    background.createTopic({ name: 'compacted', partitions: 1, configs: { ...SEGMENT_PER_BATCH, 'cleanup.policy': 'compact', 'min.cleanable.dirty.ratio': '0.01' } });
    const retained = background.events.waitFor('log-cleaned', (e) => e.topic === 'expiring');
    const compacted = background.events.waitFor('log-cleaned', (e) => e.topic === 'compacted');
    await sendBatches(kafka, 'expiring', [[{ value: 'old', timestamp: Date.now() - 2 * HOUR }], [{ value: 'new' }]]);
    await sendBatches(kafka, 'compacted', hourly([[{ key: 'k', value: 'v1' }], [{ key: 'k', value: 'v2' }], [{ key: 'other', value: 'x' }]]));

    expect(await retained).toMatchObject({ deleted: { records: 1, reasons: ['retention.ms'] }, logStartOffset: 1 });
    expect(await compacted).toMatchObject({ compacted: { records: 1 } });
  });
});
