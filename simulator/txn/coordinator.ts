// The transaction coordinator: producer ids and epochs, and each transactional id's transaction
// from its first AddPartitionsToTxn to the commit or abort markers EndTxn writes into every
// partition it touched. As in Kafka, a transactional id belongs to a partition of the internal
// `__transaction_state` topic, whose leader coordinates it; its state is logged there.
// kafka-lab completes EndTxn synchronously: there is no PrepareCommit window to observe.

import type { Cluster } from '../cluster/cluster.ts';
import { InternalTopicPlacement } from '../cluster/internal-topics.ts';
import { KafkaError } from '../protocol/errors.ts';
import { encodeControlBatch, readBatchHeader } from '../protocol/records.ts';
import { parseTxnRecord, txnKey, txnValue, type TxnStatus } from './txn-state-format.ts';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
/** Kafka's transaction.max.timeout.ms. */
export const MAX_TRANSACTION_TIMEOUT_MS = 900_000;
const MAX_EPOCH = 32767;

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  status: TxnStatus;
  /** topic → partitions written in the open transaction */
  partitions: Map<string, Set<number>>;
  /** Groups whose offsets this transaction commits (AddOffsetsToTxn). */
  groups: Set<string>;
  startedAt: number;
  timer: NodeJS.Timeout | null;
}

export class TransactionCoordinator {
  readonly transactions = new Map<string, TxnMetadata>();
  private readonly placement: InternalTopicPlacement;
  private loaded = false;

  constructor(
    private readonly cluster: Cluster,
    partitions: number,
  ) {
    this.placement = new InternalTopicPlacement(cluster, {
      name: TRANSACTION_STATE_TOPIC,
      partitions,
      configs: { 'cleanup.policy': 'compact', 'min.insync.replicas': '1', 'segment.bytes': '104857600' },
    });
  }

  findCoordinator(transactionalId: string): number {
    return this.placement.findCoordinator(transactionalId);
  }

  // ---------------------------------------------------------------- InitProducerId

