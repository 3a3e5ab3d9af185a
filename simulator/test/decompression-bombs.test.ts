// Decompression bombs: a small compressed batch that inflates to far more than it is. The broker
// inflates a produced batch only within its limit (maxDecompressedBatchBytes, 32 MiB by default),
// answers RECORD_LIST_TOO_LARGE past it and stores nothing, inflates off the event loop so other
// connections are answered meanwhile, and takes honest compressed batches of every codec as before.

import { randomBytes } from 'node:crypto';
import { compressSync as lz4Compress } from 'lz4-napi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { Cluster, startCluster, type ClusterHandle } from '../index.ts';
import { RawConnection } from '../net/raw-connection.ts';
import { CODECS, DecompressionLimitError, decompress, decompressSync, type CompressionCodec } from '../protocol/compression.ts';
import { RecordValidator } from '../protocol/record-validation.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { encodeBatch, readBatchHeader } from '../protocol/records.ts';
import { RecordScanner } from '../protocol/record-scanner.ts';
import { gzipBomb, withPayload } from '../testkit/attacks.ts';
import { watchForCrashes } from './support/crash-watch.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

const MiB = 1024 * 1024;
const COMPRESSED = CODECS.filter((c): c is Exclude<CompressionCodec, 'none' | 'unknown'> => c !== 'none');

watchForCrashes(); // after each test: nothing in the broker threw uncaught

/** One record of `valueBytes` zeros, compressed with `codec`. */
const zeros = (codec: CompressionCodec, valueBytes: number, key: string | null = 'k') =>
  encodeBatch([{ key: key === null ? null : Buffer.from(key), value: Buffer.alloc(valueBytes) }], { compression: codec });

