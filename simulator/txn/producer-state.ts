// What one partition knows of the producers writing to it (Kafka's ProducerStateManager):
// per producer id the epoch and the last five batches' sequence numbers, so a retried batch is
// recognised and answered with its original offset, a gap is refused, and a zombie with an old
// epoch is fenced; and per open transaction its first offset, which holds the last stable offset
// back until a commit or abort marker closes it.

import { KafkaError } from '../protocol/errors.ts';
import type { BatchHeader } from '../protocol/records.ts';

const CACHED_BATCHES = 5;
const NO_SEQUENCE = -1;

interface BatchMeta {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMeta[];
  /** Last offset of its newest data batch, -1 before any: the compactor keeps that batch (Kafka's lastRecordsOfActiveProducers). */
  lastDataOffset: number;
  /** The largest timestamp of its last batch (-1 before any). */
  lastTimestamp?: number;
  /** The coordinator epoch of its last transaction marker (-1 before any). */
  coordinatorEpoch?: number;
}

/** A partition's producer state as JSON, as a log snapshots it (Kafka's .snapshot files). */
export interface ProducerStateSnapshot {
  producers: [number, ProducerEntry][];
  ongoing: [number, number][];
  aborted: AbortedTransaction[];
}

/** A producer as DescribeProducers reports it. */
export interface ActiveProducer {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** The first offset of its open transaction here, or -1. */
  currentTxnStartOffset: number;
}

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

export type ControlType = 'commit' | 'abort';

/** Sequence numbers wrap from Int32.MAX_VALUE to 0. */
const nextSequence = (seq: number) => (seq === 0x7fffffff ? 0 : seq + 1);

export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>();
  /** producer id → first offset of its open transaction on this partition */
  private readonly ongoing = new Map<number, number>();
  readonly aborted: AbortedTransaction[] = [];

  /**
   * Checks a batch against what this partition knows of its producer. Returns the first offset of
   * the identical batch already appended (a retry), or null when the batch is new; throws the
   * Kafka error otherwise.
   */
  check(header: BatchHeader): number | null {
    if (header.producerId < 0 || header.control) return null;
    const entry = this.producers.get(header.producerId);
    const firstSeq = header.baseSequence;
    const lastSeq = (firstSeq + header.lastOffsetDelta) % 0x80000000;
    // No state for this producer here (new, or its records are gone): Kafka accepts any sequence
    // since KIP-360 rather than answering UNKNOWN_PRODUCER_ID.
    if (!entry) return null;
    if (header.producerEpoch < entry.epoch) {
      throw new KafkaError('INVALID_PRODUCER_EPOCH', `Producer epoch ${header.producerEpoch} is older than the current ${entry.epoch}: the producer has been fenced.`);
    }
    if (header.producerEpoch > entry.epoch) {
      if (firstSeq !== 0) throw new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER', `A new epoch must start at sequence 0, not ${firstSeq}.`);
      return null;
    }
    const duplicate = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    if (duplicate) return duplicate.firstOffset;
    const last = entry.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
    if (firstSeq !== NO_SEQUENCE && last !== NO_SEQUENCE && firstSeq !== nextSequence(last)) {
      throw new KafkaError('OUT_OF_ORDER_SEQUENCE_NUMBER', `Expected sequence ${nextSequence(last)} from producer ${header.producerId}, got ${firstSeq}.`);
    }
    return null;
  }

  /** Records an appended data batch (its offsets already assigned). */
  recordBatch(header: BatchHeader, baseOffset: number): void {
    if (header.producerId < 0) return;
    let entry = this.producers.get(header.producerId);
    if (!entry || header.producerEpoch > entry.epoch) {
      entry = { epoch: header.producerEpoch, batches: [], lastDataOffset: entry?.lastDataOffset ?? -1 };
      this.producers.set(header.producerId, entry);
    }
    entry.lastDataOffset = baseOffset + header.lastOffsetDelta;
    entry.lastTimestamp = header.maxTimestamp;
    if (header.baseSequence !== NO_SEQUENCE) {
      entry.batches.push({ firstSeq: header.baseSequence, lastSeq: (header.baseSequence + header.lastOffsetDelta) % 0x80000000, firstOffset: baseOffset });
      if (entry.batches.length > CACHED_BATCHES) entry.batches.shift();
    }
    if (header.transactional && !this.ongoing.has(header.producerId)) this.ongoing.set(header.producerId, baseOffset);
  }

  /** Records a commit or abort marker at `markerOffset`, closing the producer's transaction here. */
  recordMarker(producerId: number, producerEpoch: number, type: ControlType, markerOffset: number): void {
    const firstOffset = this.ongoing.get(producerId);
    this.ongoing.delete(producerId);
    const entry = this.producers.get(producerId);
    if (!entry || producerEpoch > entry.epoch) this.producers.set(producerId, { epoch: producerEpoch, batches: entry?.batches ?? [], lastDataOffset: entry?.lastDataOffset ?? -1 });
    if (type === 'abort' && firstOffset !== undefined) this.aborted.push({ producerId, firstOffset, lastOffset: markerOffset });
  }

  /** Each producer's last data offset (-1: none left) and epoch, for the compactor. */
  lastRecords(): Map<number, { lastDataOffset: number; epoch: number }> {
    return new Map([...this.producers].map(([id, entry]) => [id, { lastDataOffset: entry.lastDataOffset, epoch: entry.epoch }]));
  }

  snapshot(): ProducerStateSnapshot {
    return structuredClone({ producers: [...this.producers], ongoing: [...this.ongoing], aborted: this.aborted });
  }

  static fromSnapshot(snapshot: ProducerStateSnapshot): ProducerState {
    const state = new ProducerState();
    const copy = structuredClone(snapshot);
    for (const [id, entry] of copy.producers) state.producers.set(id, { ...entry, lastDataOffset: entry.lastDataOffset ?? -1 });
    for (const [id, offset] of copy.ongoing) state.ongoing.set(id, offset);
    state.aborted.push(...copy.aborted);
    return state;
  }

  /** The producers this partition has state for (Kafka's DescribeProducers). */
  active(): ActiveProducer[] {
    return [...this.producers].map(([producerId, entry]) => ({
      producerId,
      producerEpoch: entry.epoch,
      lastSequence: entry.batches.at(-1)?.lastSeq ?? -1,
      lastTimestamp: entry.lastTimestamp ?? -1,
      coordinatorEpoch: entry.coordinatorEpoch ?? -1,
      currentTxnStartOffset: this.ongoing.get(producerId) ?? -1,
    }));
  }

  hasOpenTransaction(producerId: number): boolean {
    return this.ongoing.has(producerId);
  }

  /** The first offset no open transaction holds back: what read_committed consumers may read up to. */
  lastStableOffset(highWatermark: number): number {
    return Math.min(highWatermark, ...this.ongoing.values());
  }

  /** Aborted transactions a read_committed fetch of [from, to) must skip. */
  abortedBetween(from: number, to: number): { producerId: number; firstOffset: number }[] {
    return this.aborted.filter((t) => t.lastOffset >= from && t.firstOffset < to).map(({ producerId, firstOffset }) => ({ producerId, firstOffset }));
  }

  /** Forgets aborted transactions wholly below the log start offset. */
  dropBefore(logStartOffset: number): void {
    const keep = this.aborted.filter((t) => t.lastOffset >= logStartOffset);
    this.aborted.splice(0, this.aborted.length, ...keep);
  }
}
