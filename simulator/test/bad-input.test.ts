// Bad input over real sockets: frames no client should send, corrupted record batches, and a seeded
// random sweep of garbage and mutated requests. Whatever arrives, a connection gets well-formed
// responses or is closed, the broker process never crashes, and real clients keep working after.

import { crc32c } from '@node-rs/crc32';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import type { Api } from '../apis/api.ts';
import { ALL_APIS, API_BY_KEY } from '../apis/index.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { inRange } from '../protocol/schema.ts';
import { Reader, Writer } from '../protocol/wire.ts';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { RawConnection, requestFrame } from '../net/raw-connection.ts';
import { prng, randomFrame, templates, type Prng } from '../testkit/fuzz.ts';
import { watchForCrashes } from './support/crash-watch.ts';

const cluster = useCluster({ brokers: 1, seed: 11 });
const address = () => cluster().bootstrapServers[0];

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');

const MiB = 1024 * 1024;
const API_VERSIONS = 18;

// ------------------------------------------------------------------ crash watch

const crashes = watchForCrashes();

// ------------------------------------------------------------------ helpers

let nextCorrelationId = 1;
const frame = (apiKey: number, version: number, body: Buffer = Buffer.alloc(0), flexible = false) =>
  requestFrame({ apiKey, version, correlationId: nextCorrelationId++, body, flexible });

const sized = (size: number, body: Buffer = Buffer.alloc(0)) => {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  return Buffer.concat([prefix, body]);
};

/** Sends `bytes` on a new connection; the first response, or null if the broker closed the connection. */
async function sendOnce(bytes: Buffer): Promise<Buffer | null> {
  const connection = await RawConnection.open(address());
  try {
    connection.send(bytes);
    return await connection.next();
  } finally {
    connection.destroy();
  }
}

/** ApiVersions v0 answered on a fresh connection: the broker is alive and serving. */
async function brokerAnswers(): Promise<boolean> {
  const response = await sendOnce(frame(API_VERSIONS, 0));
  return response !== null && response.readInt16BE(4) === ErrorCode.NONE;
}

/** An ApiVersions v0 body: error code and (key, min, max) entries, read by hand. */
function readApiVersionsV0(body: Buffer) {
  const r = new Reader(body);
  const correlationId = r.int32();
  const errorCode = r.int16();
  const apiKeys = Array.from({ length: r.int32() }, () => ({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() }));
  return { correlationId, errorCode, apiKeys, left: r.remaining };
}

/** A record batch as kafkajs's producer builds it: three records, no compression. */
async function kafkajsBatch(): Promise<Buffer> {
  const now = Date.now();
  const records = ['a', 'b', 'c'].map((value, i) => KafkajsRecord({ value: Buffer.from(value), offsetDelta: i, timestampDelta: 0 }));
  const encoded = await RecordBatch({ records, firstTimestamp: now, maxTimestamp: now, lastOffsetDelta: records.length - 1 });
  return Buffer.from(encoded.buffer as Buffer);
}

// Record batch v2 layout (Kafka's DefaultRecordBatch): where the fields a test corrupts live.
const BATCH_LENGTH_AT = 8;
const MAGIC_AT = 16;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const LAST_OFFSET_DELTA_AT = 23;
const RECORD_COUNT_AT = 57;

const withCrcFixed = (batch: Buffer) => {
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_AT)), CRC_AT);
  return batch;
};

/** A Produce v3 body (transactional id null, acks -1) carrying `records` for one partition. */
function produceBody(topic: string, partition: number, records: Buffer): Buffer {
  const w = new Writer();
  w.int16(-1).int16(-1).int32(5000);
  w.int32(1).sized(Buffer.from(topic), false, 16);
  w.int32(1).int32(partition).sized(records, false, 32);
  return w.toBuffer();
}

/** The error code and base offset of the one partition in a Produce v3 response, read by hand. */
function readProduceV3(body: Buffer) {
  const r = new Reader(body);
  r.int32(); // correlation id
  expect(r.int32()).toBe(1);
  r.sized(false, 16);
  expect(r.int32()).toBe(1);
  const result = { partition: r.int32(), errorCode: r.int16(), baseOffset: r.int64() };
  r.int64(); // log append time
  r.int32(); // throttle time
  expect(r.remaining).toBe(0);
  return result;
}

// ------------------------------------------------------------------ frames that close the connection

