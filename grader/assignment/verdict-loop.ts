// Reads `submit` in the server's consumer group (read_committed: a student's aborted transaction
// is never judged) and answers on `result`, exactly once per submission:
//
//   1. each submission of a batch is looked up in the store by (topic, partition, offset); one seen
//      before gets its stored verdict again, a new one is judged and stored, the whole batch in one
//      SQLite transaction;
//   2. the results go out in one Kafka transaction that also commits the consumer's offsets
//      (sendOffsets), so results and progress become visible together or not at all.
//
// The partitions of `submit` are read side by side, and the batches judged while a transaction is
// on its way wait to go out together in the next one: a submission waits for at most one
// transaction before its own, however many partitions there are. There is one transactional
// producer, and the batches go out in the order they were judged, so a group's results arrive in
// the order of its verdicts (its 200 before the 409 of the same transaction sent again).
//
// A server killed between 1 and 2 reads the same submissions again after its restart, finds their
// verdicts and sends the same results (same code, timestamp and checksum); the aborted transaction's
// copies are never visible to read_committed readers. Nothing is judged twice, nothing counted twice.

import type { Batch, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { resultChecksum } from './checksum.ts';
import { encodeResult } from './schemas.ts';
import { resultTopicFor, type AssignmentConfig } from './state.ts';
import type { AssignmentStore, StoredVerdict } from './store.ts';
import type { Verifier } from './verifier.ts';

export interface VerdictLoopOptions {
  kafka: Kafka;
  store: AssignmentStore;
  config: AssignmentConfig;
  verifier: Verifier;
  groupId: string;
  transactionalId: string;
  /** True when submit's timestamps are the broker's (LogAppendTime): then they are when it arrived. */
  brokerTimestamps: boolean;
  log: (line: string) => void;
  /** Called after every batch is answered (committed), with its verdicts. */
  onAnswered?: (verdicts: AnsweredVerdict[]) => void;
  /** Called when the server cannot go on (fenced by another server with the same id). */
  onFatal: (error: Error) => void;
}

export interface AnsweredVerdict extends StoredVerdict {
  /** True when this submission had been judged before (redelivered after a restart). */
  replayed: boolean;
}

/** A judged batch, or a part of a large one, waiting for the transaction that answers it. */
interface Judged {
  batch: Batch;
  verdicts: AnsweredVerdict[];
  /** Where the consumer's committed offset goes once these are answered. */
  nextOffset: number;
  stillOurs: () => boolean;
  heartbeat: () => Promise<void>;
  /** Settles the batch's eachBatch: true once (its last part is) answered, false when it is no longer ours. */
  settle: (answered: boolean) => void;
}

/**
 * At most this many results a transaction: every result of a transaction that goes to one
 * partition of `result` is one record batch, and a batch past the topic's max.message.bytes
 * (1 MB by default; a result is ~150 bytes) would be refused however often it is sent again.
 */
const RESULTS_PER_TRANSACTION = 2000;

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

const FATAL = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED']);

const countOf = (parts: Judged[]) => parts.reduce((sum, judged) => sum + judged.verdicts.length, 0);

export class VerdictLoop {
  readonly #options: VerdictLoopOptions;
  #consumer: Consumer | undefined;
  #producer: Producer | undefined;
  #stopping = false;
  #fatal = false;
  #lastError: string | undefined;
  #answered = 0;
  /** Judged batches the next transaction takes, in the order they were judged. */
  #waiting: Judged[] = [];
  #sending: Promise<void> | undefined;

  constructor(options: VerdictLoopOptions) {
    this.#options = options;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Submissions answered since start (replays included). */
  get answered(): number {
    return this.#answered;
  }

  async start(): Promise<void> {
    const { kafka, groupId, config } = this.#options;
    await this.#connectProducer();
    // A short session: a server killed and started again waits this long for its dead self to leave the group.
    this.#consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 250, sessionTimeout: 8000, heartbeatInterval: 1000, allowAutoTopicCreation: false, retry: { retries: 10 } });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topics: [config.topics.submit], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: Math.max(1, config.partitions),
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // Batches of nothing but transaction markers or aborted records never come here: kafkajs
        // moves past them itself. The last offset of one that does may be a marker: committing
        // past it keeps the lag at 0.
        const answered = await this.#answer(batch, () => isRunning() && !isStale() && !this.#stopping && !this.#fatal, heartbeat);
        if (answered) resolveOffset(batch.lastOffset());
      },
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#consumer?.disconnect().catch(() => {});
    await this.#sending;
    await this.#producer?.disconnect().catch(() => {});
  }

  async #connectProducer(): Promise<void> {
    const producer = this.#options.kafka.producer({ transactionalId: this.#options.transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.#producer = producer;
  }

  /** Judges a batch and waits for the transaction that answers it; false when the batch is no longer ours. */
  #answer(batch: Batch, stillOurs: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    if (!stillOurs()) return Promise.resolve(false);
    const { store } = this.#options;
    const verdicts = store.atomically(() => batch.messages.map((message) => this.#verdictFor(batch, message)));
    const answered = new Promise<boolean>((settle) => {
      // A batch larger than a transaction takes goes in parts, each committing the offsets past it.
      for (let from = 0; from < Math.max(1, verdicts.length); from += RESULTS_PER_TRANSACTION) {
        const part = verdicts.slice(from, from + RESULTS_PER_TRANSACTION);
        const last = from + RESULTS_PER_TRANSACTION >= verdicts.length;
        this.#waiting.push({
          batch,
          verdicts: part,
          nextOffset: last ? Number(batch.lastOffset()) + 1 : part.at(-1)!.offset + 1,
          stillOurs,
          heartbeat,
          settle: last ? settle : (answered) => answered || settle(false),
        });
      }
    });
    this.#sending ??= this.#sendWhileWaiting();
    return answered;
  }

  /**
   * Sends transactions while judged batches wait, trying again while the broker is away. A failed
   * transaction's batches go first in the next one, with those judged meanwhile behind them.
   */
  async #sendWhileWaiting(): Promise<void> {
    try {
      await this.#sendUntilNoneWait();
    } finally {
      // At once, as the loop ends: a batch judged after this starts the next loop.
      this.#sending = undefined;
    }
  }

  async #sendUntilNoneWait(): Promise<void> {
    // The other partitions' batches of the same fetch are being judged: let them join this transaction.
    await new Promise((resolve) => setImmediate(resolve));
    let taken: Judged[] = [];
    for (let wait = RETRY_MIN_MS; ; ) {
      taken = [...taken, ...this.#takeWaiting(RESULTS_PER_TRANSACTION - countOf(taken))].filter((judged) => {
        const ours = judged.stillOurs();
        if (!ours) judged.settle(false);
        return ours;
      });
      if (taken.length === 0) return;
      try {
        await this.#send(taken);
        this.#lastError = undefined;
        for (const judged of taken) judged.settle(true);
        this.#answered += countOf(taken);
        for (const judged of taken) this.#options.onAnswered?.(judged.verdicts);
        taken = [];
        wait = RETRY_MIN_MS;
      } catch (error) {
        const type = (error as { type?: string }).type ?? '';
        const { batch } = taken[0];
        const message = `cannot answer submissions at ${batch.topic}[${batch.partition}]@${batch.firstOffset()}${taken.length > 1 ? ` and ${taken.length - 1} more batch(es)` : ''}: ${(error as Error).message}`;
        if (FATAL.has(type)) {
          this.#fatal = true;
          for (const judged of [...taken, ...this.#waiting.splice(0)]) judged.settle(false);
          this.#options.onFatal(new Error(`${message}${type === 'PRODUCER_FENCED' || type === 'INVALID_PRODUCER_EPOCH' ? ' (another server with this assignment took over)' : ''}`));
          return;
        }
        if (message !== this.#lastError) this.#options.log(`${message}; trying again`);
        this.#lastError = message;
        await this.#resetProducer();
        await new Promise((resolve) => setTimeout(resolve, wait));
        await Promise.all(taken.map((judged) => judged.heartbeat().catch(() => {})));
        wait = Math.min(RETRY_MAX_MS, wait * 2);
      }
    }
  }

  /** The waiting parts, in order, up to `room` results (a part is never larger than a transaction). */
  #takeWaiting(room: number): Judged[] {
    let count = 0;
    let take = 0;
    while (take < this.#waiting.length && count + this.#waiting[take].verdicts.length <= room) count += this.#waiting[take++].verdicts.length;
    return this.#waiting.splice(0, take);
  }

  /** A producer whose transaction failed may be stuck: a new one with the same id aborts what is open. */
  async #resetProducer(): Promise<void> {
    const old = this.#producer;
    this.#producer = undefined;
    await old?.disconnect().catch(() => {});
    try {
      await this.#connectProducer();
    } catch {
      // The broker is still away: the next attempt connects again.
    }
  }

  /** One Kafka transaction: every batch's results, in the order judged, and the consumer's offsets past them. */
  async #send(taken: Judged[]): Promise<void> {
    const { groupId } = this.#options;
    if (!this.#producer) await this.#connectProducer();
    const transaction = await this.#producer!.transaction();
    try {
      const byTopic = new Map<string, { key: string | null; value: Buffer; headers: Record<string, string> }[]>();
      for (const v of taken.flatMap((judged) => judged.verdicts)) {
        const messages = byTopic.get(v.resultTopic) ?? [];
        messages.push({
          key: v.vid === '' ? null : v.vid,
          value: encodeResult({ vid: v.vid, txid: v.txid, code: v.code, checksum: v.checksum, timestamp: v.judgedAt }),
          headers: { reason: v.reason, submission: `${v.topic}/${v.partition}/${v.offset}` },
        });
        byTopic.set(v.resultTopic, messages);
      }
      await transaction.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      const next = new Map<string, Map<number, number>>();
      for (const { batch, nextOffset } of taken) {
        const partitions = next.get(batch.topic) ?? new Map<number, number>();
        partitions.set(batch.partition, Math.max(partitions.get(batch.partition) ?? 0, nextOffset));
        next.set(batch.topic, partitions);
      }
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [...next].map(([topic, partitions]) => ({ topic, partitions: [...partitions].map(([partition, offset]) => ({ partition, offset: String(offset) })) })),
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => {});
      throw error;
    }
  }

  #verdictFor(batch: Batch, message: KafkaMessage): AnsweredVerdict {
    const { store, verifier, config, brokerTimestamps } = this.#options;
    const offset = Number(message.offset);
    const stored = store.verdict(batch.topic, batch.partition, offset);
    if (stored) return { ...stored, replayed: true };
    const judgedAt = Date.now();
    const submittedAt = brokerTimestamps ? Number(message.timestamp) : judgedAt;
    const judgement = verifier.judge({ value: message.value, submittedAt });
    const verdict: StoredVerdict = {
      topic: batch.topic,
      partition: batch.partition,
      offset,
      submittedAt,
      bytes: message.value?.length ?? 0,
      vid: judgement.vid,
      txid: judgement.txid,
      code: judgement.code,
      reason: judgement.reason,
      judgedAt,
      checksum: resultChecksum(config.secret, { vid: judgement.vid, txid: judgement.txid, code: judgement.code, timestamp: judgedAt }),
      resultTopic: resultTopicFor(config, judgement.tallyVid || undefined),
      tallyVid: judgement.tallyVid,
    };
    store.saveVerdict(verdict);
    return { ...verdict, replayed: false };
  }
}
