// The cluster's state and the operations on it that several APIs share: brokers, the controller,
// topics and their partitions, appends, and persistence. All of it runs on Node's one thread, so
// handlers never race (kfake gets the same from its single run loop).

import { handleFrame } from '../dispatch.ts';
import { EventStream } from '../introspection/events.ts';
import type { ClusterSnapshot } from '../introspection/snapshot.ts';
import { memoryStore, diskStore, type Store } from '../log/store.ts';
import { KafkaError } from '../protocol/errors.ts';
import type { BatchHeader } from '../protocol/records.ts';
import { Broker } from './broker.ts';
import { TOPIC_CONFIGS, validateTopicConfigs } from './configs.ts';
import { assignReplicas } from './placement.ts';
import { Random } from './random.ts';
import { collisionKey, invalidTopicName, Partition, Topic } from './topic.ts';

export interface ClusterOptions {
  /** Number of brokers (default 1). Broker ids are 1..N. */
  brokers?: number;
  /** Port of broker 1; broker N listens on port + N - 1. 0 (default) picks free ports. */
  port?: number;
  /** Keep logs, topics and configs here, so a restart loses nothing acknowledged. */
  dataDir?: string;
  /** Kafka's auto.create.topics.enable (default true). */
  autoCreateTopics?: boolean;
  /** Kafka's num.partitions for auto-created topics (default 1). */
  numPartitions?: number;
  /** Kafka's default.replication.factor (default 1). */
  defaultReplicationFactor?: number;
  /** Makes cluster id, topic ids and replica placement repeatable. */
  seed?: number;
  /** A create.topic.policy: return a message to refuse a topic with POLICY_VIOLATION. */
  createTopicPolicy?: (topic: NewTopic) => string | undefined | void;
}

export interface NewTopic {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  /** Explicit replica lists per partition, instead of partitions + replicationFactor. */
  assignments?: number[][];
  configs?: Record<string, string>;
}

interface SavedMetadata {
  clusterId: string;
  topics: { name: string; id: string; configs: Record<string, string>; partitions: { replicas: number[]; leader: number }[] }[];
}

export const HOST = '127.0.0.1';

export class Cluster {
  readonly events = new EventStream();
  readonly brokers = new Map<number, Broker>();
  readonly topics = new Map<string, Topic>();
  readonly random: Random;
  readonly id: string;
  readonly options: Required<Omit<ClusterOptions, 'dataDir' | 'seed' | 'createTopicPolicy'>> & ClusterOptions;
  private readonly store: Store;

  constructor(options: ClusterOptions = {}) {
    this.options = {
      brokers: 1,
      port: 0,
      autoCreateTopics: true,
      numPartitions: 1,
      defaultReplicationFactor: 1,
      ...options,
    };
    if (!Number.isInteger(this.options.brokers) || this.options.brokers < 1) throw new Error(`brokers must be a positive integer, not ${this.options.brokers}`);
    this.random = new Random(options.seed);
    this.store = options.dataDir ? diskStore(options.dataDir) : memoryStore;
    const saved = this.store.loadMetadata<SavedMetadata>();
    this.id = saved?.clusterId ?? this.random.bytes(16).toString('base64url');
    for (let id = 1; id <= this.options.brokers; id++) {
      this.brokers.set(id, new Broker(id, HOST, this.options.port === 0 ? 0 : this.options.port + id - 1));
    }
    for (const t of saved?.topics ?? []) this.restoreTopic(t);
  }

  async start(): Promise<void> {
    try {
      for (const broker of this.brokers.values()) {
        await broker.start((frame, connection) => handleFrame(this, broker, frame, connection), this.events);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.brokers.values()].map((b) => b.stop()));
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.notifyAppend();
    this.store.close();
  }

  get bootstrapServers(): string[] {
    return [...this.brokers.values()].map((b) => b.address);
  }

