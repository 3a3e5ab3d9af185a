// The group coordinator: which broker coordinates a group, the groups themselves, and their
// committed offsets. As in Kafka, a group belongs to one partition of the internal, compacted
// `__consumer_offsets` topic (chosen by the hash of its id); that partition's leader coordinates it,
// and every commit is a record in that partition, so offsets survive a `--data-dir` restart. So does
// each classic group's metadata, written when a generation is synced or the group empties: the
// broker that takes a partition over (or restarts) loads its groups, members and all.

import type { Cluster } from '../cluster/cluster.ts';
import { InternalTopicPlacement } from '../cluster/internal-topics.ts';
import { KafkaError, type ErrorName } from '../protocol/errors.ts';
import type { NewRecord } from '../protocol/records.ts';
import type { GroupSnapshot } from '../introspection/snapshot.ts';
import { decodeAssignment } from './consumer-protocol.ts';
import { ConsumerGroup } from './consumer-group.ts';
import { Group, type GroupChange } from './group.ts';
import type { StoredGroup } from './offsets-format.ts';
import { groupMetadataKey, groupMetadataValue, offsetKey, offsetValue, parseGroupRecord, parseOffsetRecord } from './offsets-format.ts';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

/** A group's committed offsets: topic → partition → offset. */
export type CommittedOffsets = Map<string, Map<number, CommittedOffset>>;

