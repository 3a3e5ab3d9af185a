// A segment's two sparse indexes, in Kafka's on-disk formats (so kafka-dump-log reads them):
//
//   offset index (.index)     entries of 8 bytes: offset - baseOffset (int32), byte position in the .log (int32)
//   time index   (.timeindex) entries of 12 bytes: timestamp (int64), offset - baseOffset (int32)
//
// An entry is added every index.interval.bytes of appended batches, so a lookup lands at most that
// far before the batch it wants. Entries only grow: offsets, positions and (time index) timestamps
// strictly increase. Both live in memory as the bytes of their file and are written out when the
// segment rolls or the log closes; after a crash the active segment's are rebuilt by recovery.

const OFFSET_ENTRY = 8;
const TIME_ENTRY = 12;

abstract class SparseIndex {
  protected data: Buffer;
  count = 0;

  constructor(
    readonly baseOffset: number,
    /** segment.index.bytes / entry size: a full index rolls the segment, as in Kafka. */
    readonly maxEntries: number,
    protected readonly entrySize: number,
    saved?: Buffer,
  ) {
    this.data = saved ? Buffer.from(saved) : Buffer.allocUnsafe(entrySize * 16);
    this.count = saved ? Math.floor(saved.length / entrySize) : 0;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  get sizeInBytes(): number {
    return this.count * this.entrySize;
  }

  protected push(write: (at: number) => void): void {
    const at = this.count * this.entrySize;
    if (at + this.entrySize > this.data.length) {
      const grown = Buffer.allocUnsafe(this.data.length * 2);
      this.data.copy(grown, 0, 0, at);
      this.data = grown;
    }
    write(at);
    this.count++;
  }

  protected relativeOffsetAt(i: number, within: number): number {
    return this.baseOffset + this.data.readInt32BE(i * this.entrySize + within);
  }

  /** Index of the last entry whose key is at most `target`, or -1. */
  protected floor(target: number, keyAt: (i: number) => number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (keyAt(mid) <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Drops the entries for `offset` and beyond (the log is cut there). */
  truncateTo(offset: number, offsetAt: (i: number) => number): void {
    while (this.count > 0 && offsetAt(this.count - 1) >= offset) this.count--;
  }

  /** The file's bytes. */
  toBuffer(): Buffer {
    return this.data.subarray(0, this.count * this.entrySize);
  }
}

export class OffsetIndex extends SparseIndex {
  constructor(baseOffset: number, maxIndexBytes: number, saved?: Buffer) {
    super(baseOffset, Math.floor(maxIndexBytes / OFFSET_ENTRY), OFFSET_ENTRY, saved);
  }

  offsetAt(i: number): number {
    return this.relativeOffsetAt(i, 0);
  }

  positionAt(i: number): number {
    return this.data.readInt32BE(i * OFFSET_ENTRY + 4);
  }

  get lastOffset(): number {
    return this.count === 0 ? this.baseOffset : this.offsetAt(this.count - 1);
  }

  /** Kafka appends the last offset of the batch written at `position`. */
  append(offset: number, position: number): void {
    if (this.count > 0 && offset <= this.lastOffset) return;
    this.push((at) => {
      this.data.writeInt32BE(offset - this.baseOffset, at);
      this.data.writeInt32BE(position, at + 4);
    });
  }

  /** Where to start reading for `offset`: the position of a batch at or before the one holding it. */
  lookup(offset: number): number {
    const i = this.floor(offset, (j) => this.offsetAt(j));
    return i === -1 ? 0 : this.positionAt(i);
  }

  override truncateTo(offset: number): void {
    super.truncateTo(offset, (i) => this.offsetAt(i));
  }

  /** Whether saved bytes can be this segment's index (Kafka's sanity check): whole entries, increasing, within the log. */
  static isSane(bytes: Buffer, baseOffset: number, logSize: number): boolean {
    if (bytes.length % OFFSET_ENTRY !== 0) return false;
    let previous = { offset: -1, position: -1 };
    for (let at = 0; at < bytes.length; at += OFFSET_ENTRY) {
      const offset = bytes.readInt32BE(at);
      const position = bytes.readInt32BE(at + 4);
      if (offset <= previous.offset || position <= previous.position || position >= logSize) return false;
      previous = { offset, position };
    }
    return baseOffset >= 0;
  }
}

export class TimeIndex extends SparseIndex {
  constructor(baseOffset: number, maxIndexBytes: number, saved?: Buffer) {
    super(baseOffset, Math.floor(maxIndexBytes / TIME_ENTRY), TIME_ENTRY, saved);
  }

  timestampAt(i: number): number {
    return Number(this.data.readBigInt64BE(i * TIME_ENTRY));
  }

  offsetAt(i: number): number {
    return this.relativeOffsetAt(i, 8);
  }

  get lastEntry(): { timestamp: number; offset: number } | null {
    return this.count === 0 ? null : { timestamp: this.timestampAt(this.count - 1), offset: this.offsetAt(this.count - 1) };
  }

  /** Adds (timestamp, offset) if the timestamp is larger than the last entry's, as Kafka's maybeAppend does. */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (timestamp < 0 || (!skipFullCheck && this.isFull)) return;
    const last = this.lastEntry;
    if (last && (timestamp <= last.timestamp || offset < last.offset)) return;
    this.push((at) => {
      this.data.writeBigInt64BE(BigInt(timestamp), at);
      this.data.writeInt32BE(offset - this.baseOffset, at + 8);
    });
  }

  /**
   * The offset to scan from for the first record at or after `timestamp`: that of the last entry
   * below it (nothing before an entry is newer than the entry's timestamp), or the segment's start.
   */
  lookup(timestamp: number): number {
    const i = this.floor(timestamp - 1, (j) => this.timestampAt(j));
    return i === -1 ? this.baseOffset : this.offsetAt(i);
  }

  override truncateTo(offset: number): void {
    super.truncateTo(offset, (i) => this.offsetAt(i));
  }

  static isSane(bytes: Buffer): boolean {
    if (bytes.length % TIME_ENTRY !== 0) return false;
    let previous = { timestamp: -1, offset: -1 };
    for (let at = 0; at < bytes.length; at += TIME_ENTRY) {
      const timestamp = Number(bytes.readBigInt64BE(at));
      const offset = bytes.readInt32BE(at + 8);
      if (timestamp < previous.timestamp || offset < previous.offset) return false;
      previous = { timestamp, offset };
    }
    return true;
  }
}
