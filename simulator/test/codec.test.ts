// The codec, two ways: unit tests of the wire primitives and the schema mechanism against bytes
// worked out by hand from Kafka's protocol guide, and an oracle sweep in which kafkajs's own
// request encoders and response decoders check every API and version we serve that kafkajs speaks.

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Api } from '../apis/api.ts';
import { ALL_APIS } from '../apis/index.ts';
import { readBatchHeader, readRecords, stampBatch } from '../protocol/records.ts';
import {
  array,
  bytes,
  inRange,
  int32,
  nullableArray,
  nullableBytes,
  nullableString,
  records,
  since,
  string,
  struct,
  tagged,
  type Ctx,
  type Field,
  type Type,
} from '../protocol/schema.ts';
import { MalformedFrameError, Reader, Writer } from '../protocol/wire.ts';

const CLASSIC: Ctx = { version: 0, flexible: false };
const COMPACT: Ctx = { version: 0, flexible: true };

const bytesOf = (hex: string) => Buffer.from(hex.replaceAll(' ', ''), 'hex');
const readerOf = (hex: string) => new Reader(bytesOf(hex));
const hexOf = (write: (w: Writer) => void) => {
  const w = new Writer(4);
  write(w);
  return w.toBuffer().toString('hex');
};
const encode = <E>(type: Type<unknown, E>, value: E, c: Ctx) => hexOf((w) => type.write(w, value, c));
/** Decodes and insists the type consumed every byte. */
function decode<D>(type: Type<D, any>, hex: string, c: Ctx): D {
  const r = readerOf(hex);
  const value = type.read(r, c);
  expect(r.remaining, 'bytes left after decoding').toBe(0);
  return value;
}

// ------------------------------------------------------------------ wire primitives

