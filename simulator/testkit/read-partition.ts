// Reading a partition without a consumer group, through kafkajs's own Fetch request and decoder:
// no group joins (none shows up in a student's `describe groups`), nothing is committed, and
// kafkajs is the oracle for the broker's Fetch codec. Lab checks, the differential suite, the
// benchmarks, the fault campaign and the tests all read partitions through this one module.
//
// Messages come back as kafkajs decodes them, as the broker sent them: transaction markers
// (isControlRecord) and records of aborted transactions included, as Fetch delivers them; with
// `asConsumer`, only what a read_committed consumer hands its application.

import type { Kafka } from 'kafkajs';
import { internalCluster, leaderBroker, type AbortedTransaction, type FetchedMessage, type FetchedPartition, type InternalBroker, type InternalCluster } from './kafkajs-internal.ts';

export type { FetchedMessage };

export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface FetchOptions {
  /** READ_COMMITTED (default) or READ_UNCOMMITTED. */
  isolationLevel?: 0 | 1;
  /** How long the broker may wait for records (default 100 ms). */
  maxWaitTime?: number;
  /** At most this much of the partition per fetch (default 4 MiB). */
  maxBytes?: number;
}

export interface FetchResult {
  /** The messages at or after the offset asked for (a batch straddling it comes back whole). */
  messages: FetchedMessage[];
  highWatermark: number;
  /** -1 where the Fetch version has none. */
  lastStableOffset: number;
  /** Where the read stops: the last stable offset for read_committed, else the high watermark. */
  readableEnd: number;
  /** What the broker named as aborted in this answer (read_committed). */
  abortedTransactions: AbortedTransaction[];
}

/** One Fetch of a partition from `offset` on a broker (its leader, as a consumer would ask). */
export async function fetchOnce(broker: InternalBroker, topic: string, partition: number, offset: number, options: FetchOptions = {}): Promise<FetchResult> {
  const { isolationLevel = READ_COMMITTED, maxWaitTime = 100, maxBytes = 4 * 2 ** 20 } = options;
  const response = await broker.fetch({
    maxWaitTime,
    maxBytes,
    isolationLevel,
    topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
  });
  const fetched: FetchedPartition | undefined = response.responses[0]?.partitions[0];
  if (!fetched) throw new Error(`the Fetch of ${topic}[${partition}] at offset ${offset} came back without the partition`);
  // kafkajs rejects for partition errors itself; this guards a version that would not.
  if (fetched.errorCode !== 0) throw Object.assign(new Error(`fetching ${topic}[${partition}] at offset ${offset} failed with error code ${fetched.errorCode}`), { errorCode: fetched.errorCode });
  const highWatermark = Number(fetched.highWatermark);
  const lastStable = Number(fetched.lastStableOffset);
  return {
    messages: fetched.messages.filter((m) => Number(m.offset) >= offset),
    highWatermark,
    lastStableOffset: lastStable,
    readableEnd: isolationLevel === READ_COMMITTED && lastStable >= 0 ? lastStable : highWatermark,
    abortedTransactions: fetched.abortedTransactions ?? [],
  };
}

/**
 * What a read_committed consumer hands its application from a fetch: no transaction markers, and
 * none of an aborted transaction's records (its producer's records in a transaction, from the
 * aborted transaction's first offset up to that producer's abort marker).
 */
export function committedMessages(messages: FetchedMessage[], aborted: AbortedTransaction[]): FetchedMessage[] {
  const pending = [...aborted].sort((a, b) => Number(a.firstOffset) - Number(b.firstOffset));
  const abortedProducers = new Set<string>();
  return messages.filter((m) => {
    while (pending.length > 0 && Number(m.offset) >= Number(pending[0].firstOffset)) abortedProducers.add(pending.shift()!.producerId);
    const producer = m.batchContext?.producerId ?? '';
    if (m.isControlRecord) {
      abortedProducers.delete(producer);
      return false;
    }
    return !(m.batchContext?.inTransaction && abortedProducers.has(producer));
  });
}

