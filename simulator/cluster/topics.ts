// The cluster's topics, and what the controller does to them: create (with replica placement and
// Kafka's checks of a manual assignment), delete, add partitions, replace configs. Every change is
// saved with the cluster metadata and told on the event stream.

import type { EventStream } from '../introspection/events.ts';
import { KafkaError } from '../protocol/errors.ts';
import type { Broker } from './broker.ts';
import { validateTopicConfigs } from './configs.ts';
import type { NewTopic, ResolvedOptions } from './options.ts';
import { assignReplicas } from './placement.ts';
import type { Random } from './random.ts';
import { collisionKey, invalidTopicName, Partition, Topic, type PartitionLogSetup } from './topic.ts';

/** A topic as the cluster metadata keeps it across restarts. */
export interface SavedTopic {
  name: string;
  id: string;
  internal?: boolean;
  configs: Record<string, string>;
  partitions: { replicas: number[]; leader: number; isr?: number[]; leaderEpoch?: number; adding?: number[]; removing?: number[] }[];
}

export interface TopicsDependencies {
  options: Pick<ResolvedOptions, 'numPartitions' | 'defaultReplicationFactor' | 'createTopicPolicy'>;
  /** Every registered broker: a manual assignment may name only these. */
  brokers: ReadonlyMap<number, Broker>;
  /** The brokers new replicas are placed on. */
  liveBrokerIds: () => number[];
  random: Random;
  /** How partitions get their replica logs: created now (fresh) or restored. */
  logs: (fresh: boolean) => PartitionLogSetup;
  events: EventStream;
  /** Called after every change, to save the cluster metadata. */
  changed: () => void;
}

export class Topics {
  private readonly byName = new Map<string, Topic>();
  private readonly deps: TopicsDependencies;

  constructor(deps: TopicsDependencies) {
    this.deps = deps;
  }

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  keys(): IterableIterator<string> {
    return this.byName.keys();
  }