describe('zig-zag varints', () => {
  it.each([
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [-65, '8101'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
  ])('encode %d as %s and decode it back', (value, hex) => {
    expect(hexOf((w) => w.varint(value))).toBe(hex);
    expect(readerOf(hex).varint()).toBe(value);
  });

  it.each([
    [0, '00'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 31, '8080808008'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ])('encode the unsigned varint %d as %s and decode it back', (value, hex) => {
    expect(hexOf((w) => w.unsignedVarint(value))).toBe(hex);
    expect(readerOf(hex).unsignedVarint()).toBe(value);
  });

  it('refuses a varint longer than five bytes', () => {
    expect(() => readerOf('808080808000').unsignedVarint()).toThrow(MalformedFrameError);
  });

  it('refuses a varint cut off by the end of the frame', () => {
    expect(() => readerOf('8080').varint()).toThrow(MalformedFrameError);
  });
});

describe('zig-zag varlongs', () => {
  it.each([
    [0, '00'],
    [-1, '01'],
    [2 ** 31 - 1, 'feffffff0f'],
    [-(2 ** 31), 'ffffffff0f'],
    [2 ** 32, '8080808020'],
    [1_700_000_000_000, '80a0abfef962'],
    [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f'],
    [-Number.MAX_SAFE_INTEGER, 'fdffffffffffff1f'],
  ])('encode %d as %s and decode it back', (value, hex) => {
    expect(hexOf((w) => w.varlong(value))).toBe(hex);
    expect(readerOf(hex).varlong()).toBe(value);
  });

  it('decodes the ten-byte encoding of the smallest int64', () => {
    expect(readerOf('ffffffffffffffffff01').varlong()).toBe(-(2 ** 63));
  });

  it('refuses a varlong longer than ten bytes', () => {
    expect(() => readerOf('8080808080808080808000').varlong()).toThrow(MalformedFrameError);
  });
});

describe('fixed-width integers', () => {
  it('reads int64 and int32 extremes big-endian', () => {
    const r = readerOf('ffffffffffffffff 7fffffff 80000000');
    expect([r.int64(), r.int32(), r.int32()]).toEqual([-1, 2 ** 31 - 1, -(2 ** 31)]);
  });

  it('refuses to read past the end of the frame', () => {
    expect(() => readerOf('000000').int32()).toThrow(MalformedFrameError);
  });
});

// ------------------------------------------------------------------ strings, bytes, arrays

describe('strings and bytes', () => {
  it.each([
    ['a classic string', string, 'kafka', CLASSIC, '00056b61666b61'],
    ['a compact string', string, 'kafka', COMPACT, '066b61666b61'],
    ['an empty classic string', string, '', CLASSIC, '0000'],
    ['an empty compact string', string, '', COMPACT, '01'],
    ['a multi-byte string by its UTF-8 length', string, 'hé', CLASSIC, '000368c3a9'],
    ['a classic null string', nullableString, null, CLASSIC, 'ffff'],
    ['a compact null string', nullableString, null, COMPACT, '00'],
    ['classic bytes', bytes, Buffer.from([1, 2, 3]), CLASSIC, '00000003010203'],
    ['compact bytes', bytes, Buffer.from([1, 2, 3]), COMPACT, '04010203'],
    ['classic null bytes', nullableBytes, null, CLASSIC, 'ffffffff'],
    ['compact null bytes', nullableBytes, null, COMPACT, '00'],
  ] as const)('encodes and decodes %s', (_what, type, value, c, hex) => {
    expect(encode(type as Type<unknown, unknown>, value, c)).toBe(hex);
    expect(decode(type as Type<unknown, unknown>, hex, c)).toEqual(value);
  });

  it.each([
    ['classic', 'ffff', CLASSIC],
    ['compact', '00', COMPACT],
  ])('refuses a %s null where the string is not nullable', (_form, hex, c) => {
    expect(() => string.read(readerOf(hex), c)).toThrow(MalformedFrameError);
  });

  it('refuses a null where bytes are not nullable', () => {
    expect(() => bytes.read(readerOf('ffffffff'), CLASSIC)).toThrow(MalformedFrameError);
  });

  it('refuses a length below -1', () => {
    expect(() => nullableString.read(readerOf('fffe'), CLASSIC)).toThrow(MalformedFrameError);
    expect(() => nullableBytes.read(readerOf('80000000'), CLASSIC)).toThrow(MalformedFrameError);
  });

  it('refuses a length longer than what is left of the frame', () => {
    expect(() => string.read(readerOf('00056b61'), CLASSIC)).toThrow(MalformedFrameError);
    expect(() => string.read(readerOf('7f6b61'), COMPACT)).toThrow(MalformedFrameError);
  });
});

describe('arrays', () => {
  const ints = array(int32);
  const maybeInts = nullableArray(int32);

  it.each([
    ['a classic array', ints, [1, 2], CLASSIC, '00000002 00000001 00000002'],
    ['a compact array', ints, [1, 2], COMPACT, '03 00000001 00000002'],
    ['an empty classic array', ints, [], CLASSIC, '00000000'],
    ['an empty compact array', ints, [], COMPACT, '01'],
    ['a classic null array', maybeInts, null, CLASSIC, 'ffffffff'],
    ['a compact null array', maybeInts, null, COMPACT, '00'],
  ] as const)('encodes and decodes %s', (_what, type, value, c, hex) => {
    expect(encode(type as Type<unknown, unknown>, value, c)).toBe(hex.replaceAll(' ', ''));
    expect(decode(type as Type<unknown, unknown>, hex, c)).toEqual(value);
  });

  it('refuses an element count larger than the bytes left, before allocating anything', () => {
    expect(() => ints.read(readerOf('7fffffff 00000001'), CLASSIC)).toThrow(/array of 2147483647/);
    expect(() => ints.read(readerOf('ffffffff07'), COMPACT)).toThrow(MalformedFrameError);
  });

  it('refuses a negative count other than the null marker', () => {
    expect(() => maybeInts.read(readerOf('fffffffe'), CLASSIC)).toThrow(MalformedFrameError);
  });
});

describe('record sets', () => {
  const a = Buffer.from('aaaa', 'hex');
  const b = Buffer.from('bbbbbb', 'hex');

  it('write a list of stored batches back to back under one length', () => {
    expect(encode(records, [a, b], CLASSIC)).toBe('00000005aaaabbbbbb');
    expect(encode(records, [a, b], COMPACT)).toBe('06aaaabbbbbb');
  });

  it('write and read a null record set', () => {
    expect(encode(records, null, CLASSIC)).toBe('ffffffff');
    expect(decode(records, '00', COMPACT)).toBeNull();
  });
});

// ------------------------------------------------------------------ structs

describe('version-ranged fields', () => {
  const message = struct({
    id: int32,
    since2: since('2+', int32, -1),
    only1to2: since('1-2', string),
  });
  const value = { id: 7, since2: 9, only1to2: 'x' };

  it.each([
    [0, '00000007', { id: 7, since2: -1, only1to2: '' }],
    [1, '00000007 000178', { id: 7, since2: -1, only1to2: 'x' }],
    [2, '00000007 00000009 000178', value],
    [3, '00000007 00000009', { id: 7, since2: 9, only1to2: '' }],
  ])('at v%d write only the fields that exist and read the rest as their defaults', (version, hex, decoded) => {
    const c = { version, flexible: false };
    expect(encode(message, value, c)).toBe(hex.replaceAll(' ', ''));
    expect(decode(message, hex, c)).toEqual(decoded);
  });

  it('writes the default of a field left out of the value', () => {
    expect(encode(message, { id: 1 }, { version: 2, flexible: false })).toBe('00000001ffffffff0000');
  });
});

describe('tagged fields', () => {
  const message = struct({
    name: string,
    hint: tagged(0, '1+', int32, -1),
    note: tagged(3, '0+', nullableString),
  });
  const v1: Ctx = { version: 1, flexible: true };

  it('are left out when they hold their default, leaving an empty tag section', () => {
    expect(encode(message, { name: 'a', hint: -1, note: null }, v1)).toBe('026100');
  });

  it('are written, in tag order, with their size, when they differ from the default', () => {
    expect(encode(message, { name: 'a', hint: 5, note: 'kafka' }, v1)).toBe('0261 02 00 04 00000005 03 06 066b61666b61'.replaceAll(' ', ''));
    expect(decode(message, '0261 02 00 04 00000005 03 06 066b61666b61', v1)).toEqual({ name: 'a', hint: 5, note: 'kafka' });
  });

  it('are not written at all in a version that is not flexible', () => {
    expect(encode(message, { name: 'a', hint: 5, note: 'kafka' }, { version: 1, flexible: false })).toBe('000161');
  });

  it('skip unknown tags when reading, by their size', () => {
    expect(decode(message, '0261 02 07 03 aabbcc 00 04 0000002a', v1)).toEqual({ name: 'a', hint: 42, note: null });
  });

  it('skip a known tag in a version the field does not exist in', () => {
    expect(decode(message, '0261 01 00 04 0000002a', { version: 0, flexible: true })).toEqual({ name: 'a', hint: -1, note: null });
  });

  it('refuse a tag whose size runs past the frame', () => {
    expect(() => message.read(readerOf('0261 01 07 09 aabb'), v1)).toThrow(MalformedFrameError);
  });
});

// ------------------------------------------------------------------ kafkajs as the oracle

const require = createRequire(import.meta.url);

interface KafkajsProtocol {
  request: { encode(): Promise<{ buffer: Buffer }> };
  response: { decode(data: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}
interface KafkajsDefinitions {
  versions: string[];
  protocol(o: { version: number }): (args?: object) => KafkajsProtocol;
}

const kafkajsApiKeys: Record<string, number> = require('kafkajs/src/protocol/requests/apiKeys.js');
const kafkajsRequests: Record<string, KafkajsDefinitions> = require('kafkajs/src/protocol/requests/index.js').requests;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');

function kafkajsDefinitionsFor(apiKey: number): KafkajsDefinitions | undefined {
  const name = Object.keys(kafkajsApiKeys).find((n) => kafkajsApiKeys[n] === apiKey);
  const definitions = name === undefined ? undefined : kafkajsRequests[name];
  return definitions && definitions.versions.length > 0 ? definitions : undefined;
}

interface OracleCase {
  /** What kafkajs's request builder for this API takes. */
  requestArgs: object;
  /** Our decoded request (through `requestView` when given) for that request at version v. */
  expectedRequest(v: number): unknown;
  requestView?(decoded: any): unknown;
  /** A response value for our schema, with distinctive non-default values. */
  response(): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** What kafkajs's decoder should make of it at version v (through `responseView` when given). */
  expectedResponse(v: number): unknown;
  responseView?(decoded: any): unknown;
}

/** kafkajs renamed throttleTime to clientSideThrottleTime from the versions that throttle after responding (KIP-219). */
const throttle = (v: number, ms: number, kip219From: number) =>
  v >= kip219From ? { throttleTime: 0, clientSideThrottleTime: ms } : { throttleTime: ms };

const T0 = 1_700_000_000_000;
const produced = [
  { key: Buffer.from('k1'), value: Buffer.from('first'), headers: { trace: Buffer.from('abc') }, timestamp: T0 },
  { key: null, value: Buffer.from('second'), timestamp: T0 + 5 },
];

/** A batch as our log stores it: encoded by kafkajs, then given offsets by the broker. */
async function storedBatch(baseOffset: number): Promise<Buffer> {
  const encoded = await RecordBatch({
    records: produced.map((m, i) => KafkajsRecord({ ...m, offsetDelta: i, timestampDelta: m.timestamp - T0 })),
    firstTimestamp: T0,
    maxTimestamp: T0 + 5,
    lastOffsetDelta: produced.length - 1,
  });
  const batch = Buffer.from(encoded.buffer as Buffer);
  stampBatch(batch, baseOffset, 3);
  return batch;
}

/** The records of a record set, batch by batch (each batch is its offset and length fields, then that many bytes). */
function recordsView(set: Buffer) {
  const view = [];
  for (let at = 0; at < set.length; ) {
    const batch = set.subarray(at, at + 12 + set.readInt32BE(at + 8));
    const header = readBatchHeader(batch);
    for (const r of readRecords(batch, header)) view.push({ producerId: header.producerId, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
    at += batch.length;
  }
  return view;
}

// An ACL binding (topic 'orders', User:alice may READ from any host) and Kafka's pattern type codes.
const ACL = { resourceType: 2, resourceName: 'orders', principal: 'User:alice', host: '*', operation: 3, permissionType: 3 };
const LITERAL = 3;
const PREFIXED = 4;

const withLength = (data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeInt32BE(data.length, 0);
  return Buffer.concat([length, data]);
};

const ORACLE: Record<number, OracleCase> = {
  // Produce
  0: {
    requestArgs: {
      acks: -1,
      timeout: 1500,
      transactionalId: 'checkout',
      producerId: 7,
      producerEpoch: 2,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, firstSequence: 0, messages: produced }] }],
    },
    requestView: (req) => ({
      ...req,
      topicData: req.topicData.map((t: any) => ({ ...t, partitionData: t.partitionData.map((p: any) => ({ ...p, records: recordsView(p.records) })) })),
    }),
    expectedRequest: () => ({
      transactionalId: 'checkout',
      acks: -1,
      timeoutMs: 1500,
      topicData: [
        {
          name: 'orders',
          partitionData: [
            {
              index: 2,
              records: [
                { producerId: 7, offset: 0, timestamp: T0, key: Buffer.from('k1'), value: Buffer.from('first'), headers: [{ key: 'trace', value: Buffer.from('abc') }] },
                { producerId: 7, offset: 1, timestamp: T0 + 5, key: null, value: Buffer.from('second'), headers: [] },
              ],
            },
          ],
        },
      ],
    }),
    response: () => ({
      responses: [{ name: 'orders', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 4096, logAppendTimeMs: T0 + 123, logStartOffset: 17 }] }],
      throttleTimeMs: 30,
    }),
    expectedResponse: (v) => ({
      topics: [
        {
          topicName: 'orders',
          partitions: [{ partition: 2, errorCode: 0, baseOffset: '4096', logAppendTime: String(T0 + 123), ...(v >= 5 ? { logStartOffset: '17' } : {}) }],
        },
      ],
      ...throttle(v, 30, 6),
    }),
  },

  // Fetch
  1: {
    requestArgs: {
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 52_428_800,
      isolationLevel: 1,
      sessionId: 12,
      sessionEpoch: 3,
      forgottenTopics: [{ topic: 'old', partitions: [4, 5] }],
      rackId: 'rack-a',
      topics: [{ topic: 'orders', partitions: [{ partition: 2, currentLeaderEpoch: 6, fetchOffset: '42', logStartOffset: '3', maxBytes: 1_048_576 }] }],
    },
    expectedRequest: (v) => ({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 52_428_800,
      isolationLevel: 1,
      sessionId: v >= 7 ? 12 : 0,
      sessionEpoch: v >= 7 ? 3 : -1,
      topics: [
        {
          topic: 'orders',
          partitions: [{ partition: 2, currentLeaderEpoch: v >= 9 ? 6 : -1, fetchOffset: 42, logStartOffset: v >= 5 ? 3 : -1, partitionMaxBytes: 1_048_576 }],
        },
      ],
      forgottenTopicsData: v >= 7 ? [{ topic: 'old', partitions: [4, 5] }] : [],
      rackId: v >= 11 ? 'rack-a' : '',
    }),
    response: fetchResponse,
    responseView: (res) => ({
      ...res,
      responses: res.responses.map((t: any) => ({
        ...t,
        partitions: t.partitions.map((p: any) => ({
          ...p,
          messages: p.messages.map((m: any) => ({ offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: m.headers })),
        })),
      })),
    }),
    expectedResponse: (v) => ({
      ...throttle(v, 40, 8),
      ...(v >= 7 ? { errorCode: 0, sessionId: 77 } : {}),
      responses: [
        {
          topicName: 'orders',
          partitions: [
            {
              partition: 2,
              errorCode: 0,
              highWatermark: '12',
              lastStableOffset: '11',
              ...(v >= 5 ? { lastStartOffset: '3' } : {}),
              abortedTransactions: [{ producerId: '9', firstOffset: '4' }],
              ...(v >= 11 ? { preferredReadReplica: 2 } : {}),
              messages: [
                { offset: '10', timestamp: String(T0), key: Buffer.from('k1'), value: Buffer.from('first'), headers: { trace: Buffer.from('abc') } },
                { offset: '11', timestamp: String(T0 + 5), key: null, value: Buffer.from('second'), headers: {} },
              ],
            },
          ],
        },
      ],
    }),
  },

  // ListOffsets
  2: {
    requestArgs: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [{ topic: 'orders', partitions: [{ partition: 2, timestamp: T0 }, { partition: 0, timestamp: -2 }] }],
    },
    expectedRequest: (v) => ({
      replicaId: -1,
      isolationLevel: v >= 2 ? 1 : 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, timestamp: T0 }, { partitionIndex: 0, timestamp: -2 }] }],
    }),
    response: () => ({
      throttleTimeMs: 50,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, errorCode: 0, timestamp: T0 + 1, offset: 42 }] }],
    }),
    expectedResponse: (v) => ({
      ...(v >= 2 ? throttle(v, 50, 3) : {}),
      responses: [{ topic: 'orders', partitions: [{ partition: 2, errorCode: 0, timestamp: String(T0 + 1), offset: '42' }] }],
    }),
  },

  // Metadata
  3: {
    requestArgs: { topics: ['orders', 'payments'], allowAutoTopicCreation: false },
    expectedRequest: (v) => ({ topics: [{ name: 'orders' }, { name: 'payments' }], allowAutoTopicCreation: v < 4 }),
    response: () => ({
      throttleTimeMs: 60,
      brokers: [
        { nodeId: 1, host: '127.0.0.1', port: 9092, rack: 'rack-a' },
        { nodeId: 2, host: 'localhost', port: 9093, rack: null },
      ],
      clusterId: 'lab-cluster',
      controllerId: 2,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: true,
          partitions: [{ errorCode: 0, partitionIndex: 2, leaderId: 1, leaderEpoch: 5, replicaNodes: [1, 2], isrNodes: [2], offlineReplicas: [1] }],
        },
      ],
    }),
    expectedResponse: (v) => ({
      ...(v >= 3 ? throttle(v, 60, 6) : {}),
      brokers: [
        { nodeId: 1, host: '127.0.0.1', port: 9092, ...(v >= 1 ? { rack: 'rack-a' } : {}) },
        { nodeId: 2, host: 'localhost', port: 9093, ...(v >= 1 ? { rack: null } : {}) },
      ],
      ...(v >= 2 ? { clusterId: 'lab-cluster' } : {}),
      ...(v >= 1 ? { controllerId: 2 } : {}),
      topicMetadata: [
        {
          topicErrorCode: 0,
          topic: 'orders',
          ...(v >= 1 ? { isInternal: true } : {}),
          partitionMetadata: [
            { partitionErrorCode: 0, partitionId: 2, leader: 1, replicas: [1, 2], isr: [2], ...(v >= 5 ? { offlineReplicas: [1] } : {}) },
          ],
        },
      ],
    }),
  },

  // OffsetCommit
  8: {
    requestArgs: {
      groupId: 'orders-app',
      groupGenerationId: 3,
      memberId: 'member-1',
      retentionTime: 86_400_000,
      topics: [{ topic: 'orders', partitions: [{ partition: 2, offset: '42', metadata: 'note' }] }],
    },
    expectedRequest: (v) => ({
      groupId: 'orders-app',
      generationIdOrMemberEpoch: 3,
      memberId: 'member-1',
      groupInstanceId: null,
      retentionTimeMs: v <= 4 ? 86_400_000 : -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'note' }] }],
    }),
    response: () => ({ throttleTimeMs: 80, topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, errorCode: 0 }] }] }),
    expectedResponse: (v) => ({
      ...(v >= 3 ? throttle(v, 80, 4) : {}),
      responses: [{ topic: 'orders', partitions: [{ partition: 2, errorCode: 0 }] }],
    }),
  },

  // OffsetFetch
  9: {
    requestArgs: { groupId: 'orders-app', topics: [{ topic: 'orders', partitions: [{ partition: 2 }, { partition: 0 }] }] },
    expectedRequest: () => ({ groupId: 'orders-app', topics: [{ name: 'orders', partitionIndexes: [2, 0] }] }),
    response: () => ({
      throttleTimeMs: 90,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, committedOffset: 42, committedLeaderEpoch: 7, metadata: 'note', errorCode: 0 }] }],
      errorCode: 0,
    }),
    expectedResponse: (v) => ({
      ...(v >= 3 ? throttle(v, 90, 4) : {}),
      responses: [{ topic: 'orders', partitions: [{ partition: 2, offset: '42', metadata: 'note', errorCode: 0 }] }],
      ...(v >= 2 ? { errorCode: 0 } : {}),
    }),
  },

  // FindCoordinator
  10: {
    requestArgs: { groupId: 'orders-app', coordinatorType: 1 },
    expectedRequest: (v) => ({ key: 'orders-app', keyType: v >= 1 ? 1 : 0 }),
    response: () => ({ throttleTimeMs: 15, errorCode: 0, errorMessage: 'all good', nodeId: 2, host: 'broker-2', port: 9093 }),
    expectedResponse: (v) => ({
      ...(v >= 1 ? { ...throttle(v, 15, 2), errorMessage: 'all good' } : {}),
      errorCode: 0,
      coordinator: { nodeId: 2, host: 'broker-2', port: 9093 },
    }),
  },

  // JoinGroup
  11: {
    requestArgs: {
      groupId: 'orders-app',
      sessionTimeout: 30_000,
      rebalanceTimeout: 60_000,
      memberId: 'member-1',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      groupProtocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    },
    expectedRequest: (v) => ({
      groupId: 'orders-app',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: v >= 1 ? 60_000 : -1,
      memberId: 'member-1',
      groupInstanceId: v >= 5 ? 'static-1' : null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('meta') }],
    }),
    response: () => ({
      throttleTimeMs: 25,
      errorCode: 0,
      generationId: 4,
      protocolName: 'range',
      leader: 'member-1',
      memberId: 'member-2',
      members: [{ memberId: 'member-1', groupInstanceId: 'static-1', metadata: Buffer.from('meta') }],
    }),
    expectedResponse: (v) => ({
      ...(v >= 2 ? throttle(v, 25, 3) : {}),
      errorCode: 0,
      generationId: 4,
      groupProtocol: 'range',
      leaderId: 'member-1',
      memberId: 'member-2',
      members: [{ memberId: 'member-1', ...(v >= 5 ? { groupInstanceId: 'static-1' } : {}), memberMetadata: Buffer.from('meta') }],
    }),
  },

  // Heartbeat
  12: {
    requestArgs: { groupId: 'orders-app', groupGenerationId: 4, memberId: 'member-1', groupInstanceId: 'static-1' },
    expectedRequest: (v) => ({ groupId: 'orders-app', generationId: 4, memberId: 'member-1', groupInstanceId: v >= 3 ? 'static-1' : null }),
    response: () => ({ throttleTimeMs: 35, errorCode: 0 }),
    expectedResponse: (v) => ({ ...(v >= 1 ? throttle(v, 35, 2) : {}), errorCode: 0 }),
  },

  // LeaveGroup
  13: {
    requestArgs: { groupId: 'orders-app', memberId: 'member-1', groupInstanceId: 'static-1' },
    expectedRequest: (v) =>
      v >= 3
        ? { groupId: 'orders-app', memberId: '', members: [{ memberId: 'member-1', groupInstanceId: 'static-1' }] }
        : { groupId: 'orders-app', memberId: 'member-1', members: [] },
    response: () => ({ throttleTimeMs: 45, errorCode: 0, members: [{ memberId: 'member-1', groupInstanceId: 'static-1', errorCode: 0 }] }),
    expectedResponse: (v) => ({
      ...(v >= 1 ? throttle(v, 45, 2) : {}),
      errorCode: 0,
      ...(v >= 3 ? { members: [{ memberId: 'member-1', groupInstanceId: 'static-1', errorCode: 0 }] } : {}),
    }),
  },

  // SyncGroup
  14: {
    requestArgs: {
      groupId: 'orders-app',
      generationId: 4,
      memberId: 'member-1',
      groupInstanceId: 'static-1',
      groupAssignment: [{ memberId: 'member-1', memberAssignment: Buffer.from('assigned') }],
    },
    expectedRequest: (v) => ({
      groupId: 'orders-app',
      generationId: 4,
      memberId: 'member-1',
      groupInstanceId: v >= 3 ? 'static-1' : null,
      assignments: [{ memberId: 'member-1', assignment: Buffer.from('assigned') }],
    }),
    response: () => ({ throttleTimeMs: 55, errorCode: 0, assignment: Buffer.from('yours') }),
    expectedResponse: (v) => ({ ...(v >= 1 ? throttle(v, 55, 2) : {}), errorCode: 0, memberAssignment: Buffer.from('yours') }),
  },

  // DescribeGroups
  15: {
    requestArgs: { groupIds: ['orders-app', 'billing'] },
    expectedRequest: () => ({ groups: ['orders-app', 'billing'] }),
    response: () => ({
      throttleTimeMs: 65,
      groups: [
        {
          errorCode: 0,
          groupId: 'orders-app',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'range',
          members: [{ memberId: 'member-1', clientId: 'client-1', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('meta'), memberAssignment: Buffer.from('assigned') }],
        },
      ],
    }),
    expectedResponse: (v) => ({
      ...(v >= 1 ? throttle(v, 65, 2) : {}),
      groups: [
        {
          errorCode: 0,
          groupId: 'orders-app',
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'range',
          members: [{ memberId: 'member-1', clientId: 'client-1', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('meta'), memberAssignment: Buffer.from('assigned') }],
        },
      ],
    }),
  },

  // ListGroups
  16: {
    requestArgs: {},
    expectedRequest: () => ({}),
    response: () => ({ throttleTimeMs: 75, errorCode: 0, groups: [{ groupId: 'orders-app', protocolType: 'consumer' }] }),
    expectedResponse: (v) => ({ ...(v >= 1 ? throttle(v, 75, 2) : {}), errorCode: 0, groups: [{ groupId: 'orders-app', protocolType: 'consumer' }] }),
  },

  // SaslHandshake
  17: {
    requestArgs: { mechanism: 'PLAIN' },
    expectedRequest: () => ({ mechanism: 'PLAIN' }),
    response: () => ({ errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] }),
    expectedResponse: () => ({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'] }),
  },

  // ApiVersions
  18: {
    requestArgs: {},
    expectedRequest: () => ({ clientSoftwareName: '', clientSoftwareVersion: '' }),
    response: () => ({
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 3, maxVersion: 7 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      throttleTimeMs: 25,
    }),
    expectedResponse: (v) => ({
      errorCode: 0,
      apiVersions: [
        { apiKey: 0, minVersion: 3, maxVersion: 7 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
      ],
      ...(v >= 1 ? throttle(v, 25, 2) : {}),
    }),
  },

  // CreateTopics
  19: {
    requestArgs: {
      topics: [
        { topic: 'orders', numPartitions: 3, replicationFactor: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1, 2] }] },
      ],
      validateOnly: true,
      timeout: 7000,
    },
    expectedRequest: (v) => ({
      topics: [
        { name: 'orders', numPartitions: 3, replicationFactor: 2, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
        { name: 'manual', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1, 2] }], configs: [] },
      ],
      timeoutMs: 7000,
      validateOnly: v >= 1,
    }),
    response: () => ({
      throttleTimeMs: 85,
      topics: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'manual', errorCode: 0, errorMessage: null },
      ],
    }),
    // kafkajs sorts the results by topic name
    expectedResponse: (v) => ({
      ...(v >= 2 ? throttle(v, 85, 3) : {}),
      topicErrors: [
        { topic: 'manual', errorCode: 0, ...(v >= 1 ? { errorMessage: null } : {}) },
        { topic: 'orders', errorCode: 0, ...(v >= 1 ? { errorMessage: null } : {}) },
      ],
    }),
  },

  // DeleteTopics
  20: {
    requestArgs: { topics: ['orders', 'payments'], timeout: 7000 },
    expectedRequest: () => ({ topicNames: ['orders', 'payments'], timeoutMs: 7000 }),
    response: () => ({
      throttleTimeMs: 95,
      responses: [
        { name: 'payments', errorCode: 0 },
        { name: 'orders', errorCode: 0 },
      ],
    }),
    expectedResponse: (v) => ({
      ...(v >= 1 ? throttle(v, 95, 1) : {}),
      topicErrors: [
        { topic: 'orders', errorCode: 0 },
        { topic: 'payments', errorCode: 0 },
      ],
    }),
  },

  // DeleteRecords
  21: {
    requestArgs: { topics: [{ topic: 'orders', partitions: [{ partition: 2, offset: '42' }] }], timeout: 7000 },
    expectedRequest: () => ({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, offset: 42 }] }], timeoutMs: 7000 }),
    response: () => ({ throttleTimeMs: 105, topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, lowWatermark: 42, errorCode: 0 }] }] }),
    // kafkajs leaves the low watermark as a Long
    responseView: (res) => ({
      ...res,
      topics: res.topics.map((t: any) => ({ ...t, partitions: t.partitions.map((p: any) => ({ ...p, lowWatermark: String(p.lowWatermark) })) })),
    }),
    expectedResponse: (v) => ({
      ...throttle(v, 105, 1),
      topics: [{ topic: 'orders', partitions: [{ partition: 2, lowWatermark: '42', errorCode: 0 }] }],
    }),
  },

  // InitProducerId
  22: {
    requestArgs: { transactionalId: 'checkout', transactionTimeout: 60_000 },
    expectedRequest: () => ({ transactionalId: 'checkout', transactionTimeoutMs: 60_000 }),
    response: () => ({ throttleTimeMs: 70, errorCode: 0, producerId: 123_456_789_012, producerEpoch: 4 }),
    expectedResponse: (v) => ({ ...throttle(v, 70, 1), errorCode: 0, producerId: '123456789012', producerEpoch: 4 }),
  },

  // AddPartitionsToTxn
  24: {
    requestArgs: { transactionalId: 'checkout', producerId: 7, producerEpoch: 2, topics: [{ topic: 'orders', partitions: [2, 0] }] },
    // Kafka's spec names the fields of the versions clients use (v0-3) v3AndBelow*.
    expectedRequest: () => ({ v3AndBelowTransactionalId: 'checkout', v3AndBelowProducerId: 7, v3AndBelowProducerEpoch: 2, v3AndBelowTopics: [{ name: 'orders', partitions: [2, 0] }] }),
    response: () => ({ throttleTimeMs: 115, resultsByTopicV3AndBelow: [{ name: 'orders', resultsByPartition: [{ partitionIndex: 2, partitionErrorCode: 0 }] }] }),
    expectedResponse: (v) => ({ ...throttle(v, 115, 1), errors: [{ topic: 'orders', partitionErrors: [{ partition: 2, errorCode: 0 }] }] }),
  },

  // AddOffsetsToTxn
  25: {
    requestArgs: { transactionalId: 'checkout', producerId: 7, producerEpoch: 2, groupId: 'orders-app' },
    expectedRequest: () => ({ transactionalId: 'checkout', producerId: 7, producerEpoch: 2, groupId: 'orders-app' }),
    response: () => ({ throttleTimeMs: 125, errorCode: 0 }),
    expectedResponse: (v) => ({ ...throttle(v, 125, 1), errorCode: 0 }),
  },

  // EndTxn
  26: {
    requestArgs: { transactionalId: 'checkout', producerId: 7, producerEpoch: 2, transactionResult: true },
    expectedRequest: () => ({ transactionalId: 'checkout', producerId: 7, producerEpoch: 2, committed: true }),
    response: () => ({ throttleTimeMs: 135, errorCode: 0 }),
    expectedResponse: (v) => ({ ...throttle(v, 135, 1), errorCode: 0 }),
  },

  // TxnOffsetCommit
  28: {
    requestArgs: {
      transactionalId: 'checkout',
      groupId: 'orders-app',
      producerId: 7,
      producerEpoch: 2,
      topics: [{ topic: 'orders', partitions: [{ partition: 2, offset: '42', metadata: 'note' }] }],
    },
    expectedRequest: () => ({
      transactionalId: 'checkout',
      groupId: 'orders-app',
      producerId: 7,
      producerEpoch: 2,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: 'note' }] }],
    }),
    response: () => ({ throttleTimeMs: 145, topics: [{ name: 'orders', partitions: [{ partitionIndex: 2, errorCode: 0 }] }] }),
    expectedResponse: (v) => ({ ...throttle(v, 145, 1), topics: [{ topic: 'orders', partitions: [{ partition: 2, errorCode: 0 }] }] }),
  },

  // DescribeAcls
  29: {
    requestArgs: { ...ACL, resourcePatternType: PREFIXED },
    expectedRequest: (v) => ({
      resourceTypeFilter: ACL.resourceType,
      resourceNameFilter: ACL.resourceName,
      patternTypeFilter: v >= 1 ? PREFIXED : LITERAL,
      principalFilter: ACL.principal,
      hostFilter: ACL.host,
      operation: ACL.operation,
      permissionType: ACL.permissionType,
    }),
    response: () => ({
      throttleTimeMs: 195,
      errorCode: 0,
      errorMessage: null,
      resources: [{ resourceType: 2, resourceName: 'orders', patternType: PREFIXED, acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] }],
    }),
    expectedResponse: (v) => ({
      ...throttle(v, 195, 1),
      errorCode: 0,
      errorMessage: null,
      resources: [
        { resourceType: 2, resourceName: 'orders', ...(v >= 1 ? { resourcePatternType: PREFIXED } : {}), acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] },
      ],
    }),
  },

  // CreateAcls
  30: {
    requestArgs: { creations: [{ ...ACL, resourcePatternType: PREFIXED }] },
    expectedRequest: (v) => ({ creations: [{ ...ACL, resourcePatternType: v >= 1 ? PREFIXED : LITERAL }] }),
    response: () => ({ throttleTimeMs: 205, results: [{ errorCode: 0, errorMessage: null }] }),
    expectedResponse: (v) => ({ ...throttle(v, 205, 1), creationResponses: [{ errorCode: 0, errorMessage: null }] }),
  },

  // DeleteAcls
  31: {
    requestArgs: { filters: [{ ...ACL, resourcePatternType: PREFIXED }] },
    expectedRequest: (v) => ({
      filters: [
        {
          resourceTypeFilter: ACL.resourceType,
          resourceNameFilter: ACL.resourceName,
          patternTypeFilter: v >= 1 ? PREFIXED : LITERAL,
          principalFilter: ACL.principal,
          hostFilter: ACL.host,
          operation: ACL.operation,
          permissionType: ACL.permissionType,
        },
      ],
    }),
    response: () => ({
      throttleTimeMs: 215,
      filterResults: [{ errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, ...ACL, patternType: PREFIXED }] }],
    }),
    expectedResponse: (v) => ({
      ...throttle(v, 215, 1),
      filterResponses: [
        {
          errorCode: 0,
          errorMessage: null,
          matchingAcls: [
            {
              errorCode: 0,
              errorMessage: null,
              resourceType: ACL.resourceType,
              resourceName: ACL.resourceName,
              ...(v >= 1 ? { resourcePatternType: PREFIXED } : {}),
              principal: ACL.principal,
              host: ACL.host,
              operation: ACL.operation,
              permissionType: ACL.permissionType,
            },
          ],
        },
      ],
    }),
  },

  // DescribeConfigs
  32: {
    requestArgs: { resources: [{ type: 2, name: 'orders', configNames: ['cleanup.policy', 'retention.ms'] }], includeSynonyms: true },
    expectedRequest: (v) => ({
      resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['cleanup.policy', 'retention.ms'] }],
      includeSynonyms: v >= 1,
    }),
    response: () => ({
      throttleTimeMs: 155,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            {
              name: 'cleanup.policy',
              value: 'compact',
              readOnly: false,
              isDefault: false,
              configSource: 1,
              isSensitive: false,
              synonyms: [{ name: 'cleanup.policy', value: 'compact', source: 1 }],
            },
          ],
        },
      ],
    }),
    expectedResponse: (v) => ({
      ...throttle(v, 155, 2),
      resources: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders',
          configEntries: [
            {
              configName: 'cleanup.policy',
              configValue: 'compact',
              readOnly: false,
              isDefault: false,
              configSource: 1, // kafkajs's TOPIC_CONFIG; before v1 it infers this from isDefault and the resource type
              isSensitive: false,
              ...(v >= 1 ? { configSynonyms: [{ configName: 'cleanup.policy', configValue: 'compact', configSource: 1 }] } : {}),
            },
          ],
        },
      ],
    }),
  },

  // AlterConfigs
  33: {
    requestArgs: { resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true },
    expectedRequest: () => ({ resources: [{ resourceType: 2, resourceName: 'orders', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: true }),
    response: () => ({ throttleTimeMs: 165, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }] }),
    expectedResponse: (v) => ({ ...throttle(v, 165, 1), resources: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }] }),
  },

  // SaslAuthenticate: kafkajs's SASL mechanisms hand over bytes already length-prefixed, and get them back so
  36: {
    requestArgs: { authBytes: withLength(Buffer.from('\0alice\0secret')) },
    expectedRequest: () => ({ authBytes: Buffer.from('\0alice\0secret') }),
    response: () => ({ errorCode: 0, errorMessage: null, authBytes: Buffer.from('welcome'), sessionLifetimeMs: 3_600_000 }),
    expectedResponse: (v) => ({
      errorCode: 0,
      errorMessage: null,
      authBytes: withLength(Buffer.from('welcome')),
      ...(v >= 1 ? { sessionLifetimeMs: '3600000' } : {}),
    }),
  },

  // CreatePartitions
  37: {
    requestArgs: {
      topicPartitions: [
        { topic: 'orders', count: 6, assignments: [[1, 2], [2, 3], [3, 1]] },
        { topic: 'payments', count: 4 },
      ],
      validateOnly: true,
      timeout: 7000,
    },
    // kafkajs writes an empty assignment list as null, which is what Kafka means by "place them for me"
    expectedRequest: () => ({
      topics: [
        { name: 'orders', count: 6, assignments: [{ brokerIds: [1, 2] }, { brokerIds: [2, 3] }, { brokerIds: [3, 1] }] },
        { name: 'payments', count: 4, assignments: null },
      ],
      timeoutMs: 7000,
      validateOnly: true,
    }),
    response: () => ({
      throttleTimeMs: 175,
      results: [
        { name: 'payments', errorCode: 0, errorMessage: null },
        { name: 'orders', errorCode: 0, errorMessage: null },
      ],
    }),
    expectedResponse: (v) => ({
      ...throttle(v, 175, 1),
      topicErrors: [
        { topic: 'orders', errorCode: 0, errorMessage: null },
        { topic: 'payments', errorCode: 0, errorMessage: null },
      ],
    }),
  },

  // AlterPartitionReassignments: kafkajs sends no cancellations (replicas null) and reads no messages
  45: {
    requestArgs: { topics: [{ topic: 'orders', partitionAssignment: [{ partition: 0, replicas: [2, 3] }, { partition: 1, replicas: [1] }] }], timeout: 9000 },
    expectedRequest: () => ({
      timeoutMs: 9000,
      allowReplicationFactorChange: true,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, replicas: [2, 3] }, { partitionIndex: 1, replicas: [1] }] }],
    }),
    response: () => ({
      throttleTimeMs: 180,
      allowReplicationFactorChange: true,
      errorCode: 0,
      errorMessage: null,
      // kafkajs throws on a partition's error, so both succeed here.
      responses: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 0, errorMessage: null }] }],
    }),
    expectedResponse: () => ({ throttleTime: 180, errorCode: 0, responses: [{ topic: 'orders', partitions: [{ partition: 0, errorCode: 0 }, { partition: 1, errorCode: 0 }] }] }),
  },

  // ListPartitionReassignments
  46: {
    requestArgs: { topics: [{ topic: 'orders', partitions: [0, 1] }], timeout: 8000 },
    expectedRequest: () => ({ timeoutMs: 8000, topics: [{ name: 'orders', partitionIndexes: [0, 1] }] }),
    response: () => ({
      throttleTimeMs: 181,
      errorCode: 0,
      errorMessage: null,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, replicas: [3, 1, 2], addingReplicas: [3], removingReplicas: [2] }] }],
    }),
    expectedResponse: () => ({ throttleTime: 181, errorCode: 0, topics: [{ name: 'orders', partitions: [{ partition: 1, replicas: [3, 1, 2], addingReplicas: [3], removingReplicas: [2] }] }] }),
  },

  // DeleteGroups: kafkajs takes the list of group ids itself, and keeps the v0 name throttleTimeMs
  42: {
    requestArgs: ['orders-app', 'billing'],
    expectedRequest: () => ({ groupsNames: ['orders-app', 'billing'] }),
    response: () => ({ throttleTimeMs: 185, results: [{ groupId: 'orders-app', errorCode: 0 }] }),
    expectedResponse: (v) => ({ throttleTimeMs: 185, ...(v >= 1 ? { throttleTime: 0 } : {}), results: [{ groupId: 'orders-app', errorCode: 0 }] }),
  },
};

