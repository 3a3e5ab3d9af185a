// The log cleaner: retention for cleanup.policy=delete (Kafka checks every
// log.retention.check.interval.ms) and compaction for cleanup.policy=compact (Kafka's cleaner
// threads look for a dirty enough log every log.cleaner.backoff.ms), on timers as Kafka runs them,
// or at once on demand so a lab can show the effect without waiting. Each broker cleans its own
// replica of a partition, as each Kafka broker cleans its own logs; what is reported is the
// leader's.

import type { Cluster } from '../cluster/cluster.ts';
import type { Replica } from '../cluster/replica.ts';
import type { Partition } from '../cluster/topic.ts';
import { cleanableSegments, compact, firstUncleanableOffset, type CompactionSettings } from './compaction.ts';
import type { PartitionLog } from './partition-log.ts';
import { expiredSegments, type RetentionReason } from './retention.ts';

export interface CleanLogsOptions {
  /** Only this topic's partitions (default: every topic, internal ones included). */
  topic?: string;
  /** The time to clean as of, instead of now: retention.ms, delete.retention.ms and min.compaction.lag.ms count from it. */
  now?: number;
  /**
   * Roll every log's active segment first, as the next append after segment.ms would: all that
   * was written so far can then be cleaned (Kafka never cleans the active segment).
   */
  roll?: boolean;
}

export interface PartitionCleaning {
  topic: string;
  partition: number;
  /** Whole segments retention deleted from the head of the log, and the records (offsets) they held. */
  deleted: { segments: number; records: number; bytes: number; reasons: RetentionReason[] };
  /** What compaction removed: superseded records, expired tombstones, aborted transactions' records, markers. */
  compacted: { records: number; bytes: number; tombstones: number };
  logStartOffset: number;
  logEndOffset: number;
  sizeInBytes: number;
  segments: number;
}

export interface CleanerIntervals {
  /** Kafka's log.retention.check.interval.ms. */
  retentionCheckIntervalMs: number;
  /** Kafka's log.cleaner.backoff.ms. */
  cleanerBackoffMs: number;
}

interface Work {
  retention: boolean;
  compaction: boolean;
  roll: boolean;
}

export class LogCleaner {
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
  cleanLogs({ topic, now = Date.now(), roll = false }: CleanLogsOptions = {}): PartitionCleaning[] {
    const topics = topic === undefined ? [...this.cluster.topics.values()] : [this.cluster.topics.require(topic)];
    return topics.flatMap((t) => t.partitions.map((partition) => this.clean(partition, now, { retention: true, compaction: t.cleanupPolicy.compact, roll })));
  }

  private backgroundPass(kind: 'retention' | 'compaction'): void {
    const now = Date.now();
    for (const topic of this.cluster.topics.values()) {
      for (const partition of topic.partitions) {
        try {
          if (kind === 'retention') this.clean(partition, now, { retention: true, compaction: false, roll: false });
          else if (topic.cleanupPolicy.compact) this.clean(partition, now, { retention: false, compaction: true, roll: false }, (replica) => this.dirtyEnough(partition, replica, now));
        } catch {
          // As Kafka marks such a partition uncleanable, leave it be; the broker carries on.
        }
      }
    }
  }

  /** Cleans every replica on a running broker; reports the leader's. */
  private clean(partition: Partition, now: number, work: Work, picked: (replica: Replica) => boolean = () => true): PartitionCleaning {
    const leader = partition.replica(partition.leader) ?? partition.replicaLogs.get(partition.replicas[0])!;
    let reported: PartitionCleaning | null = null;
    for (const replica of partition.replicaLogs.values()) {
      if (this.cluster.brokers.get(replica.brokerId)?.state !== 'up' || !picked(replica)) continue;
      const result = this.cleanReplica(partition, replica, now, work);
      if (replica === leader) reported = result;
    }
    reported ??= this.outcome(partition, leader.log);
    if (reported.deleted.segments > 0 || reported.compacted.records > 0) this.cluster.events.emit({ type: 'log-cleaned', ...reported });
    return reported;
  }