describe('a frame the broker cannot read', () => {
  it.each([
    ['has a negative size', () => sized(-5, Buffer.from('junk'))],
    ['announces more than 100 MiB (only the size is sent)', () => sized(100 * MiB + 1)],
    ['is empty', () => sized(0)],
    ['is shorter than a request header', () => sized(5, Buffer.from([0, 18, 0, 0, 0]))],
    ['names an unknown API key', () => frame(999, 0)],
    ['asks for a Metadata version this broker does not serve', () => frame(3, 99)],
    ['asks for a negative Produce version', () => frame(0, -1)],
    ['carries a client id longer than the frame', () => Buffer.concat([sized(12), Buffer.from([0, 18, 0, 0, 0, 0, 0, 9, 0x7f, 0xff, 0, 0])])],
    ['holds a Metadata v1 body whose topic count runs past the frame', () => frame(3, 1, Buffer.from('7fffffff0004', 'hex'))],
    ['holds a Metadata v1 body with a null topic name', () => frame(3, 1, Buffer.from('00000001ffff', 'hex'))],
    ['holds a Produce body cut off after the acks', () => frame(0, 3, Buffer.from('ffffffff', 'hex'))],
    ['holds a Fetch v4 body of random bytes', () => frame(1, 4, Buffer.from('00112233445566778899aabbccddeeff', 'hex'))],
    ['holds an ApiVersions v3 body whose compact string length runs past the frame', () => frame(API_VERSIONS, 3, Buffer.from('7f61', 'hex'), true)],
  ])('closes the connection when it %s, and the broker keeps serving', async (_what, bytes) => {
    expect(await sendOnce(bytes())).toBeNull();
    expect(await brokerAnswers()).toBe(true);
  });

  it('records why it closed the connection', async () => {
    const rejected = cluster().events.waitFor('request-rejected', (e) => /unknown API key 999/.test(e.reason));
    expect(await sendOnce(frame(999, 0))).toBeNull();
    await rejected;
  });

  it('forgets a frame cut off by the client closing its connection', async () => {
    const connection = await RawConnection.open(address());
    const whole = frame(3, 1, Buffer.from('00000001000466757a7a', 'hex'));
    connection.send(whole.subarray(0, whole.length - 3));
    connection.destroy();
    await eventually(() => cluster().describe().clients.length === 0, 'the broker to drop the connection');
    expect(await brokerAnswers()).toBe(true);
  });
});

describe('ApiVersions in a version the broker does not serve', () => {
  it('is answered with a v0 body holding UNSUPPORTED_VERSION and the versions the broker serves', async () => {
    const connection = await RawConnection.open(address());
    try {
      const unsupported = await connection.request({ apiKey: API_VERSIONS, version: 99, correlationId: 4242, body: Buffer.from('garbage') });
      const supported = await connection.request({ apiKey: API_VERSIONS, version: 0, correlationId: 4243, body: Buffer.alloc(0) });
      const answer = readApiVersionsV0(unsupported!);
      expect(answer).toMatchObject({ correlationId: 4242, errorCode: ErrorCode.UNSUPPORTED_VERSION, left: 0 });
      expect(answer.apiKeys).toEqual(readApiVersionsV0(supported!).apiKeys);
      for (const api of ALL_APIS) expect(answer.apiKeys).toContainEqual(expect.objectContaining({ apiKey: api.key, maxVersion: api.versions.max }));
    } finally {
      connection.destroy();
    }
  });
});

// ------------------------------------------------------------------ corrupted record batches

