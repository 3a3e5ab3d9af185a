// A log segment, as Kafka's LogSegment: the batches of one stretch of a partition's log, from its
// base offset, up to segment.bytes or segment.ms, after which the log rolls a new one. Retention
// deletes whole segments and compaction rewrites closed ones. Two kinds hold the bytes: a file
// segment (file-segment.ts: a .log file with its .index and .timeindex, the default) and a memory
// segment (below: `inMemory` clusters), which keeps every batch in an array.

import { readBatchHeader, readRecords } from '../protocol/records.ts';
import type { ReadLease } from './read-buffers.ts';

export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  /** The batch's bytes as they go on the wire and on disk. */
  readonly data: Buffer;
}

export function storedBatch(data: Buffer): StoredBatch {
  const header = readBatchHeader(data);
  return { baseOffset: header.baseOffset, lastOffset: header.baseOffset + header.lastOffsetDelta, maxTimestamp: header.maxTimestamp, data };
}

/** Bytes in a log that are not an intact batch: where, why, and the offset the log holds up to there. */
export interface Damage {
  /** Byte position in the segment where the damage begins. */
  position: number;
  reason: string;
  /** The first offset the log no longer holds intact: the segment's next offset up to the damage. */
  offset: number;
}

export interface ReadLimits {
  /** Stop before the batch holding this offset (the high watermark or last stable offset). */
  maxOffset: number;
  maxBytes: number;
  /** Return the first batch even when larger than maxBytes (KIP-74). */
  allowOversizedFirst: boolean;
}

export interface SegmentRead {
  batches: StoredBatch[];
  bytes: number;
  /** Set when the read stopped at bytes that are not an intact batch. */
  damage: Damage | null;
  /** The read stopped because of a limit (so later segments must not be read). */
  limited: boolean;
}

export interface Segment {
  readonly baseOffset: number;
  readonly sizeInBytes: number;
  /** One past the last offset held; the base offset while empty. */
  readonly nextOffset: number;
  /** Kafka's largestTimestamp: the newest batch timestamp, or (no timestamps) when last written. retention.ms compares it. */
  readonly largestTimestamp: number;
  /** The first batch's largest timestamp, -1 without one: segment.ms counts from it (Kafka's rollingBasedTimestamp). */
  readonly rollingBasedTimestamp: number;
  readonly createdAt: number;
  /** Its offset or time index has no room left: the log rolls. */
  readonly indexFull: boolean;
  /** Takes appends (the active segment; false once sealed, or opened as a closed one). */
  readonly writable: boolean;
  /** For messages: the file's name, or "segment <base offset>". */
  readonly name: string;
  append(batch: StoredBatch): void;
  /** Whole batches from the one holding `offset`, within the limits; file reads borrow their buffers from `lease` when given. */
  read(offset: number, limits: ReadLimits, lease?: ReadLease): SegmentRead;
  /** Every batch from the one holding `offset`, streamed; returns the damage it stopped at, if any. */
  batches(offset?: number): Generator<StoredBatch, Damage | null>;
  /** The first record at or after `timestamp` with an offset in [from, below). */
  offsetForTimestamp(timestamp: number, from: number, below: number): { offset: number; timestamp: number } | null;
  /** Cuts the segment before the batch holding `offset`; returns the bytes removed. */
  truncateTo(offset: number): number;
  /** No more appends (the log rolled). Persistent: indexes written and everything flushed to disk. */
  seal(persistent: boolean): Promise<void>;
  /** Closes its files; persistent: after writing its indexes and flushing everything to disk. */
  close(persistent: boolean): void;
  delete(): void;
}

export interface SegmentSettings {
  /** index.interval.bytes */
  indexIntervalBytes: number;
  /** segment.index.bytes */
  maxIndexBytes: number;
}

/** A segment that lives in memory only: the batches themselves, in offset order. */
export class MemorySegment implements Segment {
  private batchList: StoredBatch[] = [];
  sizeInBytes = 0;
  nextOffset: number;
  rollingBasedTimestamp = -1;
  private maxTimestamp = -1;
  private lastWrittenAt: number;
  readonly createdAt = Date.now();
  readonly indexFull = false;
  readonly writable = true;

  constructor(readonly baseOffset: number) {
    this.nextOffset = baseOffset;
    this.lastWrittenAt = this.createdAt;
  }

  get name(): string {
    return `segment ${this.baseOffset}`;
  }

  get largestTimestamp(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.lastWrittenAt;
  }

  append(batch: StoredBatch): void {
    if (this.batchList.length === 0) this.rollingBasedTimestamp = batch.maxTimestamp;
    this.batchList.push(batch);
    this.sizeInBytes += batch.data.length;
    this.nextOffset = batch.lastOffset + 1;
    this.maxTimestamp = Math.max(this.maxTimestamp, batch.maxTimestamp);
    this.lastWrittenAt = Date.now();
  }

  /** Index of the first batch whose last offset is at or after `offset`. */
  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.batchList.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batchList[mid].lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  read(offset: number, { maxOffset, maxBytes, allowOversizedFirst }: ReadLimits): SegmentRead {
    const batches: StoredBatch[] = [];
    let bytes = 0;
    for (let i = this.indexOf(offset); i < this.batchList.length; i++) {
      const batch = this.batchList[i];
      if (batch.lastOffset >= maxOffset) return { batches, bytes, damage: null, limited: true };
      if (bytes + batch.data.length > maxBytes && (batches.length > 0 || !allowOversizedFirst)) return { batches, bytes, damage: null, limited: true };
      batches.push(batch);
      bytes += batch.data.length;
    }
    return { batches, bytes, damage: null, limited: false };
  }

  *batches(offset = this.baseOffset): Generator<StoredBatch, Damage | null> {
    // A copy of the list: the caller may change the log while it walks.
    yield* this.batchList.slice(this.indexOf(offset));
    return null;
  }

  offsetForTimestamp(timestamp: number, from: number, below: number) {
    return firstAtOrAfter(this.batches(from), timestamp, from, below);
  }

  truncateTo(offset: number): number {
    const keep = this.indexOf(offset);
    const removed = this.batchList.splice(keep);
    const bytes = removed.reduce((sum, b) => sum + b.data.length, 0);
    this.sizeInBytes -= bytes;
    this.nextOffset = this.batchList.at(-1) ? this.batchList.at(-1)!.lastOffset + 1 : this.baseOffset;
    this.maxTimestamp = this.batchList.reduce((max, b) => Math.max(max, b.maxTimestamp), -1);
    if (this.batchList.length === 0) this.rollingBasedTimestamp = -1;
    return bytes;
  }

  async seal(): Promise<void> {}
  close(): void {}
  delete(): void {
    this.batchList = [];
  }
}

/** The first record at or after `timestamp` among `batches`, with an offset in [from, below) — ListOffsets by time. */
export function firstAtOrAfter(batches: Iterable<StoredBatch>, timestamp: number, from: number, below: number): { offset: number; timestamp: number } | null {
  for (const batch of batches) {
    if (batch.baseOffset >= below) return null;
    if (batch.maxTimestamp < timestamp || batch.lastOffset < from) continue;
    for (const record of readRecords(batch.data)) {
      if (record.offset >= from && record.offset < below && record.timestamp >= timestamp) return { offset: record.offset, timestamp: record.timestamp };
    }
  }
  return null;
}