  private outcome(partition: Partition, log: PartitionLog): PartitionCleaning {
    return {
      topic: partition.topic.name,
      partition: partition.index,
      deleted: { segments: 0, records: 0, bytes: 0, reasons: [] },
      compacted: { records: 0, bytes: 0, tombstones: 0 },
      logStartOffset: log.startOffset,
      logEndOffset: log.endOffset,
      sizeInBytes: log.sizeInBytes,
      segments: log.segmentCount,
    };
  }

  private cleanReplica(partition: Partition, replica: Replica, now: number, work: Work): PartitionCleaning {
    const { log } = replica;
    if (work.roll && log.endOffset > (log.segmentList.at(-1)?.baseOffset ?? log.endOffset)) log.roll();
    const deleted = work.retention ? this.applyRetention(partition, replica, now) : null;
    const compacted = work.compaction ? this.applyCompaction(partition, replica, now) : null;
    const result = this.outcome(partition, log);
    if (deleted) result.deleted = deleted;
    if (compacted) result.compacted = compacted;
    return result;
  }

  private applyRetention(partition: Partition, replica: Replica, now: number): PartitionCleaning['deleted'] | null {
    const { log } = replica;
    const config = partition.topic.config;
    const limits = { deletePolicy: partition.topic.cleanupPolicy.delete, retentionMs: config.number('retention.ms'), retentionBytes: config.number('retention.bytes') };
    const position = { logStartOffset: log.startOffset, logEndOffset: log.endOffset, highWatermark: partition.highWatermarkOn(replica.brokerId) };
    const { count, reasons } = expiredSegments(log.segmentList, limits, now, position);
    if (count === 0) return null;
    const startBefore = log.startOffset;
    const bytes = log.deleteOldestSegments(count);
    return { segments: count, records: log.startOffset - startBefore, bytes, reasons };
  }

  private applyCompaction(partition: Partition, replica: Replica, now: number): PartitionCleaning['compacted'] | null {
    const { log } = replica;
    const outcome = compact(log, log.firstDirtyOffset, this.settings(partition, replica, now));
    if (!outcome) return null;
    log.firstDirtyOffset = outcome.firstUncleanableOffset;
    return { records: outcome.recordsRemoved, bytes: outcome.bytesRemoved, tombstones: outcome.tombstonesRemoved };
  }

  private settings(partition: Partition, replica: Replica, now: number): CompactionSettings {
    const config = partition.topic.config;
    return {
      now,
      deleteRetentionMs: config.number('delete.retention.ms'),
      minCompactionLagMs: config.number('min.compaction.lag.ms'),
      lastStableOffset: partition.lastStableOffsetOn(replica.brokerId),
      segmentBytes: config.number('segment.bytes'),
    };
  }

  /**
   * Whether Kafka's cleaner would pick this log: the dirty share of its cleanable bytes is above
   * min.cleanable.dirty.ratio, or its oldest dirty segment began longer than max.compaction.lag.ms ago.
   */
  private dirtyEnough(partition: Partition, replica: Replica, now: number): boolean {
    const { log } = replica;
    const firstDirty = log.firstDirtyOffset;
    const end = firstUncleanableOffset(log, firstDirty, this.settings(partition, replica, now));
    const segments = cleanableSegments(log, end);
    const dirty = segments.filter((s) => s.nextOffset > firstDirty);
    const dirtyBytes = dirty.reduce((sum, s) => sum + s.sizeInBytes, 0);
    const cleanBytes = segments.filter((s) => s.baseOffset < firstDirty).reduce((sum, s) => sum + s.sizeInBytes, 0);
    if (dirtyBytes === 0) return false;
    const config = partition.topic.config;
    const firstBatchTimestamp = dirty[0].rollingBasedTimestamp;
    const overdue = firstBatchTimestamp > 0 && now - firstBatchTimestamp > config.number('max.compaction.lag.ms');
    return overdue || dirtyBytes / (dirtyBytes + cleanBytes) > config.number('min.cleanable.dirty.ratio');
  }
}
