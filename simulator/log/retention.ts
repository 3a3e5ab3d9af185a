// Retention (cleanup.policy=delete), as Kafka's UnifiedLog.deleteOldSegments decides it. Kafka
// deletes whole segments from the head of the log; kafka-lab has no segments, so each stored batch
// counts as a segment of its own (see FIDELITY.md).

import type { StoredBatch } from './partition-log.ts';

export type RetentionReason = 'retention.bytes' | 'retention.ms';

export interface RetentionLimits {
  /** retention.ms; -1 keeps data forever. */
  retentionMs: number;
  /** retention.bytes; -1 means no size limit. */
  retentionBytes: number;
}

/**
 * How many batches from the head of the log retention deletes. As in Kafka, retention.bytes goes
 * first — the oldest batch goes while what remains is still at least retention.bytes — then
 * retention.ms — the oldest batch goes while its largest timestamp is more than retention.ms before
 * `now`. Only batches wholly below the high watermark, and only a run from the head: the first batch
 * to keep ends the deletion. Unlike compaction, retention may delete the newest batch too (Kafka
 * rolls a new active segment first).
 */
export function expiredBatches(
  batches: readonly StoredBatch[],
  limits: RetentionLimits,
  now: number,
  highWatermark: number,
  sizeInBytes: number,
): { count: number; reasons: RetentionReason[] } {
  const below = (batch: StoredBatch) => batch.lastOffset < highWatermark;
  const reasons: RetentionReason[] = [];
  let count = 0;
  if (limits.retentionBytes >= 0 && sizeInBytes >= limits.retentionBytes) {
    let excess = sizeInBytes - limits.retentionBytes;
    const before = count;
    while (count < batches.length && below(batches[count]) && excess >= batches[count].data.length) {
      excess -= batches[count].data.length;
      count++;
    }
    if (count > before) reasons.push('retention.bytes');
  }
  if (limits.retentionMs >= 0) {
    const before = count;
    const expired = (batch: StoredBatch) => batch.maxTimestamp >= 0 && now - batch.maxTimestamp > limits.retentionMs;
    while (count < batches.length && below(batches[count]) && expired(batches[count])) count++;
    if (count > before) reasons.push('retention.ms');
  }
  return { count, reasons };
}
