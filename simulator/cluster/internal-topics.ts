// Kafka's internal topics and how a key (a group id, a transactional id) is placed on one of
// their partitions: Utils.abs(key.hashCode()) % partitions. The leader of that partition is the
// key's coordinator, so coordinators move when partition leaders move.

import { KafkaError } from '../protocol/errors.ts';
import { encodeBatch, readBatchHeader, readRecords, type LogRecord, type NewRecord } from '../protocol/records.ts';
import type { Cluster } from './cluster.ts';
import type { Partition } from './topic.ts';

export interface InternalTopic {
  name: string;
  partitions: number;
  configs: Record<string, string>;
}

/** Java's String.hashCode. */
function javaHashCode(s: string): number {
  let hash = 0;
  for (let i = 0; i < s.length; i++) hash = (Math.imul(31, hash) + s.charCodeAt(i)) | 0;
  return hash;
}

export class InternalTopicPlacement {
  constructor(
    private readonly cluster: Cluster,
    readonly topic: InternalTopic,
  ) {}

  partitionIndexFor(key: string): number {
    return (javaHashCode(key) & 0x7fffffff) % this.topic.partitions;
  }

  partitionFor(key: string): Partition | undefined {
    return this.cluster.topics.get(this.topic.name)?.partitions[this.partitionIndexFor(key)];
  }

  /** The coordinator broker for `key`, or -1 while the topic does not exist. */
  coordinatorOf(key: string): number {
    return this.partitionFor(key)?.leader ?? -1;
  }

  /**
   * FindCoordinator's answer. Like Kafka, the request that finds the topic missing creates it and
   * answers COORDINATOR_NOT_AVAILABLE; the client asks again.
   */
  findCoordinator(key: string): number {
    if (!this.cluster.topics.has(this.topic.name)) {
      this.cluster.topics.create({
        name: this.topic.name,
        partitions: this.topic.partitions,
        replicationFactor: Math.min(3, this.cluster.liveBrokers.length),
        configs: this.topic.configs,
        internal: true,
      });
      throw new KafkaError('COORDINATOR_NOT_AVAILABLE', 'The coordinator is not available.');
    }
    const leader = this.coordinatorOf(key);
    if (this.cluster.brokers.get(leader)?.state !== 'up') throw new KafkaError('COORDINATOR_NOT_AVAILABLE', 'The coordinator is not available.');
    return leader;
  }

  /** Throws NOT_COORDINATOR unless `brokerId` coordinates `key`. */
  requireCoordinator(key: string, brokerId: number): Partition {
    const partition = this.partitionFor(key);
    if (!partition || partition.leader !== brokerId) throw new KafkaError('NOT_COORDINATOR', 'This is not the correct coordinator.');
    return partition;
  }

  /** Appends the coordinator's own records (commits, transaction states) to the partition of `key`. */
  append(key: string, records: NewRecord[]): void {
    const partition = this.partitionFor(key);
    if (!partition) return;
    const batch = encodeBatch(records);
    this.cluster.records.append(partition, [{ batch, header: readBatchHeader(batch) }], partition.leader);
  }

  /**
   * Every record of the topic (or of one partition) up to each partition's high watermark: what a
   * coordinator replays after a restart, or when it takes a partition over.
   */
  *records(partitionIndex?: number): Generator<LogRecord> {
    const partitions = this.cluster.topics.get(this.topic.name)?.partitions ?? [];
    for (const partition of partitionIndex === undefined ? partitions : partitions.slice(partitionIndex, partitionIndex + 1)) {
      for (const batch of partition.log.batchesFrom(partition.log.startOffset)) {
        if (batch.lastOffset >= partition.highWatermark) break;
        yield* readRecords(batch.data);
      }
    }
  }
}