export interface ReadOptions extends FetchOptions {
  /** The first offset to read (default 0). */
  from?: number;
  /** Read below this offset only (default: no bound). */
  to?: number;
  /** At most this many messages (default: no bound). */
  limit?: number;
  /**
   * Keep fetching until `limit` messages have come, however long (within `timeoutMs`) they take to
   * be written; otherwise the read stops at the end of what is readable now.
   */
  waitForLimit?: boolean;
  /** The whole read's deadline (default 10 s): past it, the read rejects saying what it got. */
  timeoutMs?: number;
  /** Called with each fetch's new messages; given it, they are not kept (`messages` stays empty). */
  onMessages?: (messages: FetchedMessage[]) => void;
  /** Only what a read_committed consumer would deliver: no markers, no aborted records (`count` and `limit` count these). */
  asConsumer?: boolean;
}

export interface PartitionRead {
  messages: FetchedMessage[];
  /** Messages read, kept or not. */
  count: number;
  /** The offset after the last message read. */
  next: number;
  /** As the last fetch answered them. */
  highWatermark: number;
  lastStableOffset: number;
}

/**
 * Messages of one partition, from its leader: from `from` to the end of what is readable (the
 * high watermark, or the last stable offset for read_committed), `to` or `limit`, whichever
 * comes first. A connected internal cluster is reused (its metadata refreshed); a Kafka is
 * connected for this read alone.
 */
export async function readPartition(client: Kafka | InternalCluster, topic: string, partition: number, options: ReadOptions = {}): Promise<PartitionRead> {
  if (!('refreshMetadata' in client)) {
    const cluster = internalCluster(client);
    await cluster.connect();
    try {
      return await readPartition(cluster, topic, partition, options);
    } finally {
      await cluster.disconnect();
    }
  }
  const { from = 0, to = Infinity, limit = Infinity, waitForLimit = false, timeoutMs = 10_000, onMessages, asConsumer = false, ...fetchOptions } = options;
  if (waitForLimit && limit === Infinity) throw new Error('readPartition: waitForLimit needs a limit');
  const where = `${topic}[${partition}]`;
  const deadline = Date.now() + timeoutMs;
  const broker = await leaderBroker(client, topic, partition);
  const messages: FetchedMessage[] = [];
  let count = 0;
  let offset = from;
  let last = { highWatermark: -1, lastStableOffset: -1 };
  while (count < limit && offset < to) {
    const left = deadline - Date.now();
    if (left <= 0) {
      const wanted = waitForLimit ? `${limit} messages` : `the end of ${where}`;
      throw new Error(`reading ${where} from offset ${from}: ${count} messages in ${timeoutMs} ms, waiting for ${wanted}`);
    }
    const fetched = await fetchOnce(broker, topic, partition, offset, { ...fetchOptions, maxWaitTime: Math.min(fetchOptions.maxWaitTime ?? 100, left) });
    last = fetched;
    const inRange = fetched.messages.filter((m) => Number(m.offset) < to);
    const delivered = asConsumer ? committedMessages(inRange, fetched.abortedTransactions) : inRange;
    const fresh = delivered.slice(0, limit - count);
    // Markers and aborted records are read past, even when none of them is kept.
    const readUpTo = fresh.length < delivered.length ? fresh.at(-1) : inRange.at(-1);
    if (readUpTo) offset = Number(readUpTo.offset) + 1;
    if (fresh.length > 0) {
      count += fresh.length;
      if (onMessages) onMessages(fresh);
      else messages.push(...fresh);
    }
    if (waitForLimit) continue;
    // At the readable end, or nothing readable here (what is left lies beyond the last stable offset).
    if (inRange.length === 0 || offset >= fetched.readableEnd) break;
  }
  return { messages, count, next: offset, highWatermark: last.highWatermark, lastStableOffset: last.lastStableOffset };
}