export interface CoordinatorOptions {
  /** Kafka's offsets.topic.num.partitions (default 50). */
  offsetsTopicPartitions: number;
  /** Kafka's group.initial.rebalance.delay.ms (default 3000). */
  initialRebalanceDelayMs: number;
  /** Kafka's group.min.session.timeout.ms / group.max.session.timeout.ms (default 6000 / 1800000). */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** Kafka's group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms (KIP-848 groups; default 45000 / 5000). */
  consumerSessionTimeoutMs: number;
  consumerHeartbeatIntervalMs: number;
}

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  /** Groups under the consumer rebalance protocol (KIP-848); a group id is in one map or the other. */
  readonly consumerGroups = new Map<string, ConsumerGroup>();
  /** The epoch each consumer group was last reported stable at. */
  private readonly stableEpochs = new Map<string, number>();
  private readonly offsets = new Map<string, CommittedOffsets>();
  private loaded = false;
  /** "group/producerId" → offsets committed inside a transaction that has not ended yet */
  private readonly pendingTxnOffsets = new Map<string, { topic: string; partition: number; value: CommittedOffset }[]>();
  private readonly placement: InternalTopicPlacement;

  constructor(
    private readonly cluster: Cluster,
    readonly options: CoordinatorOptions,
  ) {
    this.placement = new InternalTopicPlacement(cluster, {
      name: OFFSETS_TOPIC,
      partitions: options.offsetsTopicPartitions,
      configs: { 'cleanup.policy': 'compact', 'compression.type': 'producer', 'segment.bytes': '104857600' },
    });
  }

  /** The broker coordinating `groupId`, creating the offsets topic on first use. */
  findCoordinator(groupId: string): number {
    return this.placement.findCoordinator(groupId);
  }

  /** The broker coordinating a group now, or -1 while the offsets topic does not exist. */
  coordinatorOf(groupId: string): number {
    return this.placement.coordinatorOf(groupId);
  }

  /** The group, if `brokerId` coordinates it; creates an empty group when `create` is set. */
  group(groupId: string, brokerId: number, create: true): Group;
  group(groupId: string, brokerId: number, create?: false): Group | undefined;
  group(groupId: string, brokerId: number, create = false): Group | undefined {
    this.requireCoordinator(groupId, brokerId);
    return create ? this.ensureGroup(groupId) : this.groups.get(groupId);
  }

  /**
   * The KIP-848 group, if `brokerId` coordinates it; creates it when `create` is set. A classic
   * group with members keeps the id (INCONSISTENT_GROUP_PROTOCOL); an empty one gives it up.
   */
  consumerGroup(groupId: string, brokerId: number, create = false): ConsumerGroup | undefined {
    this.requireCoordinator(groupId, brokerId);
    const existing = this.consumerGroups.get(groupId);
    if (existing || !create) return existing;
    const classic = this.groups.get(groupId);
    if (classic && classic.members.size > 0) throw new KafkaError('INCONSISTENT_GROUP_PROTOCOL', `Group ${groupId} is a classic group with members: consumers of the consumer protocol cannot join it.`);
    classic?.shutdown();
    this.groups.delete(groupId);
    const group = new ConsumerGroup(groupId, {
      sessionTimeoutMs: this.options.consumerSessionTimeoutMs,
      topics: () => new Map([...this.cluster.topics.values()].map((t) => [t.name, t.partitions.length])),
      newMemberId: () => this.cluster.random.uuid(),
      onChange: (g, reason) =>
        this.cluster.events.emit({ type: 'group-changed', group: g.groupId, state: g.state, generationId: g.groupEpoch, change: 'rebalance-started', reason }),
    });
    this.consumerGroups.set(groupId, group);
    return group;
  }

  /** After a heartbeat: a consumer group that has converged says so, once per epoch. */
  reportConsumerGroup(group: ConsumerGroup): void {
    if (group.state !== 'Stable') return;
    const last = this.stableEpochs.get(group.groupId);
    if (last === group.groupEpoch) return;
    this.stableEpochs.set(group.groupId, group.groupEpoch);
    this.cluster.events.emit({ type: 'group-changed', group: group.groupId, state: group.state, generationId: group.groupEpoch, change: 'rebalance-completed', protocol: group.assignorName, members: [...group.members.keys()] });
  }

  private ensureGroup(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId, {
        initialRebalanceDelayMs: this.options.initialRebalanceDelayMs,
        newMemberId: (clientId) => `${clientId}-${this.cluster.random.uuid().replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`,
        onChange: (g, change) => this.report(g, change),
      });
      this.groups.set(groupId, group);
    }
    return group;
  }

  requireCoordinator(groupId: string, brokerId: number): void {
    if (groupId === '') throw new KafkaError('INVALID_GROUP_ID', 'The configured groupId is invalid.');
    this.placement.requireCoordinator(groupId, brokerId);
    this.loadOffsets();
  }

  // ---------------------------------------------------------------- committed offsets

  committed(groupId: string): CommittedOffsets {
    return this.offsets.get(groupId) ?? new Map();
  }

  commit(groupId: string, topic: string, partition: number, value: CommittedOffset): void {
    const record = { key: offsetKey(groupId, topic, partition), value: offsetValue(value), timestamp: value.commitTimestamp };
    this.appendToOffsetsTopic(groupId, [record]);
    this.remember(groupId, topic, partition, value);
    this.cluster.events.emit({ type: 'offsets-committed', group: groupId, topic, partition, offset: value.offset });
  }

  /** Whether an open transaction holds commits of this group's partition (what requireStable waits on). */
  hasPendingCommit(groupId: string, topic: string, partition: number): boolean {
    for (const [key, pending] of this.pendingTxnOffsets) {
      if (key.slice(0, key.lastIndexOf('/')) === groupId && pending.some((p) => p.topic === topic && p.partition === partition)) return true;
    }
    return false;
  }

  /** Offsets a transaction commits (TxnOffsetCommit): held back until its EndTxn. */
  commitInTransaction(groupId: string, producerId: number, topic: string, partition: number, value: CommittedOffset): void {
    const key = `${groupId}/${producerId}`;
    const pending = this.pendingTxnOffsets.get(key) ?? [];
    pending.push({ topic, partition, value });
    this.pendingTxnOffsets.set(key, pending);
  }

  /** EndTxn reached this group: a commit makes the transaction's offsets committed, an abort drops them. */
  completeTransaction(groupId: string, producerId: number, commit: boolean): void {
    const key = `${groupId}/${producerId}`;
    const pending = this.pendingTxnOffsets.get(key) ?? [];
    this.pendingTxnOffsets.delete(key);
    if (commit) for (const { topic, partition, value } of pending) this.commit(groupId, topic, partition, value);
  }

  /**
   * OffsetDelete: removes a group's committed offsets of some partitions, with tombstones. A group
   * with members keeps those of topics it reads (GROUP_SUBSCRIBED_TO_TOPIC for them). Returns the
   * error of each partition (NONE when deleted).
   */
  deleteOffsets(groupId: string, partitions: { topic: string; partition: number }[], brokerId: number): Map<string, ErrorName> {
    this.requireCoordinator(groupId, brokerId);
    const group = this.groups.get(groupId);
    if (!group && !this.offsets.has(groupId)) throw new KafkaError('GROUP_ID_NOT_FOUND', `Group ${groupId} not found.`);
    const subscribed = group?.subscribedTopics() ?? new Set<string>();
    const outcome = new Map<string, ErrorName>();
    const tombstones: NewRecord[] = [];
    for (const { topic, partition } of partitions) {
      const key = `${topic}\0${partition}`;
      if (subscribed.has(topic)) {
        outcome.set(key, 'GROUP_SUBSCRIBED_TO_TOPIC');
        continue;
      }
      outcome.set(key, 'NONE');
      if (this.committed(groupId).get(topic)?.has(partition)) {
        tombstones.push({ key: offsetKey(groupId, topic, partition), value: null });
        this.remember(groupId, topic, partition, null);
      }
    }
    if (tombstones.length > 0) this.appendToOffsetsTopic(groupId, tombstones);
    return outcome;
  }

  /** Deletes a group's offsets with tombstones, as DeleteGroups does. */
  deleteGroup(groupId: string): void {
    const tombstones: NewRecord[] = [...this.committed(groupId)].flatMap(([topic, partitions]) =>
      [...partitions.keys()].map((partition) => ({ key: offsetKey(groupId, topic, partition), value: null })),
    );
    if (this.groups.has(groupId)) tombstones.push({ key: groupMetadataKey(groupId), value: null });
    if (tombstones.length > 0) this.appendToOffsetsTopic(groupId, tombstones);
    this.offsets.delete(groupId);
    this.groups.get(groupId)?.shutdown();
    this.groups.delete(groupId);
    this.consumerGroups.get(groupId)?.shutdown();
    this.consumerGroups.delete(groupId);
    this.cluster.events.emit({ type: 'group-deleted', group: groupId });
  }

  private appendToOffsetsTopic(groupId: string, records: NewRecord[]): void {
    this.placement.append(groupId, records);
  }

  private remember(groupId: string, topic: string, partition: number, value: CommittedOffset | null): void {
    let byTopic = this.offsets.get(groupId);
    if (!byTopic) this.offsets.set(groupId, (byTopic = new Map()));
    let byPartition = byTopic.get(topic);
    if (!byPartition) byTopic.set(topic, (byPartition = new Map()));
    if (value) byPartition.set(partition, value);
    else byPartition.delete(partition);
  }

  /** Replays the offsets topic once (after a restart with `--data-dir`) to rebuild committed offsets and groups. */
  loadOffsets(): void {
    if (this.loaded) return;
    this.loaded = true;
    for (const record of this.placement.records()) {
      const parsed = parseOffsetRecord(record.key, record.value);
      if (parsed) this.remember(parsed.group, parsed.topic, parsed.partition, parsed.value);
    }
    this.loadGroups();
  }

  /**
   * Loads the classic groups stored in the offsets topic (in one partition of it, or all): each as
   * its last metadata record left it. Groups that only have committed offsets exist, Empty, as in Kafka.
   */
  private loadGroups(offsetsPartition?: number): void {
    const stored = new Map<string, StoredGroup | null>();
    for (const record of this.placement.records(offsetsPartition)) {
      const parsed = parseGroupRecord(record.key, record.value);
      if (parsed) stored.set(parsed.group, parsed.metadata);
    }
    const onPartition = (groupId: string) => offsetsPartition === undefined || this.placement.partitionIndexFor(groupId) === offsetsPartition;
    for (const [groupId, metadata] of stored) if (metadata && !this.groups.has(groupId) && !this.consumerGroups.has(groupId)) this.ensureGroup(groupId).restore(metadata);
    for (const groupId of this.offsets.keys()) if (onPartition(groupId) && !this.consumerGroups.has(groupId)) this.ensureGroup(groupId);
  }

  // ---------------------------------------------------------------- events

  private report(group: Group, change: GroupChange): void {
    // As Kafka's coordinator, store the group when a generation is synced and when it empties.
    const synced = change.change === 'stable';
    const emptied = change.change === 'rebalance-completed' && change.members.length === 0;
    if (synced || emptied) this.appendToOffsetsTopic(group.groupId, [{ key: groupMetadataKey(group.groupId), value: groupMetadataValue(group.toStored()), timestamp: Date.now() }]);
    this.cluster.events.emit({ type: 'group-changed', group: group.groupId, state: group.state, generationId: group.generationId, ...change });
  }

  describe(): GroupSnapshot[] {
    const offsetsOf = (groupId: string) =>
      [...this.committed(groupId)].flatMap(([topic, partitions]) =>
        [...partitions].map(([partition, committed]) => {
          const highWatermark = this.cluster.topics.partition(topic, partition)?.highWatermark ?? -1;
          return { topic, partition, committed: committed.offset, highWatermark, lag: Math.max(0, highWatermark - committed.offset) };
        }),
      );
    const consumerGroups: GroupSnapshot[] = [...this.consumerGroups.values()].map((group) => ({
      groupId: group.groupId,
      state: group.state,
      generationId: group.groupEpoch,
      protocolType: 'consumer',
      protocol: group.assignorName,
      leader: null,
      coordinator: this.coordinatorOf(group.groupId),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: Object.fromEntries([...m.assigned].map(([topic, ps]) => [topic, [...ps].sort((x, y) => x - y)])),
      })),
      offsets: offsetsOf(group.groupId),
    }));
    return [...this.groups.values()].map((group) => ({
      groupId: group.groupId,
      state: group.state,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocol: group.protocolName,
      leader: group.leaderId,
      coordinator: this.coordinatorOf(group.groupId),
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: group.protocolType === 'consumer' ? decodeAssignment(m.assignment) : null,
      })),
      offsets: offsetsOf(group.groupId),
    }) as GroupSnapshot).concat(consumerGroups);
  }

  /**
   * The leader of an offsets partition moved: the groups on it now belong to another broker. Their
   * members' parked requests hear NOT_COORDINATOR, and they find the new coordinator. That broker
   * loads the partition, as Kafka's does: committed offsets, and each classic group as last stored
   * (generation, members, assignments), so members heartbeat on without a rebalance. A KIP-848
   * group starts over (its members rejoin at epoch 0).
   */
  onCoordinatorMoved(offsetsPartition: number): void {
    for (const groups of [this.groups, this.consumerGroups]) {
      for (const [groupId, group] of groups) {
        if (this.placement.partitionIndexFor(groupId) !== offsetsPartition) continue;
        group.shutdown();
        groups.delete(groupId);
      }
    }
    const leader = this.cluster.topics.get(OFFSETS_TOPIC)?.partitions[offsetsPartition]?.leader ?? -1;
    if (this.loaded && leader >= 0) this.loadGroups(offsetsPartition);
  }

  shutdown(): void {
    for (const group of [...this.groups.values(), ...this.consumerGroups.values()]) group.shutdown();
    this.groups.clear();
    this.consumerGroups.clear();
  }
}
