// A segment on disk, laid out as Kafka lays it out (kafka-dump-log reads these files):
//
//   00000000000000001234.log        record batches back to back, exactly as on the wire
//   00000000000000001234.index      offset index (indexes.ts)
//   00000000000000001234.timeindex  time index
//
// Appends go to the page cache with one write per batch and no fsync: as Kafka does by default,
// durability comes from replication, and the data is flushed when the segment rolls and when the
// log closes. Reads go to the file in large chunks, starting from the offset index, and every
// batch read is checked (length, magic, offsets, CRC-32C): damaged bytes are reported, never
// served. After a crash, recovery walks a segment batch by batch, rebuilds its indexes and cuts
// it at the first damaged batch.

import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { BATCH_OVERHEAD } from '../protocol/records.ts';
import { OffsetIndex, TimeIndex } from './indexes.ts';
import type { OpenFiles } from './open-files.ts';
import { READ_BUFFER_BYTES, type ReadLease } from './read-buffers.ts';
import { firstAtOrAfter, type Damage, type ReadLimits, type Segment, type SegmentRead, type SegmentSettings, type StoredBatch } from './segment.ts';

const LENGTH_PREFIX = 12; // base offset and length field, which the length does not count
const AT = { length: 8, magic: 16, crc: 17, attributes: 21, lastOffsetDelta: 23, maxTimestamp: 35 } as const;
/** How much a scan reads at once. */
const SCAN_CHUNK_BYTES = 1 << 20;
const EMPTY = Buffer.alloc(0);

export const segmentFileName = (baseOffset: number, suffix: string) => `${String(baseOffset).padStart(20, '0')}${suffix}`;

/** Base offsets of the segments in a partition folder (its `<offset>.log` files), in order. */
export function segmentBaseOffsets(dir: string): number[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => /^(\d{20})\.log$/.exec(name))
    .filter((m) => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Why bytes that look like a batch are not an intact one, or null: what a torn write or a damaged disk leaves. */
function batchProblem(data: Buffer, minOffset: number): string | null {
  const magic = data.readInt8(AT.magic);
  if (magic !== 2) return `magic byte ${magic}, not 2`;
  if (data.readInt32BE(AT.lastOffsetDelta) < 0) return 'negative last offset delta';
  const baseOffset = Number(data.readBigInt64BE(0));
  if (baseOffset < minOffset) return `base offset ${baseOffset} goes back before ${minOffset}`;
  if (data.readUInt32BE(AT.crc) !== crc32c(data.subarray(AT.attributes))) return 'CRC-32C mismatch';
  return null;
}

function asStored(data: Buffer): StoredBatch {
  const baseOffset = Number(data.readBigInt64BE(0));
  return { baseOffset, lastOffset: baseOffset + data.readInt32BE(AT.lastOffsetDelta), maxTimestamp: Number(data.readBigInt64BE(AT.maxTimestamp)), data };
}

/** Reads a segment file's batches in large chunks, each batch a slice of a chunk (no copy), checked as it goes. */
class BatchReader {
  private chunk: Buffer = EMPTY;
  private chunkAt = 0;

  constructor(
    private readonly fd: number,
    private readonly end: number,
    private readonly chunkBytes: number,
    /** Where chunks come from when the batches go out in one response (read-buffers.ts); fresh ones otherwise. */
    private readonly lease?: ReadLease,
  ) {}

  private view(position: number, length: number): Buffer | null {
    if (position < this.chunkAt || position + length > this.chunkAt + this.chunk.length) {
      const size = Math.min(this.end - position, Math.max(length, this.chunkBytes));
      const chunk = this.lease?.take(size) ?? Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const n = fs.readSync(this.fd, chunk, filled, size - filled, position + filled);
        if (n === 0) break;
        filled += n;
      }
      this.chunk = chunk.subarray(0, filled);
      this.chunkAt = position;
    }
    const from = position - this.chunkAt;
    return from + length <= this.chunk.length ? this.chunk.subarray(from, from + length) : null;
  }

  /** The intact batch at `position`, or why there is none. */
  batchAt(position: number, minOffset: number): StoredBatch | string {
    const remaining = this.end - position;
    if (remaining < BATCH_OVERHEAD) return `${remaining} byte(s) where a batch should begin, fewer than a batch header`;
    const head = this.view(position, LENGTH_PREFIX);
    if (!head) return 'the file is shorter than it was';
    const size = LENGTH_PREFIX + head.readInt32BE(AT.length);
    if (size < BATCH_OVERHEAD) return `batch length ${size - LENGTH_PREFIX}, shorter than a batch header`;
    if (size > remaining) return `a batch of ${size} bytes where ${remaining} are left`;
    const data = this.view(position, size);
    if (!data) return 'the file is shorter than it was';
    return batchProblem(data, minOffset) ?? asStored(data);
  }
}

