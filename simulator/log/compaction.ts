// Compaction (cleanup.policy=compact), as Kafka's LogCleaner does it: within the cleanable part of
// the log, keep only the latest record of each key; keep a tombstone (null value) until
// delete.retention.ms after the pass that first saw it; drop aborted transactions' records and,
// once their transaction has no records left, their markers. Kept records keep their offsets, so
// offsets get gaps and the log end offset never moves. Each stored batch counts as a segment; the
// newest is the active segment, which is never cleaned.

import { controlType, readBatchHeader, readRecords, rewriteBatch, type BatchHeader, type LogRecord } from '../protocol/records.ts';
import type { StoredBatch } from './partition-log.ts';

export interface CompactionSettings {
  now: number;
  /** delete.retention.ms: how long tombstones and markers stay after the pass that first saw them. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: batches newer than this stay uncleaned. */
  minCompactionLagMs: number;
  /** The cleaner stops at the first open transaction. */
  lastStableOffset: number;
}

export interface CompactionResult {
  /** The whole log after the pass. */
  batches: Buffer[];
  firstUncleanableOffset: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
}

/**
 * How many batches from the head may be cleaned, and the first offset that may not: the cleaner
 * stops at the active (newest) batch, at the last stable offset, and at the first batch whose
 * largest timestamp is within min.compaction.lag.ms of now.
 */
export function cleanableRange(batches: readonly StoredBatch[], settings: CompactionSettings): { count: number; firstUncleanableOffset: number } {
  let count = 0;
  while (count < batches.length - 1) {
    const batch = batches[count];
    if (batch.lastOffset >= settings.lastStableOffset) break;
    if (settings.minCompactionLagMs > 0 && batch.maxTimestamp > settings.now - settings.minCompactionLagMs) break;
    count++;
  }
  return { count, firstUncleanableOffset: batches[count]?.baseOffset ?? 0 };
}

interface Decoded {
  stored: StoredBatch;
  header: BatchHeader;
  records: LogRecord[];
}

/** One cleaning pass over a partition's batches; null when there is nothing to clean. */
export function compact(batches: readonly StoredBatch[], settings: CompactionSettings): CompactionResult | null {
  const { count, firstUncleanableOffset } = cleanableRange(batches, settings);
  if (count === 0) return null;
  const decoded: Decoded[] = batches.map((stored, i) => {
    const header = readBatchHeader(stored.data);
    return { stored, header, records: i < count ? readRecords(stored.data, header) : [] };
  });
  const txns = transactionsOf(decoded);
  const isLastOfProducer = lastBatchesOfProducers(decoded);
  const latest = latestOffsetsByKey(decoded.slice(0, count), txns.aborted);

  const { now } = settings;
  const out: Buffer[] = [];
  let recordsRemoved = 0;
  let tombstonesRemoved = 0;
  decoded.forEach(({ stored, header, records }, i) => {
    if (i >= count) {
      out.push(stored.data);
      return;
    }
    const horizon = header.deleteHorizonMs;
    const canDiscard = header.control ? txns.emptyMarkers.has(i) : txns.aborted.has(i);
    // A marker only goes once its delete horizon has passed; an aborted transaction's records go at once.
    const discardAll = header.control ? canDiscard && horizon !== null && horizon <= now : canDiscard;
    const retainEmpty = isLastOfProducer(i) || stored.lastOffset + 1 === firstUncleanableOffset;

    const kept = discardAll ? [] : header.control ? records : records.filter((r) => keepRecord(r, latest, horizon, now));
    recordsRemoved += records.length - kept.length;
    if (!header.control) tombstonesRemoved += countTombstones(records) - countTombstones(kept);

    if (kept.length > 0) {
      const needsHorizon = horizon === null && ((header.control && canDiscard) || kept.some((r) => r.value === null));
      if (kept.length === records.length && !needsHorizon) out.push(stored.data);
      else out.push(rewriteBatch(stored.data, kept, needsHorizon ? now + settings.deleteRetentionMs : horizon));
    } else if (retainEmpty) {
      // Kept as an empty batch: it holds its producer's last sequence and epoch, or the last offset cleaned.
      out.push(records.length === 0 ? stored.data : rewriteBatch(stored.data, [], null));
    }
  });
  return { batches: out, firstUncleanableOffset, recordsRemoved, tombstonesRemoved };
}

const countTombstones = (records: LogRecord[]) => records.filter((r) => r.value === null).length;

/** Kafka's Cleaner.shouldRetainRecord for record batch v2. */
function keepRecord(record: LogRecord, latest: { byKey: Map<string, number>; maxOffset: number }, horizon: number | null, now: number): boolean {
  if (record.offset > latest.maxOffset) return true;
  if (record.key === null) return false; // a compacted topic has no use for a record without a key
  const isLatest = record.offset >= (latest.byKey.get(record.key.toString('latin1')) ?? -1);
  return isLatest && (record.value !== null || horizon === null || now < horizon);
}

/** The offset map: each key's highest offset in the cleanable batches, aborted transactions left out. */
function latestOffsetsByKey(cleanable: Decoded[], aborted: Set<number>): { byKey: Map<string, number>; maxOffset: number } {
  const byKey = new Map<string, number>();
  let maxOffset = -1;
  cleanable.forEach(({ header, records }, i) => {
    if (header.control || aborted.has(i)) return;
    for (const record of records) {
      if (record.key === null) continue;
      byKey.set(record.key.toString('latin1'), record.offset);
      maxOffset = Math.max(maxOffset, record.offset);
    }
  });
  return { byKey, maxOffset };
}

/**
 * Walks the whole log's transactions: which data batches belong to aborted transactions, and which
 * markers close a transaction with no batch left in the log (so the marker may go too).
 */
function transactionsOf(decoded: Decoded[]): { aborted: Set<number>; emptyMarkers: Set<number> } {
  const open = new Map<number, number[]>(); // producer id -> its open transaction's batch indexes
  const aborted = new Set<number>();
  const emptyMarkers = new Set<number>();
  decoded.forEach(({ stored, header }, i) => {
    if (!header.transactional) return;
    const batches = open.get(header.producerId) ?? [];
    if (!header.control) {
      open.set(header.producerId, [...batches, i]);
      return;
    }
    open.delete(header.producerId);
    // A marker the cleaner already emptied carries no type; Kafka lets such a batch go.
    if (header.recordCount === 0 || batches.length === 0) emptyMarkers.add(i);
    else if (controlType(stored.data) === 'abort') for (const index of batches) aborted.add(index);
  });
  return { aborted, emptyMarkers };
}

/**
 * Kafka keeps, even when emptied, the batch holding each producer's last data offset (its last
 * sequence number) — or, for a producer with no data left, its marker of the latest epoch — so an
 * idempotent or transactional producer is not told its sequence is unknown after compaction.
 */
function lastBatchesOfProducers(decoded: Decoded[]): (index: number) => boolean {
  const lastData = new Map<number, number>();
  const lastEpoch = new Map<number, number>();
  decoded.forEach(({ header }, i) => {
    if (header.producerId < 0) return;
    if (!header.control) lastData.set(header.producerId, i);
    lastEpoch.set(header.producerId, header.producerEpoch);
  });
  return (i) => {
    const { header } = decoded[i];
    if (header.producerId < 0) return false;
    const data = lastData.get(header.producerId);
    if (data !== undefined) return data === i;
    return header.control && header.producerEpoch === lastEpoch.get(header.producerId);
  };
}
