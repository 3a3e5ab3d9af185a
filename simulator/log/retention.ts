// Retention, as Kafka's UnifiedLog.deleteOldSegments decides it: whole segments from the head of
// the log, only while each lies wholly below the high watermark, and never the empty active one.
// Three rules, in Kafka's order: segments wholly below the log start offset (DeleteRecords moved
// it), then — cleanup.policy=delete only — the oldest segments while what remains is still at
// least retention.bytes, then segments whose newest record is older than retention.ms. When every
// segment goes, the log first rolls an empty active segment (partition-log.ts).

import type { Segment } from './segment.ts';

export type RetentionReason = 'retention.bytes' | 'retention.ms' | 'log-start-offset';

export interface RetentionLimits {
  /** cleanup.policy includes delete: retention.bytes and retention.ms apply. */
  deletePolicy: boolean;
  /** retention.ms; -1 keeps data forever. */
  retentionMs: number;
  /** retention.bytes; -1 means no size limit. */
  retentionBytes: number;
}

export interface LogPosition {
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

/** How many segments from the head of the log retention deletes, and by which rules. */
export function expiredSegments(segments: readonly Segment[], limits: RetentionLimits, now: number, log: LogPosition): { count: number; reasons: RetentionReason[] } {
  const upperBound = (i: number) => segments[i + 1]?.baseOffset ?? log.logEndOffset;
  const deletable = (i: number) => i < segments.length && log.highWatermark >= upperBound(i) && !(i === segments.length - 1 && segments[i].sizeInBytes === 0);
  const reasons: RetentionReason[] = [];
  let count = 0;
  const pass = (reason: RetentionReason, applies: (segment: Segment, i: number) => boolean) => {
    const before = count;
    while (deletable(count) && applies(segments[count], count)) count++;
    if (count > before) reasons.push(reason);
  };
  pass('log-start-offset', (_, i) => i + 1 < segments.length && segments[i + 1].baseOffset <= log.logStartOffset);
  if (!limits.deletePolicy) return { count, reasons };
  const remaining = segments.slice(count).reduce((sum, s) => sum + s.sizeInBytes, 0);
  if (limits.retentionBytes >= 0 && remaining >= limits.retentionBytes) {
    let excess = remaining - limits.retentionBytes;
    pass('retention.bytes', (segment) => {
      if (excess - segment.sizeInBytes < 0) return false;
      excess -= segment.sizeInBytes;
      return true;
    });
  }
  if (limits.retentionMs >= 0) pass('retention.ms', (segment) => now - segment.largestTimestamp > limits.retentionMs);
  return { count, reasons };
}