/** Every (API, version) that both we and kafkajs implement. */
const sweep = ALL_APIS.flatMap((api) => {
  const kafkajs = kafkajsDefinitionsFor(api.key);
  const oracle = ORACLE[api.key];
  if (!kafkajs || !oracle) return [];
  return kafkajs.versions
    .map(Number)
    .filter((v) => inRange(api.versions, v))
    .map((version) => ({ label: `${api.name} v${version}`, api, version, kafkajs, oracle }));
});

const ctxFor = (api: Api, version: number): Ctx => ({ version, flexible: inRange(api.flexible, version) });

/** `value` with only the fields `type` has in `version`, at every depth (records and other leaves as they are). */
function fieldsOfVersion(type: Type<unknown, unknown>, value: unknown, version: number): unknown {
  if (value === null || value === undefined) return value;
  const spec = (type as { spec?: Record<string, Type<unknown, unknown> | Field<unknown, unknown>> }).spec;
  if (spec && typeof value === 'object' && !Array.isArray(value)) {
    const carried: Record<string, unknown> = {};
    for (const [name, entry] of Object.entries(spec)) {
      const field = 'kind' in entry ? entry : { type: entry, range: { min: 0, max: Infinity } };
      if (inRange(field.range, version)) carried[name] = fieldsOfVersion(field.type, (value as Record<string, unknown>)[name], version);
    }
    return carried;
  }
  if (type.inner && Array.isArray(value)) return value.map((item) => fieldsOfVersion(type.inner!, item, version));
  if (type.inner && !Array.isArray(type.inner.zero) && !Buffer.isBuffer(value)) return fieldsOfVersion(type.inner, value, version);
  return value;
}

