// Compaction (cleanup.policy=compact), as Kafka's LogCleaner does it, segment by segment:
//
// 1. The cleanable part of the log ends at the first uncleanable offset: the active segment's
//    base, the last stable offset, and the first dirty segment newer than min.compaction.lag.ms.
// 2. An offset map — each key's latest offset — is built from the dirty part (from where the last
//    pass stopped, the cleaner checkpoint, to the uncleanable offset).
// 3. Every closed segment from the log start is rewritten, grouped up to segment.bytes, keeping
//    only each key's latest record; a tombstone (null value) stays until delete.retention.ms after
//    the pass that first saw it; aborted transactions' records go, and, once their transaction has
//    no records left, so do their markers. Kept records keep their offsets, so offsets get gaps
//    and the log end offset never moves.

import { readBatchHeader, readRecords, rewriteBatch, type BatchHeader, type LogRecord } from '../protocol/records.ts';
import type { AbortedTransaction } from '../txn/producer-state.ts';
import type { PartitionLog } from './partition-log.ts';
import type { Segment, StoredBatch } from './segment.ts';

export interface CompactionSettings {
  now: number;
  /** delete.retention.ms: how long tombstones and markers stay after the pass that first saw them. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: segments with records newer than this stay uncleaned. */
  minCompactionLagMs: number;
  /** The cleaner stops at the first open transaction. */
  lastStableOffset: number;
  /** segment.bytes: cleaned segments are grouped up to this size. */
  segmentBytes: number;
}

export interface CompactionResult {
  /** Where this pass stopped: the next pass's first dirty offset. */
  firstUncleanableOffset: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  bytesRemoved: number;
}

/** Kafka's LogCleanerManager.cleanableOffsets: the first offset this pass may not clean. */
export function firstUncleanableOffset(log: PartitionLog, firstDirty: number, settings: CompactionSettings): number {
  const segments = log.segmentList;
  const active = segments.at(-1);
  let end = Math.min(settings.lastStableOffset, active?.baseOffset ?? log.endOffset);
  if (settings.minCompactionLagMs > 0) {
    const young = segments.slice(0, -1).find((s) => s.nextOffset > firstDirty && s.largestTimestamp > settings.now - settings.minCompactionLagMs);
    if (young) end = Math.min(end, young.baseOffset);
  }
  return end;
}

/** The closed segments a pass over [log start, `end`) reads: those beginning below `end`. */
export function cleanableSegments(log: PartitionLog, end: number): Segment[] {
  return log.segmentList.slice(0, -1).filter((s) => s.baseOffset < end);
}

interface OffsetMap {
  byKey: Map<string, number>;
  /** The last offset the map covers: records past it are kept. */
  maxOffset: number;
}

/** One cleaning pass; null when there is nothing to clean. */
export function compact(log: PartitionLog, firstDirty: number, settings: CompactionSettings): CompactionResult | null {
  const end = firstUncleanableOffset(log, firstDirty, settings);
  const segments = cleanableSegments(log, end);
  if (segments.length === 0 || end <= log.startOffset) return null;
  const cleanable = (batch: StoredBatch) => batch.lastOffset < end;
  const aborted = abortedIn(log.producers.aborted);
  const map = offsetMap(segments, Math.max(firstDirty, log.startOffset), end, cleanable, aborted);
  const emptyMarkers = markersOfEmptyTransactions(segments, cleanable);
  const lastRecords = log.producers.lastRecords();
  const isLastOfProducer = (header: BatchHeader, batch: StoredBatch) => {
    const last = lastRecords.get(header.producerId);
    if (header.producerId < 0 || !last) return false;
    if (last.lastDataOffset >= 0) return !header.control && batch.lastOffset === last.lastDataOffset;
    return header.control && header.producerEpoch === last.epoch;
  };

  const result: CompactionResult = { firstUncleanableOffset: end, recordsRemoved: 0, tombstonesRemoved: 0, bytesRemoved: 0 };
  const { now } = settings;
  for (const group of groupBySize(segments, settings.segmentBytes)) {
    const cleaned = log.cleanedSegment(group[0].baseOffset);
    let changed = false;
    for (const segment of group) {
      for (const batch of segment.batches()) {
        if (batch.baseOffset < log.startOffset && batch.lastOffset < log.startOffset) {
          changed = true; // below the log start: retention's to delete, nothing to keep
          continue;
        }
        if (!cleanable(batch)) {
          cleaned.append(batch);
          continue;
        }
        const header = readBatchHeader(batch.data);
        const records = readRecords(batch.data, header);
        const horizon = header.deleteHorizonMs;
        const canDiscard = header.control ? emptyMarkers.has(batch.baseOffset) : header.transactional && aborted(header.producerId, batch.baseOffset);
        // A marker only goes once its delete horizon has passed; an aborted transaction's records go at once.
        const discardAll = header.control ? canDiscard && horizon !== null && horizon <= now : canDiscard;
        const retainEmpty = isLastOfProducer(header, batch) || batch.lastOffset + 1 === end;
        const kept = discardAll ? [] : header.control ? records : records.filter((r) => keepRecord(r, map, horizon, now));
        result.recordsRemoved += records.length - kept.length;
        if (!header.control) result.tombstonesRemoved += countTombstones(records) - countTombstones(kept);

        let out: Buffer | null = null;
        if (kept.length > 0) {
          const needsHorizon = horizon === null && ((header.control && canDiscard) || kept.some((r) => r.value === null));
          out = kept.length === records.length && !needsHorizon ? batch.data : rewriteBatch(batch.data, kept, needsHorizon ? now + settings.deleteRetentionMs : horizon);
        } else if (retainEmpty) {
          // Kept as an empty batch: it holds its producer's last sequence and epoch, or the last offset cleaned.
          out = records.length === 0 ? batch.data : rewriteBatch(batch.data, [], null);
        }
        if (out !== batch.data) changed = true;
        if (out) cleaned.append({ baseOffset: batch.baseOffset, lastOffset: batch.lastOffset, maxTimestamp: readBatchHeader(out).maxTimestamp, data: out });
      }
    }
    if (!changed && group.length === 1) {
      cleaned.delete();
      continue;
    }
    result.bytesRemoved += group.reduce((sum, s) => sum + s.sizeInBytes, 0) - cleaned.sizeInBytes;
    log.replaceSegments(group, cleaned);
  }
  return result;
}