describe('a Produce request with a corrupted record batch', () => {
  const topic = 'corrupt-batches';
  let valid: Buffer;
  beforeAll(async () => {
    cluster().createTopic({ name: topic, partitions: 1 });
    valid = await kafkajsBatch();
  });

  const produce = async (records: Buffer, partition = 0) => {
    const response = await sendOnce(frame(0, 3, produceBody(topic, partition, records)));
    expect(response, 'a Produce response, not a closed connection').not.toBeNull();
    return readProduceV3(response!);
  };

  const corrupted: [string, (b: Buffer) => Buffer, number][] = [
    ['a byte flipped in a record (CRC mismatch)', (b) => (b[b.length - 2] ^= 0xff, b), ErrorCode.CORRUPT_MESSAGE],
    ['a CRC that does not match', (b) => (b.writeUInt32BE((b.readUInt32BE(CRC_AT) ^ 1) >>> 0, CRC_AT), b), ErrorCode.CORRUPT_MESSAGE],
    ['message format v1 (magic 1)', (b) => (b.writeInt8(1, MAGIC_AT), b), ErrorCode.INVALID_RECORD],
    ['a batch length longer than the bytes sent', (b) => (b.writeInt32BE(b.readInt32BE(BATCH_LENGTH_AT) + 100, BATCH_LENGTH_AT), b), ErrorCode.INVALID_RECORD],
    ['a batch length shorter than any record', (b) => (b.writeInt32BE(10, BATCH_LENGTH_AT), b), ErrorCode.CORRUPT_MESSAGE],
    ['a record count above the last offset delta (CRC fixed)', (b) => (b.writeInt32BE(5, RECORD_COUNT_AT), withCrcFixed(b)), ErrorCode.INVALID_RECORD],
    [
      'a record count and last offset delta claiming records it lacks (CRC fixed)',
      (b) => (b.writeInt32BE(5, RECORD_COUNT_AT), b.writeInt32BE(4, LAST_OFFSET_DELTA_AT), withCrcFixed(b)),
      ErrorCode.INVALID_RECORD,
    ],
    [
      'a record count and last offset delta claiming fewer records than it holds (CRC fixed)',
      (b) => (b.writeInt32BE(1, RECORD_COUNT_AT), b.writeInt32BE(0, LAST_OFFSET_DELTA_AT), withCrcFixed(b)),
      ErrorCode.INVALID_RECORD,
    ],
    ['two batches in one record set', (b) => Buffer.concat([b, b]), ErrorCode.INVALID_RECORD],
    ['no batch at all', () => Buffer.alloc(0), ErrorCode.INVALID_RECORD],
  ];

  it.each(corrupted)('with %s is refused with the error Kafka gives, and nothing is appended', async (_what, corrupt, errorCode) => {
    const result = await produce(corrupt(Buffer.from(valid)));
    expect(result).toEqual({ partition: 0, errorCode, baseOffset: -1 });
    expect(cluster().describe().topics.find((t) => t.name === topic)!.partitions[0].logEndOffset).toBe(0);
  });

  it('to a partition the topic does not have is refused with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect(await produce(Buffer.from(valid), 7)).toEqual({ partition: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1 });
  });

  it('is followed by a valid batch that lands at offset 0', async () => {
    expect(await produce(Buffer.from(valid))).toEqual({ partition: 0, errorCode: ErrorCode.NONE, baseOffset: 0 });
  });
});

// ------------------------------------------------------------------ the seeded random sweep

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONNECTIONS = 2500;
const PARALLEL = 12;
const STALL_MS = 3000;
/** APIs that may legitimately hold a response back (long polls): a mutated one may stall its connection. */
const LONG_POLLS = new Set([1, 11, 14]);

/** How the broker cuts a byte stream into frames: complete frames, then what is left at the end. */
function cutFrames(stream: Buffer) {
  const frames: Buffer[] = [];
  let at = 0;
  while (stream.length - at >= 4) {
    const size = stream.readInt32BE(at);
    if (size < 0 || size > 100 * MiB) return { frames, end: 'bad size' as const, deficit: 0 };
    if (stream.length - at - 4 < size) return { frames, end: 'waiting' as const, deficit: size - (stream.length - at - 4) };
    frames.push(stream.subarray(at + 4, at + 4 + size));
    at += 4 + size;
  }
  return at === stream.length ? { frames, end: 'clean' as const, deficit: 0 } : { frames, end: 'waiting' as const, deficit: 4 - (stream.length - at) };
}

/** Checks a response frame answers `request` and decodes, to its last byte, as that API's response. */
function checkResponse(response: Buffer, request: Buffer): void {
  const apiKey = request.readInt16BE(0);
  const version = request.readInt16BE(2);
  const api = API_BY_KEY.get(apiKey) as Api;
  expect(api, `a response to unknown API key ${apiKey}`).toBeDefined();
  const served = inRange(api.versions, version);
  expect(served || apiKey === API_VERSIONS, `a response to ${api.name} v${version}`).toBe(true);
  const bodyVersion = served ? version : 0;
  const flexible = served && inRange(api.flexible, version);
  const r = new Reader(response);
  expect(r.int32()).toBe(request.readInt32BE(4));
  if (flexible && apiKey !== API_VERSIONS) expect(r.unsignedVarint()).toBe(0);
  api.response.read(r, { version: bodyVersion, flexible });
  expect(r.remaining, `${api.name} v${version} response fully read`).toBe(0);
}

type Outcome = 'answered' | 'closed' | 'long poll' | 'waiting for bytes';

/**
 * One fuzz connection: mutated frames, then a valid ApiVersions whose answer shows every frame
 * before it was dealt with. Where a lying size leaves the broker waiting for bytes, it gets them
 * (zeros) before that last request, so that nothing is left to chance or to a timer.
 */