export interface OpenedSegment {
  segment: FileSegment;
  /** Damage recovery cut away, with how many bytes it cut. */
  cut: (Damage & { bytes: number }) | null;
}

export class FileSegment implements Segment {
  readonly logPath: string;
  sizeInBytes = 0;
  nextOffset: number;
  rollingBasedTimestamp = -1;
  readonly createdAt = Date.now();
  private maxTimestampSoFar = -1;
  private offsetOfMaxTimestampSoFar: number;
  private lastModified = Date.now();
  private bytesSinceLastIndexEntry = 0;
  private offsetIndex: OffsetIndex;
  private timeIndex: TimeIndex;
  /** The index files lag behind the indexes in memory. */
  private indexesDirty = true;
  /** The background flush of a sealed segment. */
  private flushing: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly settings: SegmentSettings,
    private readonly files: OpenFiles,
    /** Takes appends: the active segment, until sealed. */
    private open: boolean,
    suffix = '.log',
  ) {
    this.logPath = path.join(dir, segmentFileName(baseOffset, suffix));
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestampSoFar = baseOffset;
    this.offsetIndex = new OffsetIndex(baseOffset, settings.maxIndexBytes);
    this.timeIndex = new TimeIndex(baseOffset, settings.maxIndexBytes);
  }

  /** A new, empty segment taking appends (what a leftover file of the same name held is discarded). */
  static create(dir: string, baseOffset: number, settings: SegmentSettings, files: OpenFiles, suffix = '.log'): FileSegment {
    fs.mkdirSync(dir, { recursive: true });
    const logPath = path.join(dir, segmentFileName(baseOffset, suffix));
    files.close(logPath);
    fs.closeSync(fs.openSync(logPath, 'w'));
    return new FileSegment(dir, baseOffset, settings, files, true, suffix);
  }

  /**
   * Opens a segment that is on disk. With `recover` (after a crash, from the recovery point on),
   * every batch is checked and the indexes rebuilt; otherwise the saved indexes are trusted if
   * they pass Kafka's sanity check, and only the batches after the last index entry are read.
   * Either way, a segment ending in damaged bytes is recovered and cut before them.
   */
  static open(dir: string, baseOffset: number, settings: SegmentSettings, files: OpenFiles, { active, recover }: { active: boolean; recover: boolean }): OpenedSegment {
    const logPath = path.join(dir, segmentFileName(baseOffset, '.log'));
    const segment = new FileSegment(dir, baseOffset, settings, files, active);
    const stat = fs.statSync(logPath);
    segment.sizeInBytes = stat.size;
    segment.lastModified = stat.mtimeMs;
    if (!recover && segment.loadIndexes() && segment.scanTail() === null) {
      segment.indexesDirty = false;
      segment.readRollingBasedTimestamp();
      return { segment, cut: null };
    }
    return { segment, cut: segment.recover() };
  }

  get name(): string {
    return path.basename(this.logPath);
  }

  get largestTimestamp(): number {
    return this.maxTimestampSoFar >= 0 ? this.maxTimestampSoFar : this.lastModified;
  }

  get writable(): boolean {
    return this.open;
  }

  get indexFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull;
  }

  private get fd(): number {
    return this.files.fd(this.logPath);
  }

  private indexPath(suffix: '.index' | '.timeindex'): string {
    return this.logPath.replace(/\.log(\.\w+)?$/, (_, extra: string | undefined) => `${suffix}${extra ?? ''}`);
  }

  append(batch: StoredBatch): void {
    if (!this.open) throw new Error(`${this.logPath} is sealed`);
    const position = this.sizeInBytes;
    const { data } = batch;
    try {
      for (let written = 0; written < data.length; ) written += fs.writeSync(this.fd, data, written, data.length - written, position + written);
    } catch (error) {
      // Nothing half-written stays behind: the log stays as it was, and the append fails.
      try {
        fs.ftruncateSync(this.fd, position);
      } catch {
        // The disk is gone; recovery cuts the torn batch on the next start.
      }
      throw error;
    }
    if (position === 0) this.rollingBasedTimestamp = batch.maxTimestamp;
    this.track(batch, position);
    this.sizeInBytes += data.length;
    this.lastModified = Date.now();
  }

  /** Index entries and largest timestamp for a batch at `position`, as Kafka's LogSegment.append keeps them. */
  private track(batch: StoredBatch, position: number): void {
    if (batch.maxTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = batch.maxTimestamp;
      this.offsetOfMaxTimestampSoFar = batch.lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      this.offsetIndex.append(batch.lastOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += batch.data.length;
    this.nextOffset = batch.lastOffset + 1;
    this.indexesDirty = true;
  }

  read(offset: number, { maxOffset, maxBytes, allowOversizedFirst }: ReadLimits, lease?: ReadLease): SegmentRead {
    const batches: StoredBatch[] = [];
    let bytes = 0;
    if (offset >= this.nextOffset) return { batches, bytes, damage: null, limited: false };
    // Enough to hold maxBytes from the batch holding `offset`, which starts at most an index interval (and a batch) after the entry.
    const chunk = Math.min(Math.max(maxBytes, 0), 8 * SCAN_CHUNK_BYTES) + this.settings.indexIntervalBytes + 64 * 1024;
    const reader = new BatchReader(this.fd, this.sizeInBytes, Math.min(chunk, READ_BUFFER_BYTES), lease);
    let position = this.offsetIndex.lookup(offset);
    let minOffset = this.baseOffset;
    while (position < this.sizeInBytes) {
      const batch = reader.batchAt(position, minOffset);
      if (typeof batch === 'string') return { batches, bytes, damage: { position, reason: batch, offset: minOffset }, limited: false };
      position += batch.data.length;
      minOffset = batch.lastOffset + 1;
      if (batch.lastOffset < offset) continue;
      if (batch.lastOffset >= maxOffset) return { batches, bytes, damage: null, limited: true };
      if (bytes + batch.data.length > maxBytes && (batches.length > 0 || !allowOversizedFirst)) return { batches, bytes, damage: null, limited: true };
      batches.push(batch);
      bytes += batch.data.length;
    }
    return { batches, bytes, damage: null, limited: false };
  }

  *batches(offset = this.baseOffset): Generator<StoredBatch, Damage | null> {
    const end = this.sizeInBytes;
    const reader = new BatchReader(this.fd, end, SCAN_CHUNK_BYTES);
    let position = this.offsetIndex.lookup(offset);
    let minOffset = this.baseOffset;
    while (position < end) {
      const batch = reader.batchAt(position, minOffset);
      if (typeof batch === 'string') return { position, reason: batch, offset: minOffset };
      position += batch.data.length;
      minOffset = batch.lastOffset + 1;
      if (batch.lastOffset >= offset) yield batch;
    }
    return null;
  }

  offsetForTimestamp(timestamp: number, from: number, below: number) {
    return firstAtOrAfter(this.batches(Math.max(from, this.timeIndex.lookup(timestamp))), timestamp, from, below);
  }

  truncateTo(offset: number): number {
    if (offset >= this.nextOffset) return 0;
    let position = 0;
    if (offset > this.baseOffset) {
      const reader = new BatchReader(this.fd, this.sizeInBytes, SCAN_CHUNK_BYTES);
      position = this.offsetIndex.lookup(offset);
      for (;;) {
        const batch = reader.batchAt(position, -Infinity);
        if (typeof batch === 'string' || batch.lastOffset >= offset) break;
        position += batch.data.length;
      }
    }
    const cut = this.sizeInBytes - position;
    this.cutAt(position);
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    this.bytesSinceLastIndexEntry = 0;
    this.indexesDirty = true;
    this.scanTail();
    return cut;
  }

  private cutAt(position: number): void {
    fs.ftruncateSync(this.fd, position);
    this.sizeInBytes = position;
    if (position === 0) this.rollingBasedTimestamp = -1;
  }

  /**
   * From the last time index entry on, reads the batches to the end: the next offset and largest
   * timestamp follow, and the damage at the end, if any, is returned (a clean tail gives null).
   */
  private scanTail(): Damage | null {
    const last = this.timeIndex.lastEntry;
    this.maxTimestampSoFar = last?.timestamp ?? -1;
    this.offsetOfMaxTimestampSoFar = last?.offset ?? this.baseOffset;
    this.nextOffset = Math.max(this.baseOffset, this.offsetIndex.count > 0 ? this.offsetIndex.lastOffset + 1 : this.baseOffset);
    const from = Math.min(last ? this.offsetIndex.lookup(last.offset) : 0, this.offsetIndex.lookup(Infinity));
    const reader = new BatchReader(this.fd, this.sizeInBytes, SCAN_CHUNK_BYTES);
    let minOffset = this.baseOffset;
    for (let position = from; position < this.sizeInBytes; ) {
      const batch = reader.batchAt(position, minOffset);
      if (typeof batch === 'string') return { position, reason: batch, offset: minOffset };
      if (batch.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = batch.maxTimestamp;
        this.offsetOfMaxTimestampSoFar = batch.lastOffset;
      }
      this.nextOffset = batch.lastOffset + 1;
      minOffset = this.nextOffset;
      position += batch.data.length;
    }
    return null;
  }

  /** Kafka's LogSegment.recover: every batch checked, indexes rebuilt, the segment cut at the first damaged batch. */
  recover(): (Damage & { bytes: number }) | null {
    this.offsetIndex = new OffsetIndex(this.baseOffset, this.settings.maxIndexBytes);
    this.timeIndex = new TimeIndex(this.baseOffset, this.settings.maxIndexBytes);
    this.maxTimestampSoFar = -1;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    this.rollingBasedTimestamp = -1;
    this.indexesDirty = true;
    const reader = new BatchReader(this.fd, this.sizeInBytes, SCAN_CHUNK_BYTES);
    let position = 0;
    let damage: Damage | null = null;
    while (position < this.sizeInBytes) {
      const batch = reader.batchAt(position, this.nextOffset);
      if (typeof batch === 'string') {
        damage = { position, reason: batch, offset: this.nextOffset };
        break;
      }
      if (position === 0) this.rollingBasedTimestamp = batch.maxTimestamp;
      this.track(batch, position);
      position += batch.data.length;
    }
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    if (!damage) return null;
    const bytes = this.sizeInBytes - position;
    this.files.close(this.logPath);
    this.cutAt(position);
    return { ...damage, bytes };
  }

  private readRollingBasedTimestamp(): void {
    if (this.sizeInBytes < BATCH_OVERHEAD) return;
    const header = Buffer.alloc(BATCH_OVERHEAD);
    fs.readSync(this.fd, header, 0, BATCH_OVERHEAD, 0);
    this.rollingBasedTimestamp = Number(header.readBigInt64BE(AT.maxTimestamp));
  }

  /** Reads the saved indexes if they pass Kafka's sanity check; false if they are missing or wrong. */
  private loadIndexes(): boolean {
    try {
      const offsets = fs.readFileSync(this.indexPath('.index'));
      const times = fs.readFileSync(this.indexPath('.timeindex'));
      if (!OffsetIndex.isSane(offsets, this.baseOffset, this.sizeInBytes) || !TimeIndex.isSane(times)) return false;
      this.offsetIndex = new OffsetIndex(this.baseOffset, this.settings.maxIndexBytes, offsets);
      this.timeIndex = new TimeIndex(this.baseOffset, this.settings.maxIndexBytes, times);
      return true;
    } catch {
      return false;
    }
  }

  private writeIndexes(durable: boolean): void {
    if (!this.indexesDirty) return;
    for (const [suffix, index] of [['.index', this.offsetIndex], ['.timeindex', this.timeIndex]] as const) {
      const fd = fs.openSync(this.indexPath(suffix), 'w');
      try {
        fs.writeSync(fd, index.toBuffer());
        if (durable) fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
    this.indexesDirty = false;
  }

  async seal(persistent: boolean): Promise<void> {
    if (!this.open) return;
    this.open = false;
    this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    if (!persistent) return;
    this.writeIndexes(false);
    // Flushed through descriptors of its own: the shared ones may be let go meanwhile.
    this.flushing = (async () => {
      try {
        for (const file of [this.logPath, this.indexPath('.index'), this.indexPath('.timeindex')]) await syncFile(file);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  close(persistent: boolean): void {
    if (persistent) {
      if (this.open) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
      this.writeIndexes(true);
      // The active segment, or a sealed one still flushing in the background: flush here, before
      // the clean-shutdown marker says it is done.
      if ((this.open || this.flushing) && fs.existsSync(this.logPath)) syncFileNow(this.logPath);
    }
    this.open = false;
    this.files.close(this.logPath);
  }

  delete(): void {
    this.open = false;
    this.files.close(this.logPath);
    for (const file of [this.logPath, this.indexPath('.index'), this.indexPath('.timeindex')]) fs.rmSync(file, { force: true });
  }

  /**
   * Renames this segment's files to end in `suffix` after `.log` / `.index` / `.timeindex`
   * ('' for the live names): how a cleaned segment (`.cleaned`) is swapped in (`.swap`, then live).
   */
  rename(suffix: string): void {
    const target = path.join(this.dir, segmentFileName(this.baseOffset, `.log${suffix}`));
    this.files.close(this.logPath);
    for (const kind of ['.index', '.timeindex'] as const) {
      const from = this.indexPath(kind);
      if (fs.existsSync(from)) fs.renameSync(from, target.replace(/\.log(\.\w+)?$/, `${kind}${suffix}`));
    }
    fs.renameSync(this.logPath, target);
    (this as { logPath: string }).logPath = target;
  }
}

function syncFileNow(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Finishes what a crash interrupted while the cleaner swapped a cleaned segment in (Kafka's
 * `.cleaned` and `.swap` files): a `.cleaned` segment was not complete, so it goes; a `.swap` one
 * was, so the segments it overlaps go and it takes their place (its indexes are rebuilt on open).
 */
export function completeInterruptedSwaps(dir: string): void {
  const names = fs.readdirSync(dir);
  for (const name of names) if (name.endsWith('.cleaned') || name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
  for (const name of names) {
    const match = /^(\d{20})\.log\.swap$/.exec(name);
    if (!match) continue;
    const base = Number(match[1]);
    const file = path.join(dir, name);
    let next = base;
    const fd = fs.openSync(file, 'r');
    try {
      const reader = new BatchReader(fd, fs.fstatSync(fd).size, SCAN_CHUNK_BYTES);
      for (let position = 0; ; ) {
        const batch = reader.batchAt(position, next);
        if (typeof batch === 'string') break;
        next = batch.lastOffset + 1;
        position += batch.data.length;
      }
    } finally {
      fs.closeSync(fd);
    }
    for (const other of segmentBaseOffsets(dir)) {
      if (other < base || other >= next) continue;
      for (const suffix of ['.log', '.index', '.timeindex']) fs.rmSync(path.join(dir, segmentFileName(other, suffix)), { force: true });
    }
    for (const suffix of ['.index', '.timeindex', '.index.swap', '.timeindex.swap']) fs.rmSync(path.join(dir, segmentFileName(base, suffix)), { force: true });
    fs.renameSync(file, path.join(dir, segmentFileName(base, '.log')));
  }
}
