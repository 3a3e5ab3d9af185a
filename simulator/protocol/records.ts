// Record batch v2 (magic 2), the only message format kafka-lab accepts.
// Batches are stored exactly as received; the broker only rewrites the fields Kafka rewrites
// (base offset, partition leader epoch, and for LogAppendTime the timestamp type and max timestamp).

import { crc32c } from '@node-rs/crc32';
import { CODECS, compress, decompressSync, DecompressionLimitError, type CompressionCodec } from './compression.ts';
import type { RecordValidator } from './record-validation.ts';
import { KafkaError } from './errors.ts';
import { CorruptBatchError, InvalidRecordError } from './record-errors.ts';
import { RecordScanner, type UntimelyRecord } from './record-scanner.ts';
import { Writer } from './wire.ts';

export { CorruptBatchError, InvalidRecordError };

export const BATCH_OVERHEAD = 61;
const LENGTH_PREFIX = 12; // baseOffset + batchLength precede what batchLength counts
const AT = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

const COMPRESSION_BITS = 0x07;
const TIMESTAMP_TYPE_BIT = 0x08;
const TRANSACTIONAL_BIT = 0x10;
const CONTROL_BIT = 0x20;
/** Set by the log cleaner (KIP-534): the base timestamp then holds when tombstones and markers may go. */
const DELETE_HORIZON_BIT = 0x40;


export interface BatchHeader {
  baseOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  compression: CompressionCodec;
  logAppendTime: boolean;
  transactional: boolean;
  control: boolean;
  /** When the cleaner may remove this batch's tombstones (or its marker), or null if not set yet. */
  deleteHorizonMs: number | null;
  /** Size of the whole batch in bytes, including the offset and length prefix. */
  sizeInBytes: number;
}

export interface LogRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export function readBatchHeader(batch: Buffer): BatchHeader {
  if (batch.length < BATCH_OVERHEAD) throw new CorruptBatchError(`batch of ${batch.length} bytes is shorter than its header`);
  const attributes = batch.readInt16BE(AT.attributes);
  return {
    baseOffset: Number(batch.readBigInt64BE(AT.baseOffset)),
    partitionLeaderEpoch: batch.readInt32BE(AT.partitionLeaderEpoch),
    magic: batch.readInt8(AT.magic),
    attributes,
    lastOffsetDelta: batch.readInt32BE(AT.lastOffsetDelta),
    baseTimestamp: Number(batch.readBigInt64BE(AT.baseTimestamp)),
    maxTimestamp: Number(batch.readBigInt64BE(AT.maxTimestamp)),
    producerId: Number(batch.readBigInt64BE(AT.producerId)),
    producerEpoch: batch.readInt16BE(AT.producerEpoch),
    baseSequence: batch.readInt32BE(AT.baseSequence),
    recordCount: batch.readInt32BE(AT.recordCount),
    compression: CODECS[attributes & COMPRESSION_BITS] ?? 'unknown',
    logAppendTime: (attributes & TIMESTAMP_TYPE_BIT) !== 0,
    transactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    control: (attributes & CONTROL_BIT) !== 0,
    deleteHorizonMs: (attributes & DELETE_HORIZON_BIT) !== 0 ? Number(batch.readBigInt64BE(AT.baseTimestamp)) : null,
    sizeInBytes: batch.length,
  };
}

export interface ValidatedBatch {
  batch: Buffer;
  header: BatchHeader;
  /** How many of its records have a null key (a compacted topic takes none). */
  keyless: number;
  /** Its records timestamped outside the window asked for (the first MAX_UNTIMELY_NOTED). */
  untimely: UntimelyRecord[];
}

/** A record's timestamp when its producer gave none (RecordBatch.NO_TIMESTAMP). */
const NO_TIMESTAMP = -1;

/** The record timestamps a topic takes, as absolute times: Kafka's LogValidator checks CreateTime topics' records against them. */
export interface TimestampWindow {
  earliest: number;
  latest: number;
}

/**
 * Splits a produce request's record set into batches, validating each as Kafka does: structure,
 * size (MESSAGE_TOO_LARGE past `maxBatchBytes`, Kafka's max.message.bytes, before anything is
 * inflated), CRC, and every record, checked by `validator` as the bytes inflate (off the event
 * loop, within its limit; past it a DecompressionLimitError), none of them kept.
 */
