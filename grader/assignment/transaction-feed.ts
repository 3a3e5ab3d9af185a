// Produces the assignment's transactions at a steady rate. Each transaction is stored before it is
// sent, so the server knows every txid a student can ever see; once the broker acknowledges it, its
// offset is stored too. After a crash between the two, start() reads the topic past the last known
// offsets and marks what did arrive, then sends only what did not: no transaction is lost, none
// appears twice.

import type { Kafka, Producer } from 'kafkajs';
import { readPartition } from '../../simulator/testkit/read-partition.ts';
import type { TransactionGenerator } from './generator.ts';
import { encodeTransaction } from './schemas.ts';
import type { AssignmentStore, StoredTransaction } from './store.ts';

export interface FeedOptions {
  kafka: Kafka;
  store: AssignmentStore;
  generator: TransactionGenerator;
  topic: string;
  ratePerSecond: number;
  /** Makes no transaction past this many in all (a grading run's fixed stream); no end without it. */
  limit?: number;
  log: (line: string) => void;
}

const TICK_MS = 100;
/** At most this many transactions per request, when catching up. */
const CHUNK = 500;

export class TransactionFeed {
  readonly #options: FeedOptions;
  #producer: Producer | undefined;
  #partitions = 1;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #startedAt = 0;
  #madeSinceStart = 0;
  #stopped = false;
  #lastError: string | undefined;
  #limit: number | undefined;
  /** A send failed: some of it may have reached the topic, so look before sending it again. */
  #unsettled = false;

  constructor(options: FeedOptions) {
    this.#options = options;
    this.#limit = options.limit;
  }

  /** Raises (or lowers, or lifts with undefined) the limit on transactions made in all. */
  setLimit(limit: number | undefined): void {
    this.#limit = limit;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  async start(partitions: number): Promise<void> {
    this.#partitions = Math.max(1, partitions);
    this.#producer = this.#options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.#producer.connect();
    await this.#settlePending();
    this.#startedAt = Date.now();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
    await this.#producer?.disconnect().catch(() => {});
  }

  #tick(): void {
    if (this.#running || this.#stopped) return;
    this.#running = this.#produceDue()
      .then(
        () => {
          this.#lastError = undefined;
        },
        (error: unknown) => {
          const message = `cannot produce transactions yet: ${(error as Error).message}`;
          if (message !== this.#lastError) this.#options.log(message);
          this.#lastError = message;
        },
      )
      .finally(() => {
        this.#running = undefined;
      });
  }

  async #produceDue(): Promise<void> {
    const { store, generator, ratePerSecond } = this.#options;
    if (this.#unsettled) {
      await this.#settlePending();
      this.#unsettled = false;
    }
    // Transactions stored but not acknowledged (the broker was away): send them first, in order.
    const pending = store.pendingTransactions();
    if (pending.length > 0) return this.#send(pending.slice(0, CHUNK));
    const first = store.nextSeq();
    const room = this.#limit === undefined ? Infinity : this.#limit - first;
    const due = Math.min(room, Math.floor(((Date.now() - this.#startedAt) * ratePerSecond) / 1000) - this.#madeSinceStart);
    if (due <= 0) return;
    const made = Array.from({ length: Math.min(due, CHUNK) }, (_, i): StoredTransaction => {
      const seq = first + i;
      return { seq, ...generator.transaction(seq), createdAt: Date.now(), partition: seq % this.#partitions, offset: null };
    });
    store.addTransactions(made);
    this.#madeSinceStart += made.length;
    await this.#send(made);
  }

  async #send(transactions: StoredTransaction[]): Promise<void> {
    const { topic, store } = this.#options;
    let metadata;
    try {
      metadata = await this.#producer!.send({
        topic,
        acks: -1,
        messages: transactions.map((t) => ({ key: t.txid, value: encodeTransaction(t), partition: t.partition, timestamp: String(t.createdAt) })),
      });
    } catch (error) {
      this.#unsettled = true;
      throw error;
    }
    // One batch per partition: the n-th transaction sent to a partition is at its base offset + n.
    const base = new Map(metadata.map((m) => [m.partition, Number(m.baseOffset)]));
    const next = new Map<number, number>();
    const placed = transactions.map((t) => {
      const offset = next.get(t.partition) ?? base.get(t.partition)!;
      next.set(t.partition, offset + 1);
      return { seq: t.seq, offset };
    });
    store.markProduced(placed);
  }

  /** After a crash: which stored-but-unacknowledged transactions did reach the topic? */
  async #settlePending(): Promise<void> {
    const { store, kafka, topic, log } = this.#options;
    const pending = store.pendingTransactions();
    if (pending.length === 0) return;
    const byTxid = new Map(pending.map((t) => [t.txid, t]));
    const last = store.lastProducedOffsets();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      const placed: { seq: number; offset: number }[] = [];
      for (const { partition, high, low } of ends) {
        const from = Math.max(Number(low), (last.get(partition) ?? -1) + 1);
        const to = Number(high);
        if (from >= to) continue;
        const { messages } = await readPartition(kafka, topic, partition, { from, to, asConsumer: true });
        for (const message of messages) {
          const found = message.key && byTxid.get(message.key.toString('utf8'));
          if (found) placed.push({ seq: found.seq, offset: Number(message.offset) });
        }
      }
      store.markProduced(placed);
      log(`${pending.length} transaction(s) were stored but not acknowledged: ${placed.length} had reached ${topic}, ${pending.length - placed.length} will be sent now`);
    } finally {
      await admin.disconnect();
    }
  }
}
