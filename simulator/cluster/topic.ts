// Topics and partitions: each partition has a replica list, a leader, an in-sync replica set and a
// leader epoch, like Kafka's, and one log per replica (replication.ts keeps the followers' logs
// following the leader's).

import { PartitionLog, type LogCut, type StoredBatch } from '../log/partition-log.ts';
import type { LogStorage } from '../log/storage.ts';
import type { BatchHeader } from '../protocol/records.ts';
import type { ProducerState } from '../txn/producer-state.ts';
import { Replica } from './replica.ts';
import { TopicConfig } from './configs.ts';

export interface PartitionLogSetup {
  storage: LogStorage;
  /** Created now, not restored: old files of the same name are discarded. */
  fresh: boolean;
  /** A replica's log met damaged bytes while running, and was cut before them. */
  onDamage(partition: Partition, cut: LogCut): void;
}

export class Partition {
  leaderEpoch = 0;
  /** The in-sync replicas, as the controller knows them. */
  isr: number[];
  /**
   * While a reassignment runs (reassignments.ts): the replicas being added, which copy the log and
   * must join the ISR, and those being removed once they have. Both are in `replicas` meanwhile.
   */
  adding: number[] = [];
  removing: number[] = [];
  private waiters = new Set<() => void>();
  readonly replicaLogs = new Map<number, Replica>();

  constructor(
    readonly topic: Topic,
    readonly index: number,
    public replicas: number[],
    /** The leader as the controller knows it; -1 while the partition is offline. */
    public leader: number,
    setup: PartitionLogSetup,
  ) {
    this.isr = [...replicas];
    for (const id of replicas) this.addReplicaLog(id, setup);
    const leaderReplica = this.replica(leader);
    if (leaderReplica) leaderReplica.believesLeader = true;
    this.settleHighWatermark();
  }

  /** Gives `brokerId` a copy of this partition: its own log (empty unless `setup` restores one), which replication then fills. */
  addReplicaLog(brokerId: number, { storage, fresh, onDamage }: PartitionLogSetup): Replica {
    const log = new PartitionLog({ topic: this.topic.name, partition: this.index, storage: storage.broker(brokerId), config: this.topic.config, fresh });
    log.onDamage = (cut) => onDamage(this, cut);
    const replica = new Replica(brokerId, log);
    replica.knownLeaderEpoch = this.leaderEpoch;
    this.replicaLogs.set(brokerId, replica);
    return replica;
  }

  /** Deletes `brokerId`'s copy of this partition (a replica a reassignment moved away). */
  removeReplicaLog(brokerId: number): void {
    this.replicaLogs.get(brokerId)?.log.delete();
    this.replicaLogs.delete(brokerId);
  }

  get reassigning(): boolean {
    return this.adding.length > 0 || this.removing.length > 0;
  }

  /**
   * After a restart every in-sync replica counts as caught up to what it holds: the high
   * watermark is what all of them have, as a leader recovering its ISR would find.
   */
  settleHighWatermark(): void {
    if (!this.replica(this.leader)) return;
    const inSync = this.isr.map((id) => this.replica(id)).filter((r) => r !== undefined);
    const highWatermark = Math.min(...inSync.map((r) => r.logEndOffset));
    for (const r of this.replicaLogs.values()) r.highWatermark = Math.min(highWatermark, r.logEndOffset);
  }

  /** The leader's producer state (each replica's log keeps its own). */
  get producers(): ProducerState {
    return this.log.producers;
  }

  replica(brokerId: number): Replica | undefined {
    return this.replicaLogs.get(brokerId);
  }

  /** The leader's log (the first replica's while the partition is offline). */
  get log(): PartitionLog {
    return (this.replica(this.leader) ?? this.replicaLogs.get(this.replicas[0])!).log;
  }

  /** Whether `brokerId` acts as this partition's leader — by its own view, which a split can make stale. */
  isLedBy(brokerId: number): boolean {
    return this.replica(brokerId)?.believesLeader === true;
  }

  /** The log a broker serves: its own replica's. */
  logOn(brokerId: number): PartitionLog {
    return this.replica(brokerId)?.log ?? this.log;
  }

  get highWatermark(): number {
    return this.highWatermarkOn(this.leader);
  }

  highWatermarkOn(brokerId: number): number {
    return (this.replica(brokerId) ?? this.replicaLogs.get(this.replicas[0])!).highWatermark;
  }

  /**
   * What read_committed consumers may read up to: the high watermark, or the first open transaction —
   * never below the log start offset, which retention may move past a transaction's first batch.
   */
  get lastStableOffset(): number {
    return this.lastStableOffsetOn(this.leader);
  }

  lastStableOffsetOn(brokerId: number): number {
    const log = this.logOn(brokerId);
    return Math.max(log.startOffset, log.producers.lastStableOffset(this.highWatermarkOn(brokerId)));
  }

  /**
   * Appends one validated batch to the log of `brokerId` (the leader, by its own view), after
   * checking its producer's epoch and sequence. A retry of a batch already in the log is not
   * appended again: its original offset is returned instead.
   */
  appendBatch(batch: Buffer, header: BatchHeader, brokerId = this.leader): { baseOffset: number; stored: StoredBatch | null } {
    const replica = this.replica(brokerId) ?? this.replica(this.leader)!;
    const duplicateOf = replica.log.producers.check(header);
    if (duplicateOf !== null) return { baseOffset: duplicateOf, stored: null };
    const stored = replica.log.append(batch, replica.knownLeaderEpoch);
    return { baseOffset: stored.baseOffset, stored };
  }

  /**
   * Waits until the high watermark on `brokerId` reaches `offset` (acks=all): 'reached', or
   * 'not-leader' if the broker stops leading meanwhile, or 'timeout'.
   */
  async waitForHighWatermark(brokerId: number, offset: number, timeoutMs: number): Promise<'reached' | 'not-leader' | 'timeout'> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.isLedBy(brokerId)) return 'not-leader';
      if (this.highWatermarkOn(brokerId) >= offset) return 'reached';
      const remaining = deadline - Date.now();
      if (remaining <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          cancel();
          resolve();
        }, remaining);
        const cancel = this.onNextAppend(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Calls `wake` once, on the next append or high watermark move; returns a function that cancels the wait. */
  onNextAppend(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  notifyAppend(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

export class Topic {
  readonly partitions: Partition[] = [];
  readonly config: TopicConfig;

  constructor(
    readonly name: string,
    readonly id: string,
    configs: Record<string, string>,
    readonly internal = false,
  ) {
    this.config = new TopicConfig(configs);
  }

  get replicationFactor(): number {
    return this.partitions[0]?.replicas.length ?? 0;
  }

  /** cleanup.policy: "delete" (retention), "compact" (keep the latest record per key), or both. */
  get cleanupPolicy(): { delete: boolean; compact: boolean } {
    const policies = this.config.get('cleanup.policy').split(',').map((s) => s.trim());
    return { delete: policies.includes('delete'), compact: policies.includes('compact') };
  }
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic.validate, 4.x messages); returns why not, or null. */
export function invalidTopicName(name: string): string | null {
  const invalid = (why: string) => `Topic name is invalid: ${why}`;
  if (name.length === 0) return invalid('the empty string is not allowed');
  if (name === '.' || name === '..') return invalid(`'${name}' is not allowed`);
  if (name.length > MAX_TOPIC_NAME_LENGTH) return invalid(`the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`);
  if (!LEGAL_NAME.test(name)) return invalid(`'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`);
  return null;
}

/** Kafka refuses topics whose names differ only by '.' versus '_' (they collide in metric names). */
export const collisionKey = (name: string) => name.replaceAll('.', '_');
