// kafkajs's own cluster and broker objects, reached through its private entry point. kafkajs's
// public consumer must join a group; checks, the grader, benches and tests read partitions and
// send single requests with kafkajs's protocol code instead. kafkajs 2.x is frozen, so the entry
// stays put.

import type { Kafka } from 'kafkajs';

export interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | Buffer[] | undefined>;
  /** A transaction marker (commit or abort), which consumers skip. */
  isControlRecord?: boolean;
  /** The record batch it came in: its producer (id, epoch, the batch's first sequence), and whether that wrote it in a transaction. */
  batchContext?: { producerId: string; producerEpoch?: number; firstSequence?: number; firstOffset?: string; inTransaction: boolean };
}

/** A read_committed Fetch names the aborted transactions in what it returns: a producer's records from firstOffset on. */
export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

export interface FetchedPartition {
  partition: number;
  errorCode: number;
  highWatermark: string;
  /** -1 where the Fetch version has none. */
  lastStableOffset: string;
  messages: FetchedMessage[];
  abortedTransactions?: AbortedTransaction[];
}

export interface InternalBroker {
  /** Rejects with kafkajs's error for a partition error (OFFSET_OUT_OF_RANGE, ...), as kafkajs parses it. */
  fetch(request: object): Promise<{ responses: { topicName: string; partitions: FetchedPartition[] }[] }>;
  /** Rejects with the partition's error, as kafkajs parses it. */
  offsetCommit(request: object): Promise<unknown>;
}

export interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(topics?: string[]): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<InternalBroker>;
  findGroupCoordinator(args: { groupId: string }): Promise<InternalBroker>;
}

export function internalCluster(kafka: Kafka): InternalCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('this kafkajs version has no private:Kafka:createCluster; kafka-lab needs kafkajs 2.x');
  const create = (kafka as unknown as Record<symbol, (options: object) => InternalCluster>)[symbol];
  return create({ metadataMaxAge: 300_000, allowAutoTopicCreation: false, maxInFlightRequests: null });
}

/** The broker leading `topic`'s `partition`, from fresh metadata; throws when the partition has no leader. */
export async function leaderBroker(cluster: InternalCluster, topic: string, partition = 0): Promise<InternalBroker> {
  await cluster.addTargetTopic(topic);
  await cluster.refreshMetadata([topic]);
  const [leader] = Object.keys(cluster.findLeaderForPartitions(topic, [partition]));
  if (leader === undefined) throw new Error(`partition ${topic}[${partition}] has no leader`);
  return cluster.findBroker({ nodeId: leader });
}

/** Runs `use` with a connected internal cluster of `kafka`, disconnecting it afterwards. */
export async function withInternalCluster<T>(kafka: Kafka, use: (cluster: InternalCluster) => Promise<T>): Promise<T> {
  const cluster = internalCluster(kafka);
  await cluster.connect();
  try {
    return await use(cluster);
  } finally {
    await cluster.disconnect();
  }
}

/**
 * Commits an offset for a group with no members, as a one-off OffsetCommit (generation -1, no
 * member id: what Kafka accepts from tools). kafkajs's admin.setOffsets runs a whole consumer and
 * waits out a fetch for it; this is the request alone.
 */
export function commitOffset(kafka: Kafka, groupId: string, topic: string, partition: number, offset: number): Promise<void> {
  return withInternalCluster(kafka, async (cluster) => {
    await cluster.refreshMetadata();
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.offsetCommit({ groupId, groupGenerationId: -1, memberId: '', topics: [{ topic, partitions: [{ partition, offset: String(offset) }] }] });
  });
}
