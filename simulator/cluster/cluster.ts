// The cluster's state and the operations on it that several APIs share: brokers, the controller,
// topics and their partitions, appends, and persistence. All of it runs on Node's one thread, so
// handlers never race (kfake gets the same from its single run loop).

import { handleFrame } from '../dispatch.ts';
import { EventStream } from '../introspection/events.ts';
import type { ClusterSnapshot } from '../introspection/snapshot.ts';
import { LogCleaner, type CleanLogsOptions, type PartitionCleaning } from '../log/cleaner.ts';
import { memoryStore, diskStore, type Store } from '../log/store.ts';
import { KafkaError } from '../protocol/errors.ts';
import { readBatchHeader, readRecords, type BatchHeader, type LogRecord } from '../protocol/records.ts';
import { GroupCoordinator, OFFSETS_TOPIC } from '../groups/coordinator.ts';
import { validAcl, type AclBinding, type AclBindingInput, type AclFilter } from '../security/acl.ts';
import { Security, type SecurityOptions } from '../security/security.ts';
import { TransactionCoordinator } from '../txn/coordinator.ts';
import { Faults } from '../faults/index.ts';
import type { LatencyOptions, ThrottleOptions } from '../faults/index.ts';
import type { NetworkNode } from '../faults/network.ts';
import type { FaultRuleInput } from '../faults/rules.ts';
import { Broker } from './broker.ts';
import { layBrokers, type BrokerLayoutOptions } from './broker-layout.ts';
import { Controller } from './controller.ts';
import { Replication } from './replication.ts';
import { TOPIC_CONFIGS, validateTopicConfigs } from './configs.ts';
import { assignReplicas } from './placement.ts';
import { Random } from './random.ts';
import { collisionKey, invalidTopicName, Partition, Topic } from './topic.ts';

/**
 * With `users`, every listener is SASL_PLAINTEXT and ACLs are enforced (see SecurityOptions).
 * Broker ids, hosts and ports: see BrokerLayoutOptions (ids 1..N on 127.0.0.1 by default).
 */
export interface ClusterOptions extends SecurityOptions, BrokerLayoutOptions {
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
  /** Kafka's group.initial.rebalance.delay.ms (default 3000; tests often want 0). */
  groupInitialRebalanceDelayMs?: number;
  /** Kafka's offsets.topic.num.partitions (default 50). */
  offsetsTopicPartitions?: number;
  /** Kafka's transaction.state.log.num.partitions (default 50). */
  transactionStateTopicPartitions?: number;
  /** A create.topic.policy: return a message to refuse a topic with POLICY_VIOLATION. */
  createTopicPolicy?: (topic: NewTopic) => string | undefined | void;
  /** Kafka's log.retention.check.interval.ms (default 300000); 0 turns background retention off. */
  logRetentionCheckIntervalMs?: number;
  /** Kafka's log.cleaner.backoff.ms (default 15000): how often compaction looks for dirty logs; 0 turns it off. */
  logCleanerBackoffMs?: number;
  /** How long after a leader append its followers copy it (default 0: at once). */
  replicationLagMs?: number;
  /** Kafka's replica.lag.time.max.ms (default 30000): a follower behind for longer leaves the ISR. */
  replicaLagTimeMaxMs?: number;
  /** Kafka's broker.session.timeout.ms (default 9000): a broker the controller cannot hear for longer is fenced. */
  brokerSessionTimeoutMs?: number;
  /** How often followers fetch, ISRs are checked and the controller looks at brokers (default 100 ms). */
  replicationTickMs?: number;
}

export interface NewTopic {
  name: string;
  partitions?: number;
  replicationFactor?: number;
  /** Explicit replica lists per partition, instead of partitions + replicationFactor. */
  assignments?: number[][];
  configs?: Record<string, string>;
  /** Kafka's own topics (`__consumer_offsets`, `__transaction_state`). */
  internal?: boolean;
}

const PRODUCER_ID_BLOCK = 1000;

interface SavedMetadata {
  clusterId: string;
  producerIdBlockEnd?: number;
  topics: {
    name: string;
    id: string;
    internal?: boolean;
    configs: Record<string, string>;
    partitions: { replicas: number[]; leader: number; isr?: number[]; leaderEpoch?: number }[];
  }[];
  acls?: AclBinding[];
}