export async function splitAndValidateBatches(recordSet: Buffer, validator: RecordValidator, maxBatchBytes = Infinity, timestamps?: TimestampWindow): Promise<ValidatedBatch[]> {
  const batches: ValidatedBatch[] = [];
  let at = 0;
  while (at < recordSet.length) {
    if (recordSet.length - at < BATCH_OVERHEAD) throw new CorruptBatchError(`${recordSet.length - at} trailing bytes are not a batch`);
    const magic = recordSet.readInt8(at + AT.magic);
    if (magic !== 2) throw new InvalidRecordError(`message format v${magic}; only record batch v2 is supported`);
    const batchLength = recordSet.readInt32BE(at + AT.batchLength);
    const end = at + LENGTH_PREFIX + batchLength;
    if (batchLength < BATCH_OVERHEAD - LENGTH_PREFIX) throw new CorruptBatchError(`batch length ${batchLength} is shorter than a batch header`);
    // Kafka's batch iterator stops at a batch cut short, so it finds no batch at all.
    if (end > recordSet.length) throw new InvalidRecordError(`batch length ${batchLength} overruns the ${recordSet.length - at} bytes sent`);
    const batch = recordSet.subarray(at, end);
    if (batch.length > maxBatchBytes) throw new KafkaError('MESSAGE_TOO_LARGE', `batch of ${batch.length} bytes exceeds max.message.bytes=${maxBatchBytes}`);
    const expectedCrc = batch.readUInt32BE(AT.crc);
    const actualCrc = crc32c(batch.subarray(AT.attributes));
    if (expectedCrc !== actualCrc) {
      throw new CorruptBatchError(`CRC mismatch: batch says ${expectedCrc.toString(16)}, bytes give ${actualCrc.toString(16)}`);
    }
    const header = readBatchHeader(batch);
    if (header.compression === 'unknown') throw new CorruptBatchError(`unknown compression codec ${header.attributes & COMPRESSION_BITS}`);
    if (header.recordCount < 0 || header.lastOffsetDelta !== header.recordCount - 1) {
      throw new InvalidRecordError(`batch claims ${header.recordCount} records but a last offset delta of ${header.lastOffsetDelta}`);
    }
    // Kafka decompresses and walks every record before appending; so do we, as the bytes inflate.
    const base = header.baseTimestamp;
    const timestampDeltas = timestamps && { min: timestamps.earliest - base, max: timestamps.latest - base, none: NO_TIMESTAMP - base };
    const { keyless, untimely } = await validator.validate({ codec: header.compression, payload: batch.subarray(BATCH_OVERHEAD), recordCount: header.recordCount, timestampDeltas });
    batches.push({ batch, header, keyless, untimely });
    at = end;
  }
  if (batches.length === 0) throw new InvalidRecordError('empty record set');
  return batches;
}

/** A limit error as it is; anything the codec threw, as a CorruptBatchError. */
function decompressionFailure(error: unknown, codec: CompressionCodec): Error {
  if (error instanceof DecompressionLimitError) return error;
  return new CorruptBatchError(`cannot decompress ${codec} batch: ${(error as Error).message}`);
}

/** Rewrites the fields the leader assigns on append. Offsets and epoch sit outside the CRC. */
export function stampBatch(batch: Buffer, baseOffset: number, leaderEpoch: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), AT.baseOffset);
  batch.writeInt32BE(leaderEpoch, AT.partitionLeaderEpoch);
}

/** Sets LogAppendTime as Kafka does: timestamp type bit, max timestamp = append time, new CRC. */
export function stampLogAppendTime(batch: Buffer, now: number): void {
  batch.writeInt16BE(batch.readInt16BE(AT.attributes) | TIMESTAMP_TYPE_BIT, AT.attributes);
  batch.writeBigInt64BE(BigInt(now), AT.maxTimestamp);
  batch.writeUInt32BE(crc32c(batch.subarray(AT.attributes)), AT.crc);
}

/**
 * Decodes every record of a batch, decompressing it on this thread within the hard limit: for
 * batches in the log, validated when they were produced.
 */
export function readRecords(batch: Buffer, header: BatchHeader = readBatchHeader(batch)): LogRecord[] {
  let body: Buffer;
  try {
    body = decompressSync(header.compression, batch.subarray(BATCH_OVERHEAD));
  } catch (error) {
    throw decompressionFailure(error, header.compression);
  }
  const records: LogRecord[] = [];
  const scanner = new RecordScanner(header.recordCount, {
    onRecord: ({ timestampDelta, offsetDelta, key, value, headers }) =>
      records.push({
        offset: header.baseOffset + offsetDelta,
        timestamp: header.logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
        key,
        value,
        headers,
      }),
  });
  scanner.feed(body);
  scanner.end();
  return records;
}

export interface NewRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: { key: string; value: Buffer | null }[];
}

export interface NewBatchOptions {
  /** The codec the records are compressed with (default none: the broker's own records never are). */
  compression?: CompressionCodec;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
}

/** Encodes an uncompressed batch, as the broker writes its own records (offsets, markers). */
export function encodeBatch(records: NewRecord[], options: NewBatchOptions = {}): Buffer {
  const now = Date.now();
  const placed = records.map((record, i) => ({ ...record, timestamp: record.timestamp ?? now, offsetDelta: i }));
  const baseTimestamp = placed[0]?.timestamp ?? now;
  return writeBatch(
    {
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      attributes: (options.transactional ? TRANSACTIONAL_BIT : 0) | (options.control ? CONTROL_BIT : 0) | codecId(options.compression),
      lastOffsetDelta: records.length - 1,
      baseTimestamp,
      maxTimestamp: placed.reduce((max, r) => Math.max(max, r.timestamp), baseTimestamp),
      producerId: options.producerId ?? -1,
      producerEpoch: options.producerEpoch ?? -1,
      baseSequence: options.baseSequence ?? -1,
    },
    placed,
  );
}

