// Seeded fuzz frames for the broker: valid requests of every API as templates, and mutations of
// them (bit flips, truncations, trailing bytes, edge values in lengths and counts, lying size
// prefixes, random bodies). simulator/test/bad-input.test.ts sweeps with them; the benchmark
// counts how many the broker gets through per second.

import { API_BY_KEY } from '../apis/index.ts';
import { requestFrame } from '../net/raw-connection.ts';
import { inRange } from '../protocol/schema.ts';
import { Writer } from '../protocol/wire.ts';

const MiB = 1024 * 1024;
const API_VERSIONS = 18;

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(0, 255)));
  return { next, int, pick, bytes };
}
export type Prng = ReturnType<typeof prng>;

/** A valid request of each API the sweep mutates, encoded with our schemas (which the codec tests hold to kafkajs). */
export function templates(topic: string, batch: Buffer): Buffer[] {
  const encode = (key: number, version: number, value: Record<string, unknown>) => {
    const api = API_BY_KEY.get(key)!;
    const flexible = inRange(api.flexible, version);
    const w = new Writer();
    api.request.write(w, value, { version, flexible });
    return requestFrame({ apiKey: key, version, correlationId: 0, body: w.toBuffer(), clientId: 'fuzz', flexible });
  };
  const versionsOf = (key: number) => {
    const { min, max } = API_BY_KEY.get(key)!.versions;
    return Array.from({ length: max - min + 1 }, (_, i) => min + i);
  };
  return [
    ...versionsOf(API_VERSIONS).map((v) => encode(API_VERSIONS, v, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1.0' })),
    ...versionsOf(3).map((v) => encode(3, v, { topics: [{ name: topic }], allowAutoTopicCreation: false })),
    ...versionsOf(3).filter((v) => v > 0).map((v) => encode(3, v, { topics: null, allowAutoTopicCreation: false })),
    ...versionsOf(0).map((v) => encode(0, v, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: v % 2, records: batch }] }] })),
    ...versionsOf(1).map((v) =>
      encode(1, v, {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: MiB,
        isolationLevel: 0,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: MiB }, { partition: 1, fetchOffset: 2, partitionMaxBytes: 64 }] }],
      }),
    ),
    ...versionsOf(2).map((v) => encode(2, v, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1 }] }] })),
    // Group, admin and transaction APIs, with the fields of their newest versions (older ones ignore the rest).
    // JoinGroup and SyncGroup are left out: they rightly hold their answer for seconds, which a sweep cannot wait for.
    ...Object.entries(sampleRequests(topic)).flatMap(([key, value]) => versionsOf(Number(key)).map((v) => encode(Number(key), v, value))),
  ];
}

function sampleRequests(topic: string): Record<number, Record<string, unknown>> {
  const member = { groupId: 'fuzz-group', generationId: 1, memberId: 'fuzz-member', groupInstanceId: null };
  const partitions = [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }];
  const txn = { transactionalId: 'fuzz-txn', producerId: 0, producerEpoch: 0 };
  const aclFilter = { resourceTypeFilter: 2, resourceNameFilter: topic, patternTypeFilter: 3, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 };
  return {
    8: { ...member, retentionTimeMs: -1, topics: [{ name: topic, partitions }] },
    9: { groupId: 'fuzz-group', topics: [{ name: topic, partitionIndexes: [0, 1] }] },
    10: { key: 'fuzz-group', keyType: 0 },
    12: member,
    13: { groupId: 'fuzz-group', memberId: 'fuzz-member', members: [{ memberId: 'fuzz-member', groupInstanceId: null }] },
    15: { groups: ['fuzz-group'] },
    16: {},
    19: { topics: [{ name: 'fuzz-created', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'retention.ms', value: '60000' }] }], timeoutMs: 1000, validateOnly: true },
    21: { topics: [{ name: topic, partitions: [{ partitionIndex: 1, offset: 0 }] }], timeoutMs: 1000 },
    17: { mechanism: 'PLAIN' },
    22: { transactionalId: null, transactionTimeoutMs: 60_000 },
    24: { ...txn, topics: [{ name: topic, partitions: [0] }] },
    25: { ...txn, groupId: 'fuzz-group' },
    26: { ...txn, committed: false },
    28: { ...txn, groupId: 'fuzz-group', topics: [{ name: topic, partitions }] },
    29: aclFilter,
    30: { creations: [{ resourceType: 2, resourceName: topic, resourcePatternType: 3, principal: 'User:fuzz', host: '*', operation: 3, permissionType: 3 }] },
    31: { filters: [aclFilter] },
    32: { resources: [{ resourceType: 2, resourceName: topic, configurationKeys: null }], includeSynonyms: true },
    33: { resources: [{ resourceType: 2, resourceName: topic, configs: [{ name: 'retention.ms', value: '604800000' }] }], validateOnly: true },
    36: { authBytes: Buffer.from('\0fuzz\0secret') },
    37: { topics: [{ name: topic, count: 3, assignments: null }], timeoutMs: 1000, validateOnly: true },
    42: { groupsNames: ['fuzz-group-gone'] },
  };
}