/** A Produce v3 of one batch to partition 0, over its own connection: the partition's error code, or null if the connection was closed. */
async function produce(address: string, topic: string, batch: Buffer, acks = -1): Promise<{ errorCode: number; baseOffset: number } | null> {
  const connection = await RawConnection.open(address);
  try {
    const answer = await connection.call(0, 3, { transactionalId: null, acks, timeoutMs: 10_000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    if (answer === null) return null;
    const [partition] = (answer as { responses: { partitionResponses: { errorCode: number; baseOffset: bigint | number }[] }[] }).responses[0].partitionResponses;
    return { errorCode: partition.errorCode, baseOffset: Number(partition.baseOffset) };
  } finally {
    connection.destroy();
  }
}

const logEnd = (cluster: ClusterHandle, topic: string) => cluster.describe().topics.find((t) => t.name === topic)!.partitions[0].logEndOffset;

describe('with the default limit (32 MiB)', () => {
  let cluster: ClusterHandle;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 1 });
  });
  afterAll(() => cluster.stop());
  const address = () => cluster.bootstrapServers[0];

  it.each(['gzip', 'lz4', 'zstd'] as const)('refuses a %s batch of 48 MiB of zeros with RECORD_LIST_TOO_LARGE and stores nothing', async (codec) => {
    const topic = uniqueTopic(`bomb-${codec}`);
    cluster.createTopic({ name: topic, partitions: 1 });
    const bomb = zeros(codec, 48 * MiB);
    expect(bomb.length).toBeLessThan(1_048_588); // within max.message.bytes: only inflating shows what it is
    expect(await produce(address(), topic, bomb)).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 });
    expect(logEnd(cluster, topic)).toBe(0);
    // The same connection-free check passes for an honest batch of the same codec right after.
    expect(await produce(address(), topic, zeros(codec, 1000))).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0 });
  });

  it('refuses a gzip batch of one 200 MB record (the issue\'s bomb, smaller)', async () => {
    const topic = uniqueTopic('bomb-200mb');
    cluster.createTopic({ name: topic, partitions: 1 });
    const bomb = await gzipBomb(200 * 1000 * 1000);
    expect(bomb.length).toBeLessThan(300_000);
    expect(await produce(address(), topic, bomb)).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 });
    expect(logEnd(cluster, topic)).toBe(0);
  });

  it('refuses a snappy block that claims 1 GiB without inflating or allocating it', async () => {
    const topic = uniqueTopic('bomb-snappy');
    cluster.createTopic({ name: topic, partitions: 1 });
    // A raw snappy block is its uncompressed length (a varint), then its tags: claim 1 GiB, hold 10 bytes.
    const forged = withPayload(zeros('snappy', 10), Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04]), Buffer.alloc(10)]));
    expect(await produce(address(), topic, forged)).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 });
  });

  it('refuses the issue\'s bomb, one record of 1,000 MB, at its declared length', async () => {
    const topic = uniqueTopic('bomb-1000mb');
    cluster.createTopic({ name: topic, partitions: 1 });
    expect(await produce(address(), topic, await gzipBomb(1000 * 1000 * 1000))).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 });
    // What that takes: the record's first bytes say it ends past the limit, and nothing more is read.
    const scanner = new RecordScanner(1, { limit: { bytes: 32 * MiB, codec: 'gzip' } });
    expect(() => scanner.feed(Buffer.from([0xa0, 0xa8, 0xd6, 0xb9, 0x07]))).toThrow(DecompressionLimitError); // varint 1,000,000,016
  });

  it('refuses a bomb of many records, each within the limit, once their total passes it', async () => {
    const topic = uniqueTopic('bomb-many');
    cluster.createTopic({ name: topic, partitions: 1 });
    const bomb = await gzipBomb(1000 * 1000, 40); // 40 records of 1 MB: 40 MB, past 32 MiB
    expect(bomb.length).toBeLessThan(100_000);
    expect(await produce(address(), topic, bomb)).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 });
    expect(await produce(address(), topic, await gzipBomb(1000 * 1000, 30))).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    expect(logEnd(cluster, topic)).toBe(30);
  });

  it('holds its RSS within +64 MB through 24 bombs of 32 MiB each, 4 at a time, without being asked to collect garbage', { timeout: 180_000 }, async () => {
    const topic = uniqueTopic('bomb-rss');
    cluster.createTopic({ name: topic, partitions: 1 });
    // 1,000 records of 1 MB: every one within any limit, so each bomb inflates the whole 32 MiB
    // before it is refused, and the pieces it inflated are garbage: 768 MiB of it in all (inflated
    // in the broker's own heap, 64 such bombs took its RSS to +129 MB: BENCHMARKS.md).
    const bomb = await gzipBomb(1000 * 1000, 1000);
    expect(await produce(address(), topic, bomb)).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 }); // the worker is up
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      let sent = 0;
      const answers: (number | undefined)[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (sent < 24) {
            sent++;
            answers.push((await produce(address(), topic, bomb))?.errorCode);
          }
        }),
      );
      expect(answers).toEqual(Array.from({ length: 24 }, () => ErrorCode.RECORD_LIST_TOO_LARGE));
    } finally {
      clearInterval(sampler);
    }
    expect((peak - baseline) / MiB).toBeLessThanOrEqual(64);
    expect(logEnd(cluster, topic)).toBe(0);
  });

  it('answers other connections while it inflates a bomb', async () => {
    // A limit of 128 MiB and 1,000 records of 1 MB keep the inflater busy long enough to be seen at work.
    const busy = new Cluster({ brokers: 1, maxDecompressedBatchBytes: 128 * MiB });
    await busy.start();
    try {
      const topic = uniqueTopic('bomb-while');
      busy.createTopic({ name: topic, partitions: 1 });
      const bomb = await gzipBomb(1000 * 1000, 1000);
      const order: string[] = [];
      const bombAnswered = produce(busy.bootstrapServers[0], topic, bomb).then((r) => (order.push('bomb'), r));
      await eventually(() => busy.records.inflating > 0, 'the broker to start inflating the bomb');
      const other = await RawConnection.open(busy.bootstrapServers[0]);
      try {
        expect(await other.call(18, 0, {})).not.toBeNull();
        order.push('api-versions');
      } finally {
        other.destroy();
      }
      expect((await bombAnswered)?.errorCode).toBe(ErrorCode.RECORD_LIST_TOO_LARGE);
      expect(order).toEqual(['api-versions', 'bomb']);
    } finally {
      await busy.stop();
    }
  });

  it('takes honest compressed batches of every codec, and kafkajs reads them back', async () => {
    for (const codec of COMPRESSED) {
      const topic = uniqueTopic(`honest-${codec}`);
      cluster.createTopic({ name: topic, partitions: 1 });
      const value = Buffer.from(`${codec} `.repeat(200_000)); // 1-1.2 MB, compresses well
      const batch = encodeBatch([{ key: Buffer.from('k'), value }, { key: null, value: Buffer.from('small') }], { compression: codec });
      expect(readBatchHeader(batch).compression).toBe(codec);
      expect(await produce(address(), topic, batch)).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0 });
      // kafkajs reads gzip itself; for the others it needs codecs it does not ship, so read through the cluster.
      const stored = cluster.readPartition(topic, 0);
      expect(stored.map((r) => r.value?.length)).toEqual([value.length, 5]);
      expect(stored[0].value!.equals(value)).toBe(true);
    }
  });

  it('refuses through kafkajs a gzip send of 40 MB (kafkajs sees RECORD_LIST_TOO_LARGE), and takes 20 MB', async () => {
    const topic = uniqueTopic('kafkajs-gzip');
    const kafka = kafkaFor(cluster);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
    await producer.connect();
    try {
      await producer.send({ topic, compression: CompressionTypes.GZIP, messages: [{ value: Buffer.alloc(20 * 1000 * 1000, 'a') }] });
      await expect(producer.send({ topic, compression: CompressionTypes.GZIP, messages: [{ value: Buffer.alloc(40 * 1000 * 1000, 'b') }] })).rejects.toMatchObject({
        type: 'RECORD_LIST_TOO_LARGE',
      });
    } finally {
      await producer.disconnect();
    }
    const read = await fetchMessages(kafka, topic, 0, { maxBytes: 50 * MiB });
    expect(read.map((m) => m.value?.length)).toEqual([20 * 1000 * 1000]);
  });

  it('refuses a batch larger than max.message.bytes before inflating it (MESSAGE_TOO_LARGE, as Kafka)', async () => {
    const topic = uniqueTopic('too-large');
    cluster.createTopic({ name: topic, partitions: 1, configs: { 'max.message.bytes': '1000' } });
    const incompressible = encodeBatch([{ key: null, value: randomBytes(5000) }], { compression: 'gzip' });
    expect(await produce(address(), topic, incompressible)).toEqual({ errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1 });
  });
});

