// What an attacker in a class sends a shared broker, for the hardening benchmark and tests: record
// batches that inflate to far more than they weigh. Built in pieces, so the sender never holds
// what the batch inflates to.

import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { BATCH_OVERHEAD, encodeBatch } from '../protocol/records.ts';

const MiB = 1024 * 1024;

/**
 * One record batch, gzip-compressed, of `records` records of `valueBytes` zeros each (null keys).
 * One record of 1,000 MB weighs about 1 MB (the bomb was 1,019,209 bytes), under
 * max.message.bytes; so do 1,000 records of 1 MB, each within any limit, that only inflating
 * them all shows to be too many.
 */
export async function gzipBomb(valueBytes: number, records = 1): Promise<Buffer> {
  const zeros = Buffer.alloc(Math.min(MiB, valueBytes));
  async function* body() {
    for (let offsetDelta = 0; offsetDelta < records; offsetDelta++) {
      // The record: its length, attributes, timestamp delta, offset delta, a null key, the value's
      // length and bytes, no headers (Kafka's DefaultRecord, varints zig-zag encoded).
      const fields = Buffer.concat([Buffer.from([0, 0]), zigzagVarint(offsetDelta), Buffer.from([1]), zigzagVarint(valueBytes)]);
      yield Buffer.concat([zigzagVarint(fields.length + valueBytes + 1), fields]);
      for (let left = valueBytes; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
      yield Buffer.from([0]);
    }
  }
  const compressed: Buffer[] = [];
  for await (const piece of Readable.from(body()).pipe(zlib.createGzip())) compressed.push(piece as Buffer);
  const header = encodeBatch(Array.from({ length: records }, () => ({ key: null, value: null })), { compression: 'gzip' });
  return withPayload(header, Buffer.concat(compressed));
}

// Where record batch v2 keeps the fields rewritten here (Kafka's DefaultRecordBatch).
const BATCH_LENGTH_AT = 8;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;

/** A batch with its (compressed) payload replaced, its length and CRC made good: for payloads no producer writes. */
export function withPayload(batch: Buffer, payload: Buffer): Buffer {
  const out = Buffer.concat([batch.subarray(0, BATCH_OVERHEAD), payload]);
  out.writeInt32BE(out.length - BATCH_LENGTH_AT - 4, BATCH_LENGTH_AT);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_AT)), CRC_AT);
  return out;
}

function zigzagVarint(value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value * 2; ; v = Math.floor(v / 0x80)) {
    if (v < 0x80) {
      bytes.push(v);
      return Buffer.from(bytes);
    }
    bytes.push((v % 0x80) | 0x80);
  }
}
