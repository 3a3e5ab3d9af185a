// Topics and partitions: each partition has a replica list, a leader, an in-sync replica set and a
// leader epoch, like Kafka's. Until the replication model lands every replica is in sync, so the
// high watermark is the leader's log end offset.

import { PartitionLog, type StoredBatch } from '../log/partition-log.ts';
import { controlType, readBatchHeader, type BatchHeader } from '../protocol/records.ts';
import { ProducerState } from '../txn/producer-state.ts';
import type { Store } from '../log/store.ts';
import { TopicConfig } from './configs.ts';

export class Partition {
  leaderEpoch = 0;
  isr: number[];
  private waiters = new Set<() => void>();
  readonly log: PartitionLog;
  readonly producers = new ProducerState();

  constructor(
    readonly topic: Topic,
    readonly index: number,
    public replicas: number[],
    public leader: number,
    store: Store,
  ) {
    this.isr = [...replicas];
    this.log = new PartitionLog(store.partition(topic.name, index));
    for (const stored of this.log.read(this.log.startOffset, Infinity, Infinity)) this.trackProducer(stored, readBatchHeader(stored.data));
  }

  get highWatermark(): number {
    return this.log.endOffset;
  }

  /**
   * What read_committed consumers may read up to: the high watermark, or the first open transaction —
   * never below the log start offset, which retention may move past a transaction's first batch.
   */
  get lastStableOffset(): number {
    return Math.max(this.log.startOffset, this.producers.lastStableOffset(this.highWatermark));
  }

  /**
   * Appends one validated batch after checking its producer's epoch and sequence. A retry of a
   * batch already in the log is not appended again: its original offset is returned instead.
   */
  appendBatch(batch: Buffer, header: BatchHeader): { baseOffset: number; stored: StoredBatch | null } {
    const duplicateOf = this.producers.check(header);
    if (duplicateOf !== null) return { baseOffset: duplicateOf, stored: null };
    const stored = this.log.append(batch, this.leaderEpoch);
    this.trackProducer(stored, header);
    return { baseOffset: stored.baseOffset, stored };
  }

  private trackProducer(stored: StoredBatch, header: BatchHeader): void {
    if (header.control) this.producers.recordMarker(header.producerId, header.producerEpoch, controlType(stored.data), stored.baseOffset);
    else this.producers.recordBatch(header, stored.baseOffset);
  }

  /** Calls `wake` once, on the next append; returns a function that cancels the wait. */
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
