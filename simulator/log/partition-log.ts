// One partition's log: record batches in offset order, with the log start offset that retention
// and DeleteRecords move, and the log end offset that appends move. Batches are kept as the bytes
// that go on the wire, so a fetch is a slice of this array. The log cleaner (cleaner.ts) replaces
// batches; compaction leaves gaps between offsets but never moves the end offset.

import { readBatchHeader, readRecords, stampBatch } from '../protocol/records.ts';
import type { PartitionStore } from './store.ts';

export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly data: Buffer;
}

export class PartitionLog {
  private batches: StoredBatch[] = [];
  startOffset = 0;
  endOffset = 0;
  sizeInBytes = 0;

  constructor(private readonly store: PartitionStore) {
    const saved = store.load();
    for (const data of saved.batches) this.push(data);
    // The file may still hold batches that DeleteRecords removed before the restart: drop them again.
    // The saved start offset wins over the first batch's, which compaction may have removed.
    this.dropBelow(saved.startOffset);
    if (this.batches.length === 0) this.endOffset = Math.max(this.endOffset, this.startOffset);
  }

  private push(data: Buffer): StoredBatch {
    const header = readBatchHeader(data);
    const batch = {
      baseOffset: header.baseOffset,
      lastOffset: header.baseOffset + header.lastOffsetDelta,
      maxTimestamp: header.maxTimestamp,
      data,
    };
    this.batches.push(batch);
    this.endOffset = batch.lastOffset + 1;
    this.sizeInBytes += data.length;
    return batch;
  }

  /** Appends a validated batch: copies it, assigns its offsets and persists it. */
  append(received: Buffer, leaderEpoch: number): StoredBatch {
    const data = Buffer.from(received);
    stampBatch(data, this.endOffset, leaderEpoch);
    this.store.append(data);
    return this.push(data);
  }

  /** Appends a batch copied from the leader, as it is: a follower keeps the leader's offsets and epochs. */
  appendCopy(data: Buffer): StoredBatch {
    this.store.append(data);
    return this.push(data);
  }

  /**
   * Cuts the log back to `offset` (whole batches: a batch holding it goes too), as a follower does
   * when its log diverged from its new leader's. Returns how many offsets were cut.
   */
  truncateTo(offset: number): number {
    const before = this.endOffset;
    if (offset >= before) return 0;
    const kept = this.batches.filter((b) => b.lastOffset < offset);
    const endOffset = kept.at(-1) ? kept.at(-1)!.lastOffset + 1 : Math.min(this.startOffset, offset);
    this.store.rewrite(kept.map((b) => b.data));
    this.batches = [];
    this.sizeInBytes = 0;
    for (const b of kept) this.push(b.data);
    this.endOffset = Math.max(endOffset, this.startOffset);
    return before - this.endOffset;
  }

  /** Index of the first batch whose last offset is at or after `offset`. */
  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.batches[mid].lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches from the one holding `offset`, below `maxOffset` (the high watermark), within
   * `maxBytes` — except that the first batch is returned even when larger, as Kafka does (KIP-74).
   */
  read(offset: number, maxOffset: number, maxBytes: number, allowOversizedFirst = true): StoredBatch[] {
    const out: StoredBatch[] = [];
    let bytes = 0;
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch.lastOffset >= maxOffset) break;
      if (bytes + batch.data.length > maxBytes && (out.length > 0 || !allowOversizedFirst)) break;
      out.push(batch);
      bytes += batch.data.length;
    }
    return out;
  }

  /** The first record at or after `timestamp` (ListOffsets by time), below `maxOffset`. */
  offsetForTimestamp(timestamp: number, maxOffset: number): { offset: number; timestamp: number } | null {
    for (const batch of this.batches) {
      if (batch.baseOffset >= maxOffset) break;
      if (batch.maxTimestamp < timestamp || batch.lastOffset < this.startOffset) continue;
      for (const record of readRecords(batch.data)) {
        if (record.offset >= this.startOffset && record.offset < maxOffset && record.timestamp >= timestamp) {
          return { offset: record.offset, timestamp: record.timestamp };
        }
      }
    }
    return null;
  }

  /** Moves the log start offset forward, dropping batches wholly below it. */
  advanceStartOffset(offset: number): void {
    if (offset <= this.startOffset) return;
    this.dropBelow(offset);
    this.store.setStartOffset(offset);
  }

  /**
   * Replaces every batch with what the log cleaner kept, moving the start offset to `startOffset`
   * if that is further on, and persists both. The end offset stays where appends left it.
   */
  replace(kept: Buffer[], startOffset: number): void {
    const endOffset = this.endOffset;
    if (startOffset > this.startOffset) {
      // Saved first: a crash before the rewrite finishes then still drops the deleted batches on load.
      this.store.setStartOffset(startOffset);
      this.startOffset = startOffset;
    }
    this.store.rewrite(kept);
    this.batches = [];
    this.sizeInBytes = 0;
    for (const data of kept) this.push(data);
    this.endOffset = endOffset;
  }

  private dropBelow(offset: number): void {
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    this.endOffset = Math.max(this.endOffset, offset);
    let drop = 0;
    while (drop < this.batches.length && this.batches[drop].lastOffset < offset) {
      this.sizeInBytes -= this.batches[drop].data.length;
      drop++;
    }
    this.batches.splice(0, drop);
  }

  get batchCount(): number {
    return this.batches.length;
  }
}
