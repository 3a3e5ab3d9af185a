// The records of `__consumer_offsets`, in Kafka's own format, so the topic reads the same as a real
// broker's: offset commits (key version 1: group, topic, partition; value version 3: offset, leader
// epoch, metadata, commit timestamp) and a classic group's metadata (key version 2: group; value
// version 3: generation, protocol, leader and every member with its subscription and assignment).
// A null value is a tombstone.

import { array, bytes, int16, int32, int64, nullableString, string, struct, type DecodedType } from '../protocol/schema.ts';
import { Reader, Writer } from '../protocol/wire.ts';
import type { CommittedOffset } from './coordinator.ts';

const OFFSET_KEY_VERSION = 1;
const OFFSET_VALUE_VERSION = 3;
const classic = { version: 0, flexible: false };

const keySchema = struct({ group: string, topic: string, partition: int32 });
const valueSchema = struct({ offset: int64, leaderEpoch: int32, metadata: string, commitTimestamp: int64 });

const GROUP_KEY_VERSION = 2;
const GROUP_VALUE_VERSION = 3;
const groupKeySchema = struct({ group: string });
const groupValueSchema = struct({
  protocolType: string,
  generation: int32,
  protocol: nullableString,
  leader: nullableString,
  currentStateTimestamp: int64,
  members: array(
    struct({
      memberId: string,
      groupInstanceId: nullableString,
      clientId: string,
      clientHost: string,
      rebalanceTimeout: int32,
      sessionTimeout: int32,
      subscription: bytes,
      assignment: bytes,
    }),
  ),
});

/** What a coordinator stores of a classic group when a generation is synced (or the group empties). */
export type StoredGroup = DecodedType<typeof groupValueSchema>;

export function offsetKey(group: string, topic: string, partition: number): Buffer {
  const w = new Writer(64).int16(OFFSET_KEY_VERSION);
  keySchema.write(w, { group, topic, partition }, classic);
  return Buffer.from(w.toBuffer());
}

export function offsetValue(value: CommittedOffset): Buffer {
  const w = new Writer(64).int16(OFFSET_VALUE_VERSION);
  valueSchema.write(w, value, classic);
  return Buffer.from(w.toBuffer());
}

/** An offset commit (or its tombstone); null for other record kinds such as group metadata. */
export function parseOffsetRecord(key: Buffer | null, value: Buffer | null): { group: string; topic: string; partition: number; value: CommittedOffset | null } | null {
  if (key === null || key.length < 2) return null;
  const r = new Reader(key);
  if (int16.read(r, classic) !== OFFSET_KEY_VERSION) return null;
  const { group, topic, partition } = keySchema.read(r, classic);
  if (value === null) return { group, topic, partition, value: null };
  const v = new Reader(value);
  if (int16.read(v, classic) !== OFFSET_VALUE_VERSION) return null;
  return { group, topic, partition, value: valueSchema.read(v, classic) };
}

export function groupMetadataKey(group: string): Buffer {
  const w = new Writer(32).int16(GROUP_KEY_VERSION);
  groupKeySchema.write(w, { group }, classic);
  return Buffer.from(w.toBuffer());
}

export function groupMetadataValue(stored: StoredGroup): Buffer {
  const w = new Writer(256).int16(GROUP_VALUE_VERSION);
  groupValueSchema.write(w, stored, classic);
  return Buffer.from(w.toBuffer());
}

/** A group metadata record (null metadata for its tombstone); null for other record kinds. */
export function parseGroupRecord(key: Buffer | null, value: Buffer | null): { group: string; metadata: StoredGroup | null } | null {
  if (key === null || key.length < 2) return null;
  const r = new Reader(key);
  if (int16.read(r, classic) !== GROUP_KEY_VERSION) return null;
  const { group } = groupKeySchema.read(r, classic);
  if (value === null) return { group, metadata: null };
  const v = new Reader(value);
  if (int16.read(v, classic) !== GROUP_VALUE_VERSION) return null;
  return { group, metadata: groupValueSchema.read(v, classic) };
}
