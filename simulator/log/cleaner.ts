// The log cleaner: retention for cleanup.policy=delete (Kafka checks every
// log.retention.check.interval.ms) and compaction for cleanup.policy=compact (Kafka's cleaner
// threads look for a dirty enough log every log.cleaner.backoff.ms), on timers as Kafka runs them,
// or at once on demand so a lab can show the effect without waiting.

import type { Cluster } from '../cluster/cluster.ts';
import type { Partition } from '../cluster/topic.ts';
import { readBatchHeader } from '../protocol/records.ts';
import { cleanableRange, compact, type CompactionSettings } from './compaction.ts';
import { expiredBatches, type RetentionReason } from './retention.ts';

export interface CleanLogsOptions {
  /** Only this topic's partitions (default: every topic, internal ones included). */
  topic?: string;
  /** The time to clean as of, instead of now: retention.ms, delete.retention.ms and min.compaction.lag.ms count from it. */
  now?: number;
}

export interface PartitionCleaning {
  topic: string;
  partition: number;
  /** Whole batches retention deleted from the head of the log. */
  deleted: { batches: number; records: number; bytes: number; reasons: RetentionReason[] };
  /** What compaction removed: superseded records, expired tombstones, aborted transactions' records, markers. */
  compacted: { records: number; bytes: number; tombstones: number };
  logStartOffset: number;
  logEndOffset: number;
  sizeInBytes: number;
}

export interface CleanerIntervals {
  /** Kafka's log.retention.check.interval.ms. */
  retentionCheckIntervalMs: number;
  /** Kafka's log.cleaner.backoff.ms. */
  cleanerBackoffMs: number;
}

export class LogCleaner {
  /** Kafka's cleaner checkpoint: where each partition's uncleaned (dirty) records begin. */
  private readonly firstDirty = new WeakMap<Partition, number>();
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly intervals: CleanerIntervals,
  ) {}

  start(): void {
    this.every(this.intervals.retentionCheckIntervalMs, () => this.backgroundPass('retention'));
    this.every(this.intervals.cleanerBackoffMs, () => this.backgroundPass('compaction'));
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  private every(ms: number, run: () => void): void {
    if (!Number.isFinite(ms) || ms <= 0) return; // disabled
    this.timers.push(setInterval(run, ms).unref());
  }

  /** Runs retention and compaction now on every partition (or one topic's), as the policies say. */
  cleanLogs({ topic, now = Date.now() }: CleanLogsOptions = {}): PartitionCleaning[] {
    const topics = topic === undefined ? [...this.cluster.topics.values()] : [this.cluster.topics.require(topic)];
    return topics.flatMap((t) =>
      t.partitions.map((partition) => this.clean(partition, now, { retention: t.cleanupPolicy.delete, compaction: t.cleanupPolicy.compact })),
    );
  }

  private backgroundPass(kind: 'retention' | 'compaction'): void {
    const now = Date.now();
    for (const topic of this.cluster.topics.values()) {
      for (const partition of topic.partitions) {
        try {
          if (kind === 'retention' && topic.cleanupPolicy.delete) this.clean(partition, now, { retention: true, compaction: false });
          if (kind === 'compaction' && topic.cleanupPolicy.compact && this.dirtyEnough(partition, now)) {
            this.clean(partition, now, { retention: false, compaction: true });
          }
        } catch {
          // As Kafka marks such a partition uncleanable, leave it be; the broker carries on.
        }
      }
    }
  }

  private clean(partition: Partition, now: number, what: { retention: boolean; compaction: boolean }): PartitionCleaning {
    const { log } = partition;
    const result: PartitionCleaning = {
      topic: partition.topic.name,
      partition: partition.index,
      deleted: { batches: 0, records: 0, bytes: 0, reasons: [] },
      compacted: { records: 0, bytes: 0, tombstones: 0 },
      logStartOffset: log.startOffset,
      logEndOffset: log.endOffset,
      sizeInBytes: log.sizeInBytes,
    };
    if (what.retention) this.applyRetention(partition, now, result);
    if (what.compaction) this.applyCompaction(partition, now, result);
    Object.assign(result, { logStartOffset: log.startOffset, logEndOffset: log.endOffset, sizeInBytes: log.sizeInBytes });
    if (result.deleted.batches > 0 || result.compacted.records > 0) this.cluster.events.emit({ type: 'log-cleaned', ...result });
    return result;
  }

  private applyRetention(partition: Partition, now: number, result: PartitionCleaning): void {
    const { log } = partition;
    const config = partition.topic.config;
    const batches = log.read(log.startOffset, Infinity, Infinity);
    const limits = { retentionMs: config.number('retention.ms'), retentionBytes: config.number('retention.bytes') };
    const { count, reasons } = expiredBatches(batches, limits, now, partition.highWatermark, log.sizeInBytes);
    if (count === 0) return;
    const deleted = batches.slice(0, count);
    log.replace(batches.slice(count).map((b) => b.data), batches[count]?.baseOffset ?? log.endOffset);
    partition.producers.dropBefore(log.startOffset);
    result.deleted = {
      batches: count,
      records: deleted.reduce((sum, b) => sum + readBatchHeader(b.data).recordCount, 0),
      bytes: deleted.reduce((sum, b) => sum + b.data.length, 0),
      reasons,
    };
  }

  private applyCompaction(partition: Partition, now: number, result: PartitionCleaning): void {
    const { log } = partition;
    const batches = log.read(log.startOffset, Infinity, Infinity);
    const outcome = compact(batches, this.settings(partition, now));
    if (!outcome) return;
    const before = log.sizeInBytes;
    const changed = outcome.batches.length !== batches.length || outcome.batches.some((data, i) => data !== batches[i].data);
    if (changed) log.replace(outcome.batches, log.startOffset);
    this.firstDirty.set(partition, outcome.firstUncleanableOffset);
    result.compacted = { records: outcome.recordsRemoved, bytes: before - log.sizeInBytes, tombstones: outcome.tombstonesRemoved };
  }

  private settings(partition: Partition, now: number): CompactionSettings {
    const config = partition.topic.config;
    return {
      now,
      deleteRetentionMs: config.number('delete.retention.ms'),
      minCompactionLagMs: config.number('min.compaction.lag.ms'),
      lastStableOffset: partition.lastStableOffset,
    };
  }

  /**
   * Whether Kafka's cleaner would pick this log: its dirty share of the cleanable bytes is above
   * min.cleanable.dirty.ratio, or a dirty record has waited longer than max.compaction.lag.ms.
   */
  private dirtyEnough(partition: Partition, now: number): boolean {
    const { log } = partition;
    const batches = log.read(log.startOffset, Infinity, Infinity);
    const { count } = cleanableRange(batches, this.settings(partition, now));
    const firstDirty = Math.max(this.firstDirty.get(partition) ?? 0, log.startOffset);
    const cleanable = batches.slice(0, count);
    const dirty = cleanable.filter((b) => b.lastOffset >= firstDirty);
    const dirtyBytes = dirty.reduce((sum, b) => sum + b.data.length, 0);
    const totalBytes = cleanable.reduce((sum, b) => sum + b.data.length, 0);
    if (dirtyBytes === 0) return false;
    const config = partition.topic.config;
    const overdue = dirty.some((b) => b.maxTimestamp > 0 && b.maxTimestamp < now - config.number('max.compaction.lag.ms'));
    return overdue || dirtyBytes / totalBytes > config.number('min.cleanable.dirty.ratio');
  }
}
