// The records of `__consumer_offsets`, in Kafka's own format, so the topic reads the same as a real
// broker's: key version 1 (group, topic, partition) and value version 3 (offset, leader epoch,
// metadata, commit timestamp). A null value is a tombstone.

import { int16, int32, int64, string, struct } from '../protocol/schema.ts';
import { Reader, Writer } from '../protocol/wire.ts';
import type { CommittedOffset } from './coordinator.ts';

const OFFSET_KEY_VERSION = 1;
const OFFSET_VALUE_VERSION = 3;
const classic = { version: 0, flexible: false };

const keySchema = struct({ group: string, topic: string, partition: int32 });
const valueSchema = struct({ offset: int64, leaderEpoch: int32, metadata: string, commitTimestamp: int64 });

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