export class Cluster {
  readonly events = new EventStream();
  readonly brokers = new Map<number, Broker>();
  readonly topics = new Map<string, Topic>();
  readonly random: Random;
  readonly id: string;
  readonly options: Required<Omit<ClusterOptions, 'dataDir' | 'seed' | 'createTopicPolicy' | keyof SecurityOptions | keyof BrokerLayoutOptions>> & ClusterOptions;
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly security: Security;
  private readonly cleaner: LogCleaner;
  readonly faults: Faults;
  readonly controller: Controller;
  readonly replication: Replication;
  private ticker: NodeJS.Timeout | null = null;
  /** Producer ids are handed out in blocks, as Kafka's controller does, so a restart never reuses one. */
  private producerIds = { next: 0, blockEnd: 0 };
  private readonly store: Store;

  constructor(options: ClusterOptions = {}) {
    this.options = {
      autoCreateTopics: true,
      numPartitions: 1,
      defaultReplicationFactor: 1,
      groupInitialRebalanceDelayMs: 3000,
      offsetsTopicPartitions: 50,
      transactionStateTopicPartitions: 50,
      logRetentionCheckIntervalMs: 300_000,
      logCleanerBackoffMs: 15_000,
      replicationLagMs: 0,
      replicaLagTimeMaxMs: 30_000,
      brokerSessionTimeoutMs: 9000,
      replicationTickMs: 100,
      ...options,
    };
    const places = layBrokers(options);
    this.random = new Random(options.seed);
    this.faults = new Faults(this);
    this.controller = new Controller(this, this.options.brokerSessionTimeoutMs);
    this.replication = new Replication(this, { replicationLagMs: this.options.replicationLagMs, replicaLagTimeMaxMs: this.options.replicaLagTimeMaxMs });
    this.store = options.dataDir ? diskStore(options.dataDir) : memoryStore;
    const saved = this.store.loadMetadata<SavedMetadata>();
    // ACLs live in the cluster metadata, as in KRaft: those created at run time survive a restart.
    this.security = new Security({ ...options, acls: [...(saved?.acls ?? []), ...(options.acls ?? [])] }, () => this.saveMetadata());
    this.id = saved?.clusterId ?? this.random.bytes(16).toString('base64url');
    for (const place of places) this.brokers.set(place.id, new Broker(place));
    for (const t of saved?.topics ?? []) this.restoreTopic(t);
    this.groups = new GroupCoordinator(this, {
      offsetsTopicPartitions: this.options.offsetsTopicPartitions,
      initialRebalanceDelayMs: this.options.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: 6000,
      maxSessionTimeoutMs: 1_800_000,
    });
    this.transactions = new TransactionCoordinator(this, this.options.transactionStateTopicPartitions);
    this.producerIds = { next: saved?.producerIdBlockEnd ?? 0, blockEnd: saved?.producerIdBlockEnd ?? 0 };
    this.cleaner = new LogCleaner(this, {
      retentionCheckIntervalMs: this.options.logRetentionCheckIntervalMs,
      cleanerBackoffMs: this.options.logCleanerBackoffMs,
    });
  }

  nextProducerId(): number {
    if (this.producerIds.next >= this.producerIds.blockEnd) {
      this.producerIds.blockEnd += PRODUCER_ID_BLOCK;
      this.saveMetadata();
    }
    return this.producerIds.next++;
  }