  values(): IterableIterator<Topic> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }

  /** The topic with this id (32 hex digits), as requests by topic id name it. */
  byId(id: string): Topic | undefined {
    for (const topic of this.byName.values()) if (topic.id === id) return topic;
    return undefined;
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.byName.get(topic)?.partitions[index];
  }

  /** The topic, or the UNKNOWN_TOPIC_OR_PARTITION error Kafka answers for it. */
  require(name: string): Topic {
    const topic = this.byName.get(name);
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition.`);
    return topic;
  }

  /**
   * Creates a topic as the controller does, or throws the KafkaError Kafka would answer with.
   * With `validateOnly`, checks all the same and creates nothing; the answer says what would be made.
   */
  create(spec: NewTopic, validateOnly = false): { topic: Topic; partitions: number; replicationFactor: number } {
    const invalid = invalidTopicName(spec.name);
    if (invalid) throw new KafkaError('INVALID_TOPIC_EXCEPTION', invalid);
    if (this.byName.has(spec.name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
    const collides = [...this.byName.keys()].find((name) => collisionKey(name) === collisionKey(spec.name));
    if (collides) {
      throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic: ${collides}`);
    }
    const configs = validateTopicConfigs(spec.configs ?? {});
    const assignments = spec.assignments?.length ? spec.assignments : this.placeReplicas(spec.partitions, spec.replicationFactor);
    this.validateAssignments(assignments);
    const violation = this.deps.options.createTopicPolicy?.({ ...spec, partitions: assignments.length, replicationFactor: assignments[0].length });
    if (violation) throw new KafkaError('POLICY_VIOLATION', violation);
    const topic = new Topic(spec.name, this.newTopicId(), configs, spec.internal);
    const created = { topic, partitions: assignments.length, replicationFactor: assignments[0].length };
    if (validateOnly) return created;

    this.byName.set(topic.name, topic);
    assignments.forEach((replicas, index) => topic.partitions.push(new Partition(topic, index, replicas, replicas[0], this.deps.logs(true))));
    this.deps.changed();
    this.deps.events.emit({ type: 'topic-created', topic: topic.name, partitions: assignments.length, replicationFactor: topic.replicationFactor });
    return created;
  }

  delete(name: string): void {
    const topic = this.require(name);
    this.byName.delete(name);
    for (const partition of topic.partitions) {
      for (const replica of partition.replicaLogs.values()) replica.log.delete();
      partition.notifyAppend();
    }
    this.deps.changed();
    this.deps.events.emit({ type: 'topic-deleted', topic: name });
  }

  createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly = false): void {
    const topic = this.require(name);
    const current = topic.partitions.length;
    if (count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`);
    if (count < current) {
      throw new KafkaError('INVALID_PARTITIONS', `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`);
    }
    if (assignments && assignments.length !== count - current) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${count - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`);
    }
    const added = assignments ?? this.placeReplicas(count - current, topic.replicationFactor, current);
    this.validateAssignments([topic.partitions[0].replicas, ...added]);
    if (validateOnly) return;
    added.forEach((replicas, i) => topic.partitions.push(new Partition(topic, current + i, replicas, replicas[0], this.deps.logs(true))));
    this.deps.changed();
    this.deps.events.emit({ type: 'partitions-created', topic: name, partitions: count });
  }

  /** Replaces a topic's overrides (AlterConfigs is not incremental: what is left out reverts to default). */
  setConfigs(name: string, configs: Record<string, string | null>, validateOnly = false): void {
    const topic = this.require(name);
    const valid = validateTopicConfigs(configs);
    if (validateOnly) return;
    topic.config.overrides = { ...valid };
    this.deps.changed();
    this.deps.events.emit({ type: 'topic-config-changed', topic: name, configs: { ...valid } });
  }

  /** Brings back a topic the cluster metadata saved, with its leaders, ISRs and epochs. */
  restore(saved: SavedTopic): void {
    const topic = new Topic(saved.name, saved.id, saved.configs, saved.internal);
    this.byName.set(topic.name, topic);
    saved.partitions.forEach((p, index) => {
      const partition = new Partition(topic, index, p.replicas, p.leader, this.deps.logs(false));
      partition.leaderEpoch = p.leaderEpoch ?? 0;
      if (p.isr?.length) partition.isr = p.isr;
      partition.adding = p.adding ?? [];
      partition.removing = p.removing ?? [];
      for (const replica of partition.replicaLogs.values()) replica.knownLeaderEpoch = partition.leaderEpoch;
      partition.settleHighWatermark();
      topic.partitions.push(partition);
    });
  }

  saved(): SavedTopic[] {
    return [...this.byName.values()].map((t) => ({
      name: t.name,
      id: t.id,
      internal: t.internal,
      configs: t.config.overrides,
      partitions: t.partitions.map((p) => ({
        replicas: p.replicas,
        leader: p.leader,
        isr: p.isr,
        leaderEpoch: p.leaderEpoch,
        ...(p.reassigning && { adding: p.adding, removing: p.removing }),
      })),
    }));
  }

  /** A topic id no topic has: a seeded cluster restarted over its data dir replays the ids it drew before. */
  private newTopicId(): string {
    const taken = new Set([...this.byName.values()].map((t) => t.id));
    for (;;) {
      const id = this.deps.random.uuid();
      if (!taken.has(id)) return id;
    }
  }

  private placeReplicas(partitions = -1, replicationFactor = -1, firstPartition = 0): number[][] {
    if (replicationFactor < -1 || replicationFactor === 0) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (partitions < -1 || partitions === 0) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    const { options } = this.deps;
    const count = partitions === -1 ? options.numPartitions : partitions;
    const factor = replicationFactor === -1 ? options.defaultReplicationFactor : replicationFactor;
    const live = this.deps.liveBrokerIds();
    if (factor > live.length) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only ${live.length} broker(s) are registered or some brokers have all their log directories cordoned.`);
    }
    return assignReplicas(live, count, factor, this.deps.random, firstPartition);
  }

  /** Kafka's checks of a manual assignment (ReplicationControlManager), with its messages: every list as long as the first. */
  validateAssignments(assignments: number[][]): void {
    const invalid = (why: string) => new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes ${why}`);
    for (const replicas of assignments) {
      if (replicas.length === 0) throw invalid('an empty replica list.');
      const sorted = [...replicas].sort((a, b) => a - b);
      sorted.forEach((id, i) => {
        if (!this.deps.brokers.has(id)) throw invalid(`broker ${id}, but no such broker is registered.`);
        if (id === sorted[i - 1]) throw invalid(`the broker ${id} more than once.`);
      });
      if (replicas.length !== assignments[0].length) {
        throw invalid(`a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${assignments[0].length} replica(s).`);
      }
    }
  }
}