const countTombstones = (records: LogRecord[]) => records.filter((r) => r.value === null).length;

/** Kafka's Cleaner.shouldRetainRecord for record batch v2. */
function keepRecord(record: LogRecord, map: OffsetMap, horizon: number | null, now: number): boolean {
  if (record.offset > map.maxOffset) return true;
  if (record.key === null) return false; // a compacted topic has no use for a record without a key
  const isLatest = record.offset >= (map.byKey.get(record.key.toString('latin1')) ?? -1);
  return isLatest && (record.value !== null || horizon === null || now < horizon);
}

/** Whether a transactional data batch at `offset` belongs to an aborted transaction (from the producer state's aborted list). */
function abortedIn(transactions: readonly AbortedTransaction[]): (producerId: number, offset: number) => boolean {
  const byProducer = new Map<number, AbortedTransaction[]>();
  for (const t of transactions) byProducer.set(t.producerId, [...(byProducer.get(t.producerId) ?? []), t]);
  return (producerId, offset) => byProducer.get(producerId)?.some((t) => t.firstOffset <= offset && offset <= t.lastOffset) ?? false;
}

/**
 * The offset map: each key's highest offset in the dirty, cleanable batches, aborted transactions
 * left out. It covers the cleanable range up to `end` (Kafka's updateLatestOffset), so a pass with
 * nothing new still applies the other rules — tombstones past their delete horizon go.
 */
function offsetMap(segments: Segment[], firstDirty: number, end: number, cleanable: (b: StoredBatch) => boolean, aborted: (producerId: number, offset: number) => boolean): OffsetMap {
  const byKey = new Map<string, number>();
  for (const segment of segments) {
    if (segment.nextOffset <= firstDirty) continue;
    for (const batch of segment.batches(firstDirty)) {
      if (!cleanable(batch)) break;
      const header = readBatchHeader(batch.data);
      if (header.control || (header.transactional && aborted(header.producerId, batch.baseOffset))) continue;
      for (const record of readRecords(batch.data, header)) {
        if (record.key !== null && record.offset >= firstDirty) byKey.set(record.key.toString('latin1'), record.offset);
      }
    }
  }
  return { byKey, maxOffset: end - 1 };
}

/**
 * Markers (by offset) closing a transaction that has no data batch left in the log, so the marker
 * may go too; a marker the cleaner already emptied carries no type, and Kafka lets it go as well.
 */
function markersOfEmptyTransactions(segments: Segment[], cleanable: (b: StoredBatch) => boolean): Set<number> {
  const hasData = new Map<number, boolean>(); // producer id -> its open transaction has data batches
  const empty = new Set<number>();
  for (const segment of segments) {
    for (const batch of segment.batches()) {
      if (!cleanable(batch)) break;
      const header = readBatchHeader(batch.data);
      if (!header.transactional) continue;
      if (!header.control) {
        hasData.set(header.producerId, true);
        continue;
      }
      if (header.recordCount === 0 || !hasData.get(header.producerId)) empty.add(batch.baseOffset);
      hasData.delete(header.producerId);
    }
  }
  return empty;
}

/** Kafka's groupSegmentsBySize: consecutive segments whose sizes add up to at most segment.bytes. */
function groupBySize(segments: Segment[], maxBytes: number): Segment[][] {
  const groups: Segment[][] = [];
  for (const segment of segments) {
    const group = groups.at(-1);
    const size = group?.reduce((sum, s) => sum + s.sizeInBytes, 0) ?? Infinity;
    const range = group ? segment.nextOffset - group[0].baseOffset : Infinity;
    if (group && size + segment.sizeInBytes <= maxBytes && range <= 0x7fffffff) group.push(segment);
    else groups.push([segment]);
  }
  return groups;
}