  async start(): Promise<void> {
    // After a restart, settle what the logs left behind before any client connects.
    this.groups.loadOffsets();
    this.transactions.load();
    try {
      for (const broker of this.brokers.values()) {
        await this.startBroker(broker);
        this.controller.brokerUp(broker.id);
      }
      this.cleaner.start();
      this.ticker = setInterval(() => this.tick(), this.options.replicationTickMs);
      this.ticker.unref();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  startBroker(broker: Broker): Promise<void> {
    return broker.start((frame, connection) => handleFrame(this, broker, frame, connection), this.events);
  }

  /** The periodic work of a live cluster: the controller's heartbeats, then follower fetches and ISR checks. */
  tick(): void {
    this.controller.tick();
    this.replication.tick();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.replication.stop();
    this.cleaner.stop();
    this.groups.shutdown();
    this.transactions.shutdown();
    await Promise.all([...this.brokers.values()].map((b) => b.stop()));
    this.faults.release();
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.notifyAppend();
    this.store.close();
  }

  get bootstrapServers(): string[] {
    return [...this.brokers.values()].map((b) => b.address);
  }

  /** Brokers that serve and that the controller has not fenced: what Metadata lists and placement uses. */
  get liveBrokers(): Broker[] {
    return [...this.brokers.values()].filter((b) => b.state === 'up' && !this.controller.fenced.has(b.id));
  }

  get network() {
    return this.faults.network;
  }

  /** The active controller: in KRaft one of the quorum; here the lowest running broker id. */
  get controllerId(): number {
    return this.controller.id;
  }

  // ------------------------------------------------------------------ faults (simulator/faults)

  killBroker(id: number): Promise<void> {
    return this.faults.killBroker(id);
  }

  stopBroker(id: number): Promise<void> {
    return this.faults.stopBroker(id);
  }

  restartBroker(id: number): Promise<void> {
    return this.faults.restartBroker(id);
  }

  pauseBroker(id: number): void {
    this.faults.pauseBroker(id);
  }

  resumeBroker(id: number): void {
    this.faults.resumeBroker(id);
  }

  /** Splits the network: no node of `sideA` reaches a node of `sideB` (broker ids, or 'clients'). */
  partition(sideA: NetworkNode[], sideB: NetworkNode[]): void {
    this.faults.partition(sideA, sideB);
  }

  heal(): void {
    this.faults.heal();
  }

  /** Adds a per-request fault rule (match → error, delay, close, swallow or throttle); returns its id. */
  addFaultRule(rule: FaultRuleInput): number {
    return this.faults.addFaultRule(rule);
  }

  removeFaultRule(idOrName: number | string): boolean {
    return this.faults.removeFaultRule(idOrName);
  }

  clearFaultRules(): void {
    this.faults.clearFaultRules();
  }

  /** Delays requests to one broker (or all) by `ms` plus up to `jitterMs`, drawn from the seed. */
  latency(options: LatencyOptions): void {
    this.faults.latency(options);
  }

  clearLatency(): void {
    this.faults.clearLatency();
  }

  /** Closes clients' connections now, to one broker and of one client id if given; returns how many. */
  dropConnections(options: { brokerId?: number; clientId?: string } = {}): number {
    return this.faults.dropConnections(options);
  }

  /** A full disk: Produce to the partitions the broker leads fails with KAFKA_STORAGE_ERROR, and it copies nothing as a follower. */
  diskFull(brokerId: number, on = true): void {
    this.faults.diskFull(brokerId, on);
  }

  /** throttle_time_ms on every response of one broker (or all), each connection muted that long after (KIP-219); 0 ends it. */
  throttle(options: ThrottleOptions): void {
    this.faults.throttle(options);
  }

  topicPartition(topic: string, index: number): Partition | undefined {
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
    const configs = validateTopicConfigs(spec.configs ?? {});
    const assignments = spec.assignments?.length ? spec.assignments : this.placeReplicas(spec.partitions, spec.replicationFactor);
    this.validateAssignments(assignments);
    const violation = this.options.createTopicPolicy?.({ ...spec, partitions: assignments.length, replicationFactor: assignments[0].length });
    if (violation) throw new KafkaError('POLICY_VIOLATION', violation);
    const topic = new Topic(spec.name, this.newTopicId(), configs, spec.internal);
    if (validateOnly) return topic;

    this.topics.set(topic.name, topic);
    assignments.forEach((replicas, index) => topic.partitions.push(new Partition(topic, index, replicas, replicas[0], this.store)));
    this.saveMetadata();
    this.events.emit({ type: 'topic-created', topic: topic.name, partitions: assignments.length, replicationFactor: topic.replicationFactor });
    return topic;
  }

  /** A topic id no topic has: a seeded cluster restarted over its data dir replays the ids it drew before. */
  private newTopicId(): string {
    const taken = new Set([...this.topics.values()].map((t) => t.id));
    for (;;) {
      const id = this.random.uuid();
      if (!taken.has(id)) return id;
    }
  }

  private placeReplicas(partitions = -1, replicationFactor = -1, firstPartition = 0): number[][] {
    if (replicationFactor < -1 || replicationFactor === 0) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0, or -1 to use the default value.');
    }
    if (partitions < -1 || partitions === 0) throw new KafkaError('INVALID_PARTITIONS', 'Number of partitions was set to an invalid non-positive value.');
    const count = partitions === -1 ? this.options.numPartitions : partitions;
    const factor = replicationFactor === -1 ? this.options.defaultReplicationFactor : replicationFactor;
    const live = this.liveBrokers.map((b) => b.id);
    if (factor > live.length) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only ${live.length} broker(s) are registered or some brokers have all their log directories cordoned.`);
    }
    return assignReplicas(live, count, factor, this.random, firstPartition);
  }

  /** Kafka's checks of a manual assignment (ReplicationControlManager), with its messages. */
  private validateAssignments(assignments: number[][]): void {
    const invalid = (why: string) => new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual partition assignment includes ${why}`);
    for (const replicas of assignments) {
      if (replicas.length === 0) throw invalid('an empty replica list.');
      const sorted = [...replicas].sort((a, b) => a - b);
      sorted.forEach((id, i) => {
        if (!this.brokers.has(id)) throw invalid(`broker ${id}, but no such broker is registered.`);
        if (id === sorted[i - 1]) throw invalid(`the broker ${id} more than once.`);
      });
      if (replicas.length !== assignments[0].length) {
        throw invalid(`a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${assignments[0].length} replica(s).`);
      }
    }
  }