/** The id a codec has in the batch attributes' low three bits. */
function codecId(codec: CompressionCodec = 'none'): number {
  const id = CODECS.indexOf(codec as (typeof CODECS)[number]);
  if (id < 0) throw new Error(`unknown compression codec ${codec}`);
  return id;
}

/**
 * What Kafka's log cleaner writes for a batch it filtered: only `kept` of its records, uncompressed,
 * each at its original offset, under the original base offset, last offset delta (so the producer's
 * last sequence survives), producer fields, flags and leader epoch. With `deleteHorizonMs` the base
 * timestamp becomes the delete horizon. With no records left it is Kafka's empty batch header, kept
 * only to preserve producer state or the last offset.
 */
export function rewriteBatch(original: Buffer, kept: LogRecord[], deleteHorizonMs: number | null): Buffer {
  const header = readBatchHeader(original);
  const attributes = header.attributes & ~(COMPRESSION_BITS | DELETE_HORIZON_BIT);
  const fields = {
    baseOffset: header.baseOffset,
    partitionLeaderEpoch: header.partitionLeaderEpoch,
    lastOffsetDelta: header.lastOffsetDelta,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
  };
  if (kept.length === 0) return writeBatch({ ...fields, attributes, baseTimestamp: -1, maxTimestamp: header.maxTimestamp }, []);
  const maxTimestamp = header.logAppendTime ? header.maxTimestamp : Math.max(...kept.map((r) => r.timestamp));
  return writeBatch(
    {
      ...fields,
      attributes: attributes | (deleteHorizonMs === null ? 0 : DELETE_HORIZON_BIT),
      baseTimestamp: deleteHorizonMs ?? kept[0].timestamp,
      maxTimestamp,
    },
    kept.map((record) => ({ ...record, offsetDelta: record.offset - header.baseOffset })),
  );
}

interface BatchFields {
  baseOffset: number;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

type PlacedRecord = NewRecord & { timestamp: number; offsetDelta: number };

function writeBatch(fields: BatchFields, records: PlacedRecord[]): Buffer {
  const body = new Writer(256);
  for (const record of records) {
    const encoded = new Writer(64);
    encoded.int8(0).varlong(record.timestamp - fields.baseTimestamp).varint(record.offsetDelta);
    writeVarBytes(encoded, record.key);
    writeVarBytes(encoded, record.value);
    encoded.varint(record.headers?.length ?? 0);
    for (const header of record.headers ?? []) {
      writeVarBytes(encoded, Buffer.from(header.key, 'utf8'));
      writeVarBytes(encoded, header.value);
    }
    const bytes = encoded.toBuffer();
    body.varint(bytes.length).raw(bytes);
  }
  const w = new Writer(BATCH_OVERHEAD + body.length);
  w.int64(fields.baseOffset)
    .int32(0) // batch length, patched below
    .int32(fields.partitionLeaderEpoch)
    .int8(2)
    .uint32(0) // CRC, patched below
    .int16(fields.attributes)
    .int32(fields.lastOffsetDelta)
    .int64(fields.baseTimestamp)
    .int64(fields.maxTimestamp)
    .int64(fields.producerId)
    .int16(fields.producerEpoch)
    .int32(fields.baseSequence)
    .int32(records.length)
    .raw(compress(CODECS[fields.attributes & COMPRESSION_BITS] ?? 'none', body.toBuffer()));
  const batch = Buffer.from(w.toBuffer());
  batch.writeInt32BE(batch.length - LENGTH_PREFIX, AT.batchLength);
  batch.writeUInt32BE(crc32c(batch.subarray(AT.attributes)), AT.crc);
  return batch;
}

function writeVarBytes(w: Writer, data: Buffer | null): void {
  if (data === null) w.varint(-1);
  else w.varint(data.length).raw(data);
}

/** Control records mark the end of a transaction: key = (version 0, type), type 0 = abort, 1 = commit. */
export function encodeControlBatch(type: 'commit' | 'abort', producerId: number, producerEpoch: number, coordinatorEpoch = 0): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type === 'commit' ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return encodeBatch([{ key, value }], { producerId, producerEpoch, transactional: true, control: true });
}

/** The marker type of a control batch. */
export function controlType(batch: Buffer): 'commit' | 'abort' {
  const [record] = readRecords(batch);
  return record?.key && record.key.length >= 4 && record.key.readInt16BE(2) === 1 ? 'commit' : 'abort';
}