  get liveBrokers(): Broker[] {
    return [...this.brokers.values()].filter((b) => b.state === 'up');
  }

  /** The active controller: in KRaft one of the quorum; here the lowest live broker id. */
  get controllerId(): number {
    return this.liveBrokers[0]?.id ?? -1;
  }

  partition(topic: string, index: number): Partition | undefined {
    return this.topics.get(topic)?.partitions[index];
  }

  // ------------------------------------------------------------------ topics

  /** Creates a topic as the controller does, or throws the KafkaError Kafka would answer with. */
  createTopic(spec: NewTopic, validateOnly = false): Topic {
    const invalid = invalidTopicName(spec.name);
    if (invalid) throw new KafkaError('INVALID_TOPIC_EXCEPTION', invalid);
    if (this.topics.has(spec.name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
    const collides = [...this.topics.keys()].find((name) => collisionKey(name) === collisionKey(spec.name));
    if (collides) {
      throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic: ${collides}`);
    }
    const assignments = spec.assignments?.length ? spec.assignments : this.placeReplicas(spec.partitions, spec.replicationFactor);
    this.validateAssignments(assignments);
    const configs = validateTopicConfigs(spec.configs ?? {});
    const violation = this.options.createTopicPolicy?.({ ...spec, partitions: assignments.length, replicationFactor: assignments[0].length });
    if (violation) throw new KafkaError('POLICY_VIOLATION', violation);
    const topic = new Topic(spec.name, this.random.uuid(), configs);
    if (validateOnly) return topic;

    this.topics.set(topic.name, topic);
    assignments.forEach((replicas, index) => topic.partitions.push(new Partition(topic, index, replicas, replicas[0], this.store)));
    this.saveMetadata();
    this.events.emit({ type: 'topic-created', topic: topic.name, partitions: assignments.length, replicationFactor: topic.replicationFactor });
    return topic;
  }

  private placeReplicas(partitions = -1, replicationFactor = -1, firstPartition = 0): number[][] {
    const count = partitions === -1 ? this.options.numPartitions : partitions;
    const factor = replicationFactor === -1 ? this.options.defaultReplicationFactor : replicationFactor;
    if (count <= 0) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
    if (factor <= 0) throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
    const live = this.liveBrokers.map((b) => b.id);
    if (factor > live.length) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only ${live.length} broker(s) are registered.`);
    }
    return assignReplicas(live, count, factor, this.random, firstPartition);
  }

  private validateAssignments(assignments: number[][]): void {
    for (const replicas of assignments) {
      if (replicas.length === 0 || new Set(replicas).size !== replicas.length || replicas.some((id) => !this.brokers.has(id))) {
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Invalid replica assignment ${JSON.stringify(replicas)}.`);
      }
      if (replicas.length !== assignments[0].length) {
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', 'All partitions should have the same number of replicas.');
      }
    }
  }

  deleteTopic(name: string): void {
    const topic = this.requireTopic(name);
    this.topics.delete(name);
    for (const partition of topic.partitions) {
      this.store.partition(name, partition.index).delete();
      partition.notifyAppend();
    }
    this.saveMetadata();
    this.events.emit({ type: 'topic-deleted', topic: name });
  }

  createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly = false): void {
    const topic = this.requireTopic(name);
    const current = topic.partitions.length;
    if (count < current) throw new KafkaError('INVALID_PARTITIONS', `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    if (count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partitions.`);
    const added = assignments ?? this.placeReplicas(count - current, topic.replicationFactor, current);
    if (added.length !== count - current) {
      throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Increasing the number of partitions by ${count - current} but ${added.length} assignments provided.`);
    }
    this.validateAssignments([topic.partitions[0].replicas, ...added]);
    if (validateOnly) return;
    added.forEach((replicas, i) => topic.partitions.push(new Partition(topic, current + i, replicas, replicas[0], this.store)));
    this.saveMetadata();
    this.events.emit({ type: 'partitions-created', topic: name, partitions: count });
  }

  /** Replaces a topic's overrides (AlterConfigs is not incremental: what is left out reverts to default). */
  setTopicConfigs(name: string, configs: Record<string, string | null>, validateOnly = false): void {
    const topic = this.requireTopic(name);
    const valid = validateTopicConfigs(configs);
    if (validateOnly) return;
    topic.config.overrides = { ...valid };
    this.saveMetadata();
    this.events.emit({ type: 'topic-config-changed', topic: name, configs: { ...valid } });
  }

  requireTopic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition.`);
    return topic;
  }

  // ------------------------------------------------------------------ records

  /** Appends validated batches to a partition's log; returns the first offset assigned. */
  append(partition: Partition, batches: { batch: Buffer; header: BatchHeader }[], brokerId: number): number {
    const baseOffset = partition.log.endOffset;
    for (const { batch, header } of batches) {
      const stored = partition.log.append(batch, partition.leaderEpoch);
      this.events.emit({
        type: 'records-appended',
        topic: partition.topic.name,
        partition: partition.index,
        brokerId,
        baseOffset: stored.baseOffset,
        lastOffset: stored.lastOffset,
        recordCount: header.recordCount,
        bytes: stored.data.length,
        producerId: header.producerId,
      });
    }
    partition.notifyAppend();
    return baseOffset;
  }

  /** DeleteRecords: moves the log start offset; -1 means the high watermark. */
  deleteRecords(partition: Partition, offset: number): number {
    const target = offset === -1 ? partition.highWatermark : offset;
    if (target < 0 || target > partition.highWatermark) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `Cannot delete records before ${target}: the high watermark is ${partition.highWatermark}.`);
    }
    partition.log.advanceStartOffset(target);
    this.events.emit({ type: 'records-deleted', topic: partition.topic.name, partition: partition.index, logStartOffset: partition.log.startOffset });
    return partition.log.startOffset;
  }

  // ------------------------------------------------------------------ persistence and introspection

  private restoreTopic(saved: SavedMetadata['topics'][number]): void {
    const topic = new Topic(saved.name, saved.id, saved.configs);
    this.topics.set(topic.name, topic);
    saved.partitions.forEach((p, index) => topic.partitions.push(new Partition(topic, index, p.replicas, p.leader, this.store)));
  }

  private saveMetadata(): void {
    this.store.saveMetadata({
      clusterId: this.id,
      topics: [...this.topics.values()].map((t) => ({
        name: t.name,
        id: t.id,
        configs: t.config.overrides,
        partitions: t.partitions.map((p) => ({ replicas: p.replicas, leader: p.leader })),
      })),
    } satisfies SavedMetadata);
  }

  describe(): ClusterSnapshot {
    return {
      clusterId: this.id,
      controllerId: this.controllerId,
      brokers: [...this.brokers.values()].map((b) => ({ id: b.id, host: b.host, port: b.port, state: b.state })),
      topics: [...this.topics.values()].map((t) => ({
        name: t.name,
        id: t.id,
        internal: t.internal,
        configs: Object.fromEntries(Object.keys(TOPIC_CONFIGS).map((name) => [name, t.config.get(name)])),
        overrides: { ...t.config.overrides },
        partitions: t.partitions.map((p) => ({
          partition: p.index,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          replicas: [...p.replicas],
          isr: [...p.isr],
          logStartOffset: p.log.startOffset,
          logEndOffset: p.log.endOffset,
          highWatermark: p.highWatermark,
          sizeInBytes: p.log.sizeInBytes,
        })),
      })),
      clients: [...this.brokers.values()].flatMap((b) =>
        b.connections.map((c) => ({
          connectionId: c.id,
          clientId: c.clientId,
          address: `${c.remoteAddress}:${c.remotePort}`,
          brokerId: b.id,
          connectedAt: c.connectedAt,
        })),
      ),
    };
  }
}