const setSize = (f: Buffer) => (f.writeInt32BE(f.length - 4, 0), f);
const INTERESTING = [-1, -2, 0, 1, 0x7f, 0x80, 0x7fff, 0x8000, 0xffff, 0x7fffffff, -0x80000000];

/** One mutation of a frame: bit flips, truncation, extension, an overwritten length, or a lying size. */
export function mutate(rng: Prng, original: Buffer): Buffer {
  let f = Buffer.from(original);
  switch (rng.int(0, 9)) {
    case 0:
    case 1:
    case 2: // bit flips in the header or body
      for (let n = rng.int(1, 4); n > 0 && f.length > 4; n--) f[rng.int(4, f.length - 1)] ^= 1 << rng.int(0, 7);
      return f;
    case 3:
    case 4: // truncation, size prefix kept honest
      return setSize(f.subarray(0, rng.int(4, f.length - 1)));
    case 5: // trailing bytes
      return setSize(Buffer.concat([f, rng.bytes(rng.int(1, 16))]));
    case 6:
    case 7: {
      // an int16 or int32 somewhere in the body (lengths, counts, versions) replaced by an edge value
      const width = rng.pick([2, 4]);
      if (f.length < 4 + width) return f;
      const at = rng.int(4, f.length - width);
      const value = rng.pick(INTERESTING);
      if (width === 2) f.writeInt16BE((value << 16) >> 16, at);
      else f.writeInt32BE(value | 0, at);
      return f;
    }
    case 8: {
      // the size prefix lies
      const actual = f.length - 4;
      const size = rng.pick([-rng.int(1, 2 ** 31 - 1), 100 * MiB + rng.int(1, 1000), Math.max(0, actual - rng.int(1, 8)), actual + rng.int(1, 64)]);
      f.writeInt32BE(size | 0, 0);
      return f;
    }
    default: // the body replaced by random bytes, API key and version kept
      f = Buffer.concat([f.subarray(0, 8), rng.bytes(rng.int(0, 48))]);
      return setSize(f);
  }
}

/** Random bytes (10%), a valid request (30%, so that later frames get read too), or a mutated one. */
export function randomFrame(rng: Prng, pool: Buffer[]): Buffer {
  const dice = rng.next();
  if (dice < 0.1) return setSize(Buffer.concat([Buffer.alloc(4), rng.bytes(rng.int(0, 40))]));
  let f = rng.pick(pool);
  if (dice >= 0.4) for (let n = rng.int(1, 2); n > 0; n--) f = mutate(rng, f);
  const withId = Buffer.from(f);
  if (withId.length >= 12 && withId.readInt32BE(0) === withId.length - 4) withId.writeInt32BE(rng.int(1, 2 ** 31 - 1), 8);
  return withId;
}