  deleteTopic(name: string): void {
    const topic = this.requireTopic(name);
    this.topics.delete(name);
    for (const partition of topic.partitions) {
      for (const brokerId of partition.replicas) this.store.partition(name, partition.index, brokerId).delete();
      partition.notifyAppend();
    }
    this.saveMetadata();
    this.events.emit({ type: 'topic-deleted', topic: name });
  }

  createPartitions(name: string, count: number, assignments: number[][] | null, validateOnly = false): void {
    const topic = this.requireTopic(name);
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

  // ------------------------------------------------------------------ ACLs

  /** Adds ACLs, as CreateAcls does (adding one that exists changes nothing); throws on an invalid one. */
  createAcls(acls: AclBindingInput[]): void {
    this.security.acls.add(acls.map(validAcl));
  }

  /** The ACLs a filter selects (all of them without one), as DescribeAcls lists them. */
  describeAcls(filter: AclFilter = {}): AclBinding[] {
    return this.security.acls.list(filter);
  }

  /** Removes the ACLs a filter selects, as DeleteAcls does, and returns them. */
  deleteAcls(filter: AclFilter): AclBinding[] {
    return this.security.acls.remove(filter);
  }

  // ------------------------------------------------------------------ records

  /** Appends validated batches to a partition's log; returns the first offset assigned. */
  append(partition: Partition, batches: { batch: Buffer; header: BatchHeader }[], brokerId: number): number {
    let baseOffset = -1;
    for (const { batch, header } of batches) {
      if (header.transactional && !header.control) this.transactions.verify(header.producerId, header.producerEpoch, partition.topic.name, partition.index);
      const appended = partition.appendBatch(batch, header, brokerId);
      if (baseOffset === -1) baseOffset = appended.baseOffset;
      const stored = appended.stored;
      if (!stored) continue; // a retried batch already in the log
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
    // The real leader's appends replicate; a zombie leader's stay on its own log, to be lost.
    if (brokerId === partition.leader) this.replication.afterLeaderAppend(partition);
    return baseOffset;
  }

  /** Coordinators follow the leaders of their internal partitions. */
  onLeaderChanged(partition: Partition): void {
    if (partition.topic.name === OFFSETS_TOPIC) this.groups.onCoordinatorMoved(partition.index);
    this.persistTopology();
  }

  /** Saves leaders, ISRs and epochs with the topics, so a restart resumes the same topology. */
  persistTopology(): void {
    this.saveMetadata();
  }

  /**
   * The data records in one replica's log (the leader's unless `brokerId` is given), from `from`
   * (default: the log start) up to `to` (default: that replica's high watermark, what consumers
   * may read; 'log-end' for everything it holds). Transaction markers are left out.
   */
  readPartition(topic: string, index: number, { brokerId, from, to }: { brokerId?: number; from?: number; to?: number | 'log-end' } = {}): LogRecord[] {
    const partition = this.topicPartition(topic, index);
    if (!partition) throw new Error(`no partition ${topic}[${index}]`);
    const replica = partition.replica(brokerId ?? partition.leader) ?? partition.replicaLogs.get(partition.replicas[0])!;
    const start = Math.max(from ?? 0, replica.log.startOffset);
    const end = to === 'log-end' ? replica.logEndOffset : Math.min(to ?? replica.highWatermark, replica.logEndOffset);
    const records: LogRecord[] = [];
    for (const batch of replica.log.read(start, Infinity, Infinity)) {
      if (batch.baseOffset >= end) break;
      const header = readBatchHeader(batch.data);
      if (header.control) continue;
      for (const record of readRecords(batch.data, header)) if (record.offset >= start && record.offset < end) records.push(record);
    }
    return records;
  }

  /** DeleteRecords: moves the log start offset; -1 means the high watermark. */
  deleteRecords(partition: Partition, offset: number): number {
    const target = offset === -1 ? partition.highWatermark : offset;
    const name = `${partition.topic.name}-${partition.index}`;
    if (target < 0) throw new KafkaError('OFFSET_OUT_OF_RANGE', `The offset ${target} for partition ${name} is not valid`);
    if (target > partition.highWatermark) {
      throw new KafkaError('OFFSET_OUT_OF_RANGE', `Cannot increment the log start offset to ${target} of partition ${name} since it is larger than the high watermark ${partition.highWatermark}`);
    }
    partition.log.advanceStartOffset(target);
    this.events.emit({ type: 'records-deleted', topic: partition.topic.name, partition: partition.index, logStartOffset: partition.log.startOffset });
    return partition.log.startOffset;
  }

  /**
   * Runs retention (cleanup.policy=delete) and compaction (cleanup.policy=compact) now, instead of
   * waiting for the background cleaner; returns what each partition lost.
   */
  cleanLogs(options: CleanLogsOptions = {}): PartitionCleaning[] {
    return this.cleaner.cleanLogs(options);
  }

  // ------------------------------------------------------------------ persistence and introspection

  private restoreTopic(saved: SavedMetadata['topics'][number]): void {
    const topic = new Topic(saved.name, saved.id, saved.configs, saved.internal);
    this.topics.set(topic.name, topic);
    saved.partitions.forEach((p, index) => {
      const partition = new Partition(topic, index, p.replicas, p.leader, this.store);
      partition.leaderEpoch = p.leaderEpoch ?? 0;
      if (p.isr?.length) partition.isr = p.isr;
      for (const replica of partition.replicaLogs.values()) replica.knownLeaderEpoch = partition.leaderEpoch;
      topic.partitions.push(partition);
    });
  }

  private saveMetadata(): void {
    this.store.saveMetadata({
      clusterId: this.id,
      producerIdBlockEnd: this.producerIds.blockEnd,
      acls: this.security.acls.all.length > 0 ? [...this.security.acls.all] : undefined,
      topics: [...this.topics.values()].map((t) => ({
        name: t.name,
        id: t.id,
        internal: t.internal,
        configs: t.config.overrides,
        partitions: t.partitions.map((p) => ({ replicas: p.replicas, leader: p.leader, isr: p.isr, leaderEpoch: p.leaderEpoch })),
      })),
    } satisfies SavedMetadata);
  }

  describe(): ClusterSnapshot {
    return {
      clusterId: this.id,
      controllerId: this.controllerId,
      brokers: [...this.brokers.values()].map((b) => ({ id: b.id, host: b.host, port: b.port, state: b.state, fenced: this.controller.fenced.has(b.id) })),
      network: { cut: this.network.cutLinks },
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
          replicaStates: [...p.replicaLogs.values()].map((r) => ({
            brokerId: r.brokerId,
            logEndOffset: r.logEndOffset,
            highWatermark: r.highWatermark,
            inSync: p.isr.includes(r.brokerId),
            believesLeader: r.believesLeader,
          })),
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
      groups: this.groups.describe(),
      faults: this.faults.describe(),
    };
  }
}