describe('with a lower limit (maxDecompressedBatchBytes: 4 MiB)', () => {
  let cluster: ClusterHandle;
  beforeAll(async () => {
    cluster = await startCluster({ brokers: 1, maxDecompressedBatchBytes: 4 * MiB });
  });
  afterAll(() => cluster.stop());

  it.each(COMPRESSED)('takes a %s batch just within it and refuses one just past it', async (codec) => {
    const topic = uniqueTopic(`limit-${codec}`);
    cluster.createTopic({ name: topic, partitions: 1 });
    const address = cluster.bootstrapServers[0];
    expect(await produce(address, topic, zeros(codec, 4 * MiB - 100))).toEqual({ errorCode: ErrorCode.NONE, baseOffset: 0 });
    expect(await produce(address, topic, zeros(codec, 4 * MiB + 100))).toEqual({ errorCode: ErrorCode.RECORD_LIST_TOO_LARGE, baseOffset: -1 });
    expect(logEnd(cluster, topic)).toBe(1);
  });

  it('refuses an acks=0 bomb without answering, as any acks=0 produce, and keeps serving', async () => {
    const topic = uniqueTopic('limit-acks0');
    cluster.createTopic({ name: topic, partitions: 1 });
    const address = cluster.bootstrapServers[0];
    const connection = await RawConnection.open(address);
    try {
      connection.send(Buffer.alloc(0));
      const body = { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: zeros('zstd', 8 * MiB) }] }] };
      // acks=0 gets no answer; an ApiVersions after it is answered on the same connection.
      void connection.call(0, 3, body).catch(() => {});
      expect(await connection.call(18, 0, {})).not.toBeNull();
    } finally {
      connection.destroy();
    }
    expect(logEnd(cluster, topic)).toBe(0);
  });

  it('refuses a limit beyond 256 MiB when the cluster starts', async () => {
    await expect(startCluster({ maxDecompressedBatchBytes: 257 * MiB })).rejects.toThrow(/1 to 268435456 bytes/);
  });
});

describe('the inflater itself', () => {
  it.each(COMPRESSED)('%s: stops at the limit, async and sync, with DecompressionLimitError', async (codec) => {
    const payload = zeros(codec, 8 * MiB).subarray(61);
    await expect(decompress(codec, payload, 2 * MiB)).rejects.toBeInstanceOf(DecompressionLimitError);
    expect(() => decompressSync(codec, payload, 2 * MiB)).toThrow(DecompressionLimitError);
    expect((await decompress(codec, payload, 16 * MiB)).length).toBeGreaterThan(8 * MiB);
  });

  it('reads lz4 frames of linked blocks (blocks that refer back to the ones before)', async () => {
    const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i % 977}\n`).join(''));
    const frame = lz4LinkedFrame(text);
    expect((await decompress('lz4', frame, 16 * MiB)).equals(text)).toBe(true);
    expect(decompressSync('lz4', frame).equals(text)).toBe(true);
  });

  it('keeps what inflates at once within its budget, the rest waiting their turn', async () => {
    const validator = new RecordValidator(4 * MiB, 4 * MiB);
    try {
      const payloads = Array.from({ length: 6 }, () => zeros('gzip', 3 * MiB).subarray(61));
      const results = await Promise.all(payloads.map((payload) => validator.validate({ codec: 'gzip', payload, recordCount: 1 })));
      expect(results).toEqual(Array.from({ length: 6 }, () => ({ keyless: 0, untimely: [] })));
    } finally {
      await validator.stop();
    }
  });
});

/** An LZ4 frame of linked 64 KiB blocks (as python-lz4 writes by default): each block may refer to the 64 KiB before it. */
function lz4LinkedFrame(data: Buffer): Buffer {
  const BLOCK = 64 * 1024;
  // Magic; FLG: version 01, blocks linked, no checksums, no content size; BD: 64 KiB blocks; header checksum (not read here).
  const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x40, 0x40, 0x00])];
  for (let at = 0; at < data.length; at += BLOCK) {
    const dictionary = at === 0 ? undefined : data.subarray(Math.max(0, at - BLOCK), at);
    // lz4-napi's block compressor prefixes the uncompressed size, which a frame does not have.
    const block = lz4Compress(Buffer.from(data.subarray(at, at + BLOCK)), dictionary ? Buffer.from(dictionary) : undefined).subarray(4);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(block.length, 0);
    parts.push(size, block);
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}