async function fuzzConnection(rng: Prng, pool: Buffer[]): Promise<{ outcome: Outcome; frames: number; responses: number }> {
  const connection = await RawConnection.open(address());
  try {
    const fuzzed = Array.from({ length: rng.int(1, 6) }, () => randomFrame(rng, pool));
    let responses = 0;
    const finals: Buffer[] = [];
    let stream = Buffer.concat(fuzzed);
    let cut = cutFrames(stream);
    for (;;) {
      if (cut.end === 'bad size') break;
      if (cut.end === 'waiting' && cut.deficit > 8 * MiB) {
        // A lying size has the broker rightly waiting for megabytes; it must still serve others.
        connection.send(stream);
        expect(await brokerAnswers()).toBe(true);
        return { outcome: 'waiting for bytes', frames: fuzzed.length, responses };
      }
      if (cut.end === 'waiting') stream = Buffer.concat([stream, Buffer.alloc(cut.deficit)]);
      else if (finals.some((f) => f.equals(cut.frames.at(-1) ?? Buffer.alloc(0)))) break;
      else {
        const last = frame(API_VERSIONS, 0);
        finals.push(last.subarray(4));
        stream = Buffer.concat([stream, last]);
      }
      cut = cutFrames(stream);
    }
    for (let at = 0; at < stream.length; ) {
      const end = Math.min(stream.length, at + rng.int(1, 256));
      connection.send(stream.subarray(at, end));
      at = end;
    }

    let answered = 0; // responses come in request order: each answers a later frame than the one before
    for (;;) {
      let response: Buffer | null;
      try {
        response = await connection.next(STALL_MS);
      } catch (stalled) {
        const pending = cut.frames.slice(answered);
        const longPoll = pending.some((f) => f.length >= 2 && LONG_POLLS.has(f.readInt16BE(0)));
        if (longPoll && (await brokerAnswers())) return { outcome: 'long poll', frames: fuzzed.length, responses };
        throw new Error(`${(stalled as Error).message}; frames sent: ${cut.frames.map((f) => f.toString('hex')).join(' ')}`);
      }
      if (response === null) return { outcome: 'closed', frames: fuzzed.length, responses };
      const correlationId = response.readInt32BE(0);
      const index = cut.frames.findIndex((f, i) => i >= answered && f.length >= 8 && f.readInt32BE(4) === correlationId);
      expect(index, `response with correlation id ${correlationId} matches a request sent`).toBeGreaterThanOrEqual(0);
      checkResponse(response, cut.frames[index]);
      answered = index + 1;
      responses++;
      if (answered === cut.frames.length && cut.end === 'clean') return { outcome: 'answered', frames: fuzzed.length, responses };
    }
  } finally {
    connection.destroy();
  }
}

describe('a seeded random sweep of garbage and mutated requests', () => {
  it(`leaves every connection answered or closed and the broker serving real clients (seed ${SEED})`, { timeout: 60_000 }, async () => {
    console.log(`bad-input fuzz seed ${SEED} (rerun with FUZZ_SEED=${SEED})`);
    const topic = 'fuzz';
    cluster().createTopic({ name: topic, partitions: 2 });
    const batch = await kafkajsBatch();
    const pool = templates(topic, batch);
    const rng = prng(SEED);
    const tally: Record<Outcome, number> = { answered: 0, closed: 0, 'long poll': 0, 'waiting for bytes': 0 };
    let frames = 0;
    let responses = 0;

    // Connections run a few at a time; each draws from the one seeded generator in a fixed order.
    let started = 0;
    const worker = async () => {
      while (started < CONNECTIONS) {
        const n = started++;
        const fork = prng(rng.int(0, 2 ** 31 - 1));
        try {
          const result = await fuzzConnection(fork, pool);
          tally[result.outcome]++;
          frames += result.frames;
          responses += result.responses;
        } catch (error) {
          throw new Error(`connection #${n} (seed ${SEED}): ${(error as Error).message}`, { cause: error });
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    console.log(`bad-input fuzz: ${frames} frames over ${CONNECTIONS} connections, ${responses} responses`, tally);
    expect(frames).toBeGreaterThan(5000);
    expect(responses).toBeGreaterThan(1200);
    expect(tally.answered).toBeGreaterThan(250);
    expect(tally.closed).toBeGreaterThan(250);
    expect(crashes).toEqual([]);
    await eventually(() => cluster().describe().clients.length === 0, 'every fuzz connection to be gone from the broker');

    // A real client still produces and reads back.
    const kafka = kafkaFor(cluster());
    const after = uniqueTopic('after-fuzz');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: after, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `still here ${i}` })) });
    await producer.disconnect();
    const read = await fetchMessages(kafka, after, 0, { count: 10 });
    expect(read.map((m) => m.value?.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `still here ${i}`));
  });
});