  /** A producer id and epoch: fresh for idempotent producers; the next epoch for a transactional id, fencing older ones. */
  initProducerId(transactionalId: string | null, timeoutMs: number, brokerId: number): { producerId: number; producerEpoch: number } {
    if (transactionalId === null) return { producerId: this.cluster.producerIds.take(), producerEpoch: 0 };
    this.requireCoordinator(transactionalId, brokerId);
    if (timeoutMs <= 0 || timeoutMs > MAX_TRANSACTION_TIMEOUT_MS) {
      throw new KafkaError('INVALID_TRANSACTION_TIMEOUT', `The transaction timeout ${timeoutMs} ms is larger than transaction.max.timeout.ms (${MAX_TRANSACTION_TIMEOUT_MS}).`);
    }
    let txn = this.transactions.get(transactionalId);
    if (!txn) {
      txn = { transactionalId, producerId: this.cluster.producerIds.take(), producerEpoch: 0, timeoutMs, status: 'Empty', partitions: new Map(), groups: new Set(), startedAt: -1, timer: null };
      this.transactions.set(transactionalId, txn);
    } else {
      // A new producer instance takes over: whatever the old one left open is aborted.
      if (txn.status === 'Ongoing') this.complete(txn, 'abort');
      if (txn.producerEpoch >= MAX_EPOCH - 1) {
        txn.producerId = this.cluster.producerIds.take();
        txn.producerEpoch = 0;
      } else {
        txn.producerEpoch++;
      }
      txn.timeoutMs = timeoutMs;
      txn.status = 'Empty';
    }
    this.persist(txn);
    return { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
  }

  // ---------------------------------------------------------------- adding to a transaction

  /** The transaction of a producer that proved its id and epoch; throws Kafka's error otherwise. */
  private current(transactionalId: string, producerId: number, producerEpoch: number, brokerId: number): TxnMetadata {
    this.requireCoordinator(transactionalId, brokerId);
    const txn = this.transactions.get(transactionalId);
    if (!txn || txn.producerId !== producerId) {
      throw new KafkaError('INVALID_PRODUCER_ID_MAPPING', 'The producer attempted to use a producer id which is not currently assigned to its transactional id.');
    }
    if (producerEpoch !== txn.producerEpoch) {
      throw new KafkaError('INVALID_PRODUCER_EPOCH', 'Producer attempted to produce with an old epoch: it has been fenced by a newer instance.');
    }
    return txn;
  }

  private begin(txn: TxnMetadata): void {
    if (txn.status === 'Ongoing') return;
    txn.status = 'Ongoing';
    txn.startedAt = Date.now();
    txn.timer = setTimeout(() => this.expire(txn), txn.timeoutMs);
  }

  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: { topic: string; partition: number }[], brokerId: number): void {
    const txn = this.current(transactionalId, producerId, producerEpoch, brokerId);
    for (const { topic, partition } of partitions) {
      if (!this.cluster.topics.partition(topic, partition)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `${topic}-${partition} does not exist.`);
    }
    this.begin(txn);
    for (const { topic, partition } of partitions) {
      if (!txn.partitions.has(topic)) txn.partitions.set(topic, new Set());
      txn.partitions.get(topic)!.add(partition);
    }
    this.persist(txn);
  }

  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string, brokerId: number): void {
    const txn = this.current(transactionalId, producerId, producerEpoch, brokerId);
    this.begin(txn);
    txn.groups.add(groupId);
    this.persist(txn);
  }

  /** Whether a transactional batch belongs to a transaction that added its partition (KIP-890's verification). */
  verify(producerId: number, producerEpoch: number, topic: string, partition: number): void {
    const txn = [...this.transactions.values()].find((t) => t.producerId === producerId);
    if (!txn || txn.producerEpoch !== producerEpoch || txn.status !== 'Ongoing' || !txn.partitions.get(topic)?.has(partition)) {
      throw new KafkaError('INVALID_TXN_STATE', `Producer ${producerId} has no ongoing transaction that includes ${topic}-${partition}.`);
    }
  }

  // ---------------------------------------------------------------- EndTxn

  endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean, brokerId: number): void {
    const txn = this.current(transactionalId, producerId, producerEpoch, brokerId);
    const outcome = commit ? 'commit' : 'abort';
    if (txn.status === 'Ongoing') return this.complete(txn, outcome);
    // A retried EndTxn after the transaction completed the same way succeeds again.
    if (txn.status === (commit ? 'CompleteCommit' : 'CompleteAbort')) return;
    throw new KafkaError('INVALID_TXN_STATE', `Cannot ${outcome} transaction ${transactionalId} in state ${txn.status}.`);
  }

  /** Writes the markers into every partition of the transaction and settles its offsets. */
  private complete(txn: TxnMetadata, outcome: 'commit' | 'abort'): void {
    if (txn.timer) clearTimeout(txn.timer);
    txn.timer = null;
    for (const [topic, partitions] of txn.partitions) {
      for (const index of partitions) {
        const partition = this.cluster.topics.partition(topic, index);
        if (!partition) continue; // deleted meanwhile
        const batch = encodeControlBatch(outcome, txn.producerId, txn.producerEpoch);
        this.cluster.records.append(partition, [{ batch, header: readBatchHeader(batch) }], partition.leader);
      }
    }
    for (const groupId of txn.groups) this.cluster.groups.completeTransaction(groupId, txn.producerId, outcome === 'commit');
    txn.partitions.clear();
    txn.groups.clear();
    txn.status = outcome === 'commit' ? 'CompleteCommit' : 'CompleteAbort';
    this.persist(txn);
    this.cluster.events.emit({ type: 'transaction-completed', transactionalId: txn.transactionalId, producerId: txn.producerId, outcome });
  }

  /** A transaction open longer than its timeout is aborted and its producer fenced, as Kafka does. */
  private expire(txn: TxnMetadata): void {
    txn.timer = null;
    if (txn.status !== 'Ongoing') return;
    this.complete(txn, 'abort');
    txn.producerEpoch = Math.min(txn.producerEpoch + 1, MAX_EPOCH);
    this.persist(txn);
  }

  // ---------------------------------------------------------------- state log

  /** A transaction's state, for DescribeTransactions: NOT_COORDINATOR unless this broker coordinates it. */
  lookUp(transactionalId: string, brokerId: number): Readonly<TxnMetadata> | undefined {
    this.requireCoordinator(transactionalId, brokerId);
    return this.transactions.get(transactionalId);
  }

  /** The transactions a broker coordinates, for ListTransactions (clients ask every broker). */
  coordinatedBy(brokerId: number): readonly Readonly<TxnMetadata>[] {
    return [...this.transactions.values()].filter((txn) => this.placement.coordinatorOf(txn.transactionalId) === brokerId);
  }

  private requireCoordinator(transactionalId: string, brokerId: number): void {
    if (transactionalId === '') throw new KafkaError('INVALID_REQUEST', 'The transactional id must not be empty.');
    this.placement.requireCoordinator(transactionalId, brokerId);
    this.load();
  }

  private persist(txn: TxnMetadata): void {
    this.placement.append(txn.transactionalId, [{ key: txnKey(txn.transactionalId), value: txnValue(txn) }]);
  }

  /** Replays `__transaction_state` once after a restart; transactions left open are aborted. */
  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const record of this.placement.records()) {
      const saved = parseTxnRecord(record.key, record.value);
      if (saved) this.transactions.set(saved.transactionalId, { ...saved, groups: new Set(), startedAt: -1, timer: null });
    }
    for (const txn of this.transactions.values()) {
      if (txn.status === 'Ongoing') this.complete(txn, 'abort');
    }
  }

  shutdown(): void {
    for (const txn of this.transactions.values()) {
      if (txn.timer) clearTimeout(txn.timer);
      txn.timer = null;
    }
  }
}
