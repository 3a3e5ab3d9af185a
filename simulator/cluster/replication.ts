// Replication, as Kafka's followers and leaders run it: each follower copies the leader's log from
// its own log end (truncating first where a leader change made them diverge), the leader moves
// the high watermark to what every in-sync replica has, and followers that fall behind for longer
// than replica.lag.time.max.ms leave the ISR (and rejoin once caught up). ISR changes go through
// the controller, so a leader cut off from it cannot shrink its ISR — its acks=all writes stall.

import { KafkaError } from '../protocol/errors.ts';
import type { Cluster } from './cluster.ts';
import { divergenceOffset } from './replica.ts';
import type { Partition } from './topic.ts';

/** Kafka's effective min.insync.replicas: the topic's setting, at most its replication factor. */
export function effectiveMinIsr(partition: Partition): number {
  return Math.min(partition.topic.config.number('min.insync.replicas'), partition.replicas.length);
}

/** Kafka's replica.fetch.response.max.bytes: what one follower fetch copies at most; a follower far behind catches up over several. */
const REPLICA_FETCH_RESPONSE_MAX_BYTES = 10 * 2 ** 20;

export interface ReplicationOptions {
  /** How long after a leader append followers copy it (0: at once). */
  replicationLagMs: number;
  /** Kafka's replica.lag.time.max.ms. */
  replicaLagTimeMaxMs: number;
}

export class Replication {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  /** Followers that learnt of a new leader epoch and must check their log against the leader's. */
  readonly needsTruncationCheck = new Set<string>();

  constructor(
    private readonly cluster: Cluster,
    readonly options: ReplicationOptions,
  ) {}

  /** Called after the leader appended: followers copy now, or after the configured lag. */
  afterLeaderAppend(partition: Partition): void {
    for (const followerId of partition.replicas) {
      if (followerId === partition.leader) continue;
      if (this.options.replicationLagMs === 0) this.catchUp(partition, followerId);
      else this.schedule(partition, followerId, this.options.replicationLagMs);
    }
    this.updateHighWatermark(partition);
  }

  private schedule(partition: Partition, followerId: number, delayMs: number): void {
    const key = `${partition.topic.name}\0${partition.index}\0${followerId}`;
    if (this.pending.has(key)) return;
    const timer = setTimeout(() => {
      this.pending.delete(key);
      if (this.cluster.topics.get(partition.topic.name)?.partitions[partition.index] === partition) this.catchUp(partition, followerId);
    }, delayMs);
    timer.unref();
    this.pending.set(key, timer);
  }

  /** Whether `followerId` can fetch from the partition's leader right now. */
  private canFetch(partition: Partition, followerId: number): boolean {
    const { brokers, network } = this.cluster;
    return (
      partition.leader >= 0 &&
      brokers.get(followerId)?.state === 'up' &&
      brokers.get(partition.leader)?.state === 'up' &&
      network.canReach(followerId, partition.leader) &&
      this.cluster.faults.canWrite(followerId) &&
      partition.replica(followerId)?.knownLeaderEpoch === partition.leaderEpoch
    );
  }

  /** One follower fetch: truncate where the logs diverge, copy what is missing, learn the high watermark. */
  catchUp(partition: Partition, followerId: number): void {
    if (!this.canFetch(partition, followerId)) return;
    const follower = partition.replica(followerId)!;
    const leader = partition.replica(partition.leader)!;
    const key = `${partition.topic.name}\0${partition.index}\0${followerId}`;
    if (this.needsTruncationCheck.delete(key)) {
      const from = divergenceOffset(follower.log, leader.log);
      const lost = follower.log.truncateTo(from);
      if (lost > 0) {
        this.cluster.events.emit({ type: 'log-truncated', topic: partition.topic.name, partition: partition.index, brokerId: followerId, offset: from, records: lost });
      }
    }
    if (follower.log.startOffset < leader.log.startOffset) follower.log.advanceStartOffset(leader.log.startOffset);
    try {
      for (const batch of leader.log.read(follower.logEndOffset, Infinity, REPLICA_FETCH_RESPONSE_MAX_BYTES)) {
        if (batch.baseOffset >= follower.logEndOffset) follower.log.appendCopy(batch.data);
      }
    } catch (error) {
      // The follower's disk refused the copy (KAFKA_STORAGE_ERROR): it falls behind, and leaves the ISR in time.
      if (!(error instanceof KafkaError)) throw error;
    }
    const now = Date.now();
    if (follower.logEndOffset >= leader.logEndOffset) follower.lastCaughtUpAt = now;
    follower.highWatermark = Math.min(leader.highWatermark, follower.logEndOffset);
    if (!partition.isr.includes(followerId) && follower.logEndOffset >= leader.highWatermark && this.leaderReachesController(partition)) {
      this.setIsr(partition, [...partition.isr, followerId].sort((a, b) => partition.replicas.indexOf(a) - partition.replicas.indexOf(b)));
    }
    this.updateHighWatermark(partition);
  }

  /** The leader's high watermark: the smallest log end offset in the ISR. Waking fetches and acks=all waits. */
  updateHighWatermark(partition: Partition): void {
    const leader = partition.replica(partition.leader);
    if (!leader?.believesLeader) return;
    // Kafka 4 (KIP-966) holds the high watermark while the ISR is below min.insync.replicas: acks=1
    // writes then stay unread until enough replicas are back in sync.
    if (partition.isr.length < effectiveMinIsr(partition)) return;
    const inSync = partition.isr.map((id) => partition.replica(id)?.logEndOffset ?? 0);
    const highWatermark = Math.min(leader.logEndOffset, ...inSync);
    if (highWatermark > leader.highWatermark) {
      leader.highWatermark = highWatermark;
      // Followers learn it with their next fetch; told at once here, as that fetch is instant.
      for (const id of partition.isr) {
        const follower = partition.replica(id);
        if (follower && follower !== leader && this.canFetch(partition, id)) follower.highWatermark = Math.min(highWatermark, follower.logEndOffset);
      }
      partition.notifyAppend();
    }
  }

  private leaderReachesController(partition: Partition): boolean {
    const controller = this.cluster.controllerId;
    return controller >= 0 && this.cluster.network.canReach(partition.leader, controller);
  }

  setIsr(partition: Partition, isr: number[]): void {
    partition.isr = isr;
    this.cluster.events.emit({ type: 'isr-changed', topic: partition.topic.name, partition: partition.index, isr: [...isr] });
    this.cluster.persistTopology();
    partition.notifyAppend();
  }

  /** The periodic work: followers catch up (links heal, lagged copies), laggards leave the ISR. */
  tick(now = Date.now()): void {
    for (const topic of this.cluster.topics.values()) {
      for (const partition of topic.partitions) {
        for (const followerId of partition.replicas) if (followerId !== partition.leader) this.catchUp(partition, followerId);
        const laggards = partition.isr.filter(
          (id) => id !== partition.leader && now - (partition.replica(id)?.lastCaughtUpAt ?? 0) > this.options.replicaLagTimeMaxMs,
        );
        if (laggards.length > 0 && partition.leader >= 0 && this.leaderReachesController(partition)) {
          this.setIsr(partition, partition.isr.filter((id) => !laggards.includes(id)));
        }
        this.updateHighWatermark(partition);
      }
    }
  }

  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }
}