/**
 * kafkajs frames flexible versions with header v1 and writes the request header's tagged fields
 * (none: one 0 byte) at the start of the body; it reads the response header's the same way. On a
 * socket the bytes line up with header v2; here the body is compared alone, so the byte is
 * taken off the request and put in front of our response.
 */
function withoutKafkajsHeaderTags(api: Api, version: number, body: Buffer): Buffer {
  if (!inRange(api.flexible, version)) return body;
  expect(body[0]).toBe(0);
  return body.subarray(1);
}
const withKafkajsHeaderTags = (api: Api, version: number, body: Buffer) => (inRange(api.flexible, version) ? Buffer.concat([Buffer.from([0]), body]) : body);

describe('kafkajs as the oracle', () => {
  it('covers every API this broker serves that kafkajs also implements', () => {
    const uncovered = ALL_APIS.filter((api) => kafkajsDefinitionsFor(api.key) && !ORACLE[api.key]).map((api) => api.name);
    expect(uncovered).toEqual([]);
    expect(sweep.length).toBeGreaterThan(20);
  });

  it.each(sweep)('$label: a request kafkajs encodes decodes to the same fields, every byte consumed', async ({ api, version, kafkajs, oracle }) => {
    const { request } = kafkajs.protocol({ version })(oracle.requestArgs);
    const encoded = (await request.encode()).buffer;
    const body = withoutKafkajsHeaderTags(api, version, encoded);
    const r = new Reader(body);
    const decoded = api.request.read(r, ctxFor(api, version));
    expect(r.remaining).toBe(0);
    // Fields of other versions decode to their defaults: compare what this version carries.
    const carried = (value: unknown) => fieldsOfVersion(api.request, value, version);
    expect(carried((oracle.requestView ?? ((x) => x))(decoded))).toEqual(carried(oracle.expectedRequest(version)));
  });

  it.each(sweep)('$label: a response we encode is decoded by kafkajs to the same fields, every byte read', async ({ api, version, kafkajs, oracle }) => {
    const { response } = kafkajs.protocol({ version })(oracle.requestArgs);
    const value = await oracle.response();
    const w = new Writer();
    api.response.write(w, value, ctxFor(api, version));
    const body = withKafkajsHeaderTags(api, version, w.toBuffer());
    const view = oracle.responseView ?? ((x: unknown) => x);

    const decoded = await response.parse(await response.decode(body));
    expect(view(decoded)).toEqual(oracle.expectedResponse(version));
    // Had we written more than kafkajs reads, the same answer would come out of one byte less. Not
    // for flexible versions: kafkajs stops reading tagged fields at the end of the body, so the
    // empty ones a message ends with can go unnoticed (our decoder checks those requests byte for byte).
    if (inRange(api.flexible, version)) return;
    const shortened = await response.decode(body.subarray(0, body.length - 1)).then(view, () => 'refused');
    expect(shortened).not.toEqual(view(decoded));
  });
});

async function fetchResponse(): Promise<Record<string, unknown>> {
  return {
    throttleTimeMs: 40,
    errorCode: 0,
    sessionId: 77,
    responses: [
      {
        topic: 'orders',
        partitions: [
          {
            partitionIndex: 2,
            errorCode: 0,
            highWatermark: 12,
            lastStableOffset: 11,
            logStartOffset: 3,
            abortedTransactions: [{ producerId: 9, firstOffset: 4 }],
            preferredReadReplica: 2,
            records: [await storedBatch(10)],
          },
        ],
      },
    ],
  };
}
