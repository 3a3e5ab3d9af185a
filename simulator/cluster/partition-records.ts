// Records in partitions: appending validated batches to a replica's log (and telling replication
// and the event stream), reading a replica's data records back, and moving the log start offset
// (DeleteRecords). Produce, the coordinators' internal topics and transaction markers all append
// here.

import type { EventStream } from '../introspection/events.ts';
import { KafkaError } from '../protocol/errors.ts';
import type { RecordValidator } from '../protocol/record-validation.ts';
import { readBatchHeader, readRecords, splitAndValidateBatches, type BatchHeader, type LogRecord, type TimestampWindow, type ValidatedBatch } from '../protocol/records.ts';
import type { TransactionCoordinator } from '../txn/coordinator.ts';
import type { Replication } from './replication.ts';
import type { Partition } from './topic.ts';
import type { Topics } from './topics.ts';

export interface ReadPartitionOptions {
  /** Whose replica log to read (default: the leader's). */
  brokerId?: number;
  /** From this offset (default: the log start). */
  from?: number;
  /** Up to this offset (default: the replica's high watermark, what consumers may read); 'log-end' for everything it holds. */
  to?: number | 'log-end';
}

export interface PartitionRecordsDependencies {
  topics: Topics;
  /** Checks that a transactional batch's producer has added the partition to its transaction. */
  transactions: Pick<TransactionCoordinator, 'verify'>;
  replication: Pick<Replication, 'afterLeaderAppend'>;
  events: EventStream;
  /** Checks produced batches' records, decompressed within its limit and off the event loop. */
  validator: RecordValidator;
}

export class PartitionRecords {
  private readonly deps: PartitionRecordsDependencies;

  constructor(deps: PartitionRecordsDependencies) {
    this.deps = deps;
  }

  /**
   * A produced record set's batches, validated as Kafka's LogValidator does (structure, size
   * against `maxBatchBytes`, CRC, every record), inflated within the validator's limit and budget.
   */
  validate(recordSet: Buffer, maxBatchBytes: number, timestamps?: TimestampWindow): Promise<ValidatedBatch[]> {
    return splitAndValidateBatches(recordSet, this.deps.validator, maxBatchBytes, timestamps);
  }

  /** How many produced batches are inflating now, for introspection and tests. */
  get inflating(): number {
    return this.deps.validator.inflating;
  }

  /** Stops the validator's worker (with the cluster). */
  stop(): Promise<void> {
    return this.deps.validator.stop();
  }

  /** Appends validated batches to a partition's log on `brokerId`; returns the first offset assigned. */
  append(partition: Partition, batches: { batch: Buffer; header: BatchHeader }[], brokerId: number): number {
    let baseOffset = -1;
    for (const { batch, header } of batches) {
      if (header.transactional && !header.control) this.deps.transactions.verify(header.producerId, header.producerEpoch, partition.topic.name, partition.index);
      const appended = partition.appendBatch(batch, header, brokerId);
      if (baseOffset === -1) baseOffset = appended.baseOffset;
      const stored = appended.stored;
      if (!stored) continue; // a retried batch already in the log
      this.deps.events.emit({
        type: 'records-appended',
        topic: partition.topic.name,
        partition: partition.index,
        brokerId,
        baseOffset: stored.baseOffset,
        lastOffset: stored.lastOffset,
        recordCount: header.recordCount,
        bytes: stored.data.length,
        producerId: header.producerId,
      });
    }
    // The real leader's appends replicate; a zombie leader's stay on its own log, to be lost.
    if (brokerId === partition.leader) this.deps.replication.afterLeaderAppend(partition);
    return baseOffset;
  }

  /** The data records in one replica's log, within the offsets asked for; transaction markers are left out. */
  read(topic: string, index: number, { brokerId, from, to }: ReadPartitionOptions = {}): LogRecord[] {
    const partition = this.deps.topics.partition(topic, index);
    if (!partition) throw new Error(`no partition ${topic}[${index}]`);
    const replica = partition.replica(brokerId ?? partition.leader) ?? partition.replicaLogs.get(partition.replicas[0])!;
    const start = Math.max(from ?? 0, replica.log.startOffset);
    const end = to === 'log-end' ? replica.logEndOffset : Math.min(to ?? replica.highWatermark, replica.logEndOffset);
    const records: LogRecord[] = [];
    for (const batch of replica.log.batchesFrom(start)) {
      if (batch.baseOffset >= end) break;
      const header = readBatchHeader(batch.data);
      if (header.control) continue;
      for (const record of readRecords(batch.data, header)) if (record.offset >= start && record.offset < end) records.push(record);
    }
    return records;
  }

  /** DeleteRecords: moves the log start offset to `offset` (-1: the high watermark); returns the new log start. */
  deleteBefore(partition: Partition, offset: number): number {
    const target = offset === -1 ? partition.highWatermark : offset;
    const name = `${partition.topic.name}-${partition.index}`;
    if (target < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `The offset ${target} for partition ${name} is not valid`);
    if (target > partition.highWatermark) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `Cannot increment the log start offset to ${target} of partition ${name} since it is larger than the high watermark ${partition.highWatermark}`);
    }
    partition.log.advanceStartOffset(target);
    this.deps.events.emit({ type: 'records-deleted', topic: partition.topic.name, partition: partition.index, logStartOffset: partition.log.startOffset });
    return partition.log.startOffset;
  }
}
