// Reads `submit` in the server's consumer group (read_committed: a student's aborted transaction
// is never judged) and answers on `result`, exactly once per submission:
//
//   1. each submission of a batch is looked up in the store by (topic, partition, offset); one seen
//      before gets its stored verdict again, a new one is judged and stored, the whole batch in one
//      SQLite transaction;
//   2. the results go out in one Kafka transaction that also commits the consumer's offsets
//      (sendOffsets), so results and progress become visible together or not at all.
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

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

const FATAL = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED']);

export class VerdictLoop {
  readonly #options: VerdictLoopOptions;
  #consumer: Consumer | undefined;
  #producer: Producer | undefined;
  #stopping = false;
  #lastError: string | undefined;
  #answered = 0;

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
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // Batches of nothing but transaction markers or aborted records never come here: kafkajs
        // moves past them itself. The last offset of one that does may be a marker: committing
        // past it keeps the lag at 0.
        const answered = await this.#answerUntilDone(batch, () => isRunning() && !isStale() && !this.#stopping, heartbeat);
        if (answered) resolveOffset(batch.lastOffset());
      },
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#consumer?.disconnect().catch(() => {});
    await this.#producer?.disconnect().catch(() => {});
  }

  async #connectProducer(): Promise<void> {
    const producer = this.#options.kafka.producer({ transactionalId: this.#options.transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.#producer = producer;
  }

  /** Answers a batch, trying again while the broker is away; false when the batch is no longer ours. */
  async #answerUntilDone(batch: Batch, stillOurs: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0, wait = RETRY_MIN_MS; ; attempt++, wait = Math.min(RETRY_MAX_MS, wait * 2)) {
      if (!stillOurs()) return false;
      try {
        await this.#answer(batch);
        this.#lastError = undefined;
        return true;
      } catch (error) {
        const type = (error as { type?: string }).type ?? '';
        const message = `cannot answer submissions at ${batch.topic}[${batch.partition}]@${batch.firstOffset()}: ${(error as Error).message}`;
        if (FATAL.has(type)) {
          this.#options.onFatal(new Error(`${message}${type === 'PRODUCER_FENCED' || type === 'INVALID_PRODUCER_EPOCH' ? ' (another server with this assignment took over)' : ''}`));
          return false;
        }
        if (message !== this.#lastError) this.#options.log(`${message}; trying again`);
        this.#lastError = message;
        await this.#resetProducer();
        await new Promise((resolve) => setTimeout(resolve, wait));
        await heartbeat().catch(() => {});
      }
    }
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

  async #answer(batch: Batch): Promise<void> {
    const { store, groupId } = this.#options;
    const verdicts = store.atomically(() => batch.messages.map((message) => this.#verdictFor(batch, message)));
    if (!this.#producer) await this.#connectProducer();
    const transaction = await this.#producer!.transaction();
    try {
      const byTopic = new Map<string, { key: string | null; value: Buffer; headers: Record<string, string> }[]>();
      for (const v of verdicts) {
        const messages = byTopic.get(v.resultTopic) ?? [];
        messages.push({
          key: v.vid === '' ? null : v.vid,
          value: encodeResult({ vid: v.vid, txid: v.txid, code: v.code, checksum: v.checksum, timestamp: v.judgedAt }),
          headers: { reason: v.reason, submission: `${v.topic}/${v.partition}/${v.offset}` },
        });
        byTopic.set(v.resultTopic, messages);
      }
      await transaction.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }] }],
      });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => {});
      throw error;
    }
    this.#answered += verdicts.length;
    this.#options.onAnswered?.(verdicts);
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
