// The cluster: it builds its parts — brokers, controller, topics, records, replication, the
// coordinators, security, faults, the log cleaner — wires them together, starts and stops them,
// and saves the cluster metadata. It is also the handle users hold (simulator/index.ts): the fault
// methods come bound from its Faults, the rest from the parts below. API handlers never see it
// whole: they get a RequestContext with only the parts they act on (simulator/apis/api.ts).
// All of it runs on Node's one thread, so handlers never race (kfake gets the same from its
// single run loop).

import type { RequestServices } from '../apis/api.ts';
import { handleFrame } from '../dispatch.ts';
import { EventStream } from '../introspection/events.ts';
import { snapshotOf } from '../introspection/describe.ts';
import type { ClusterSnapshot } from '../introspection/snapshot.ts';
import { LogCleaner, type CleanLogsOptions, type PartitionCleaning } from '../log/cleaner.ts';
import { LogStorage } from '../log/storage.ts';
import type { LogRecord } from '../protocol/records.ts';
import { GroupCoordinator, OFFSETS_TOPIC } from '../groups/coordinator.ts';
import { validAcl, type AclBinding, type AclBindingInput, type AclFilter } from '../security/acl.ts';
import { Security } from '../security/security.ts';
import type { SavedScramCredential } from '../security/users.ts';
import { TransactionCoordinator } from '../txn/coordinator.ts';
import { Faults, faultControls, type FaultControls } from '../faults/index.ts';
import { connectionLimits, RequestMemory } from '../net/limits.ts';
import { Broker, type BrokerNetwork } from './broker.ts';
import { layBrokers } from './broker-layout.ts';
import { Controller } from './controller.ts';
import { onReplicaDamaged, settleDamagedReplicasAtStart } from './damaged-replicas.ts';
import { resolveOptions, type ClusterOptions, type NewTopic, type ResolvedOptions } from './options.ts';
import { PartitionRecords, type ReadPartitionOptions } from './partition-records.ts';
import { RecordValidator } from '../protocol/record-validation.ts';
import { ProducerIds } from './producer-ids.ts';
import { Random } from './random.ts';
import { LogDirs } from './log-dirs.ts';
import { QuorumView } from './quorum.ts';
import { Reassignments } from './reassignments.ts';
import { Replication } from './replication.ts';
import type { Partition, PartitionLogSetup } from './topic.ts';
import { Topics, type SavedTopic } from './topics.ts';

export type { ClusterOptions, NewTopic } from './options.ts';

/** The cluster metadata kept across restarts (in KRaft, the metadata log). */
interface SavedMetadata {
  clusterId: string;
  producerIdBlockEnd?: number;
  topics: SavedTopic[];
  acls?: AclBinding[];
  /** SCRAM credentials added, changed or deleted at run time (AlterUserScramCredentials). */
  scram?: SavedScramCredential[];
  /** How many metadata changes were saved: DescribeQuorum's offsets. */
  metadataOffset?: number;
}

// The handle's fault methods (killBroker, partition, addFaultRule, ...) are Faults' own, bound in
// the constructor: declared here so the class type has them.
export interface Cluster extends FaultControls {}

export class Cluster {
  readonly events = new EventStream();
  readonly brokers = new Map<number, Broker>();
  readonly random: Random;
  readonly id: string;
  readonly options: ResolvedOptions;
  readonly topics: Topics;
  readonly records: PartitionRecords;
  readonly groups: GroupCoordinator;
  readonly transactions: TransactionCoordinator;
  readonly producerIds: ProducerIds;
  readonly security: Security;
  readonly faults: Faults;
  readonly controller: Controller;
  readonly replication: Replication;
  readonly reassignments: Reassignments;
  /** How many metadata changes the cluster has made (KRaft's metadata log offset; DescribeQuorum). */
  metadataOffset: number;
  /** What API handlers may act on: passed to each with its request (RequestContext). */
  readonly services: RequestServices;
  /** What the listeners let clients hold: the limits, and the request memory all brokers share. */
  readonly listeners: BrokerNetwork;
  private readonly cleaner: LogCleaner;
  /** Where the logs are: a temporary folder, the data dir, or memory. */
  readonly storage: LogStorage;
  private ticker: NodeJS.Timeout | null = null;

  constructor(options: ClusterOptions = {}) {
    this.options = resolveOptions(options);
    const places = layBrokers(options);
    const limits = connectionLimits(options);
    this.random = new Random(options.seed);
    this.storage = LogStorage.open({ dataDir: options.dataDir, inMemory: options.inMemory, cacheBytes: this.options.logCacheBytes });
    const saved = this.storage.loadMetadata<SavedMetadata>();
    this.id = saved?.clusterId ?? this.random.bytes(16).toString('base64url');
    this.metadataOffset = saved?.metadataOffset ?? 0;
    for (const place of places) this.brokers.set(place.id, new Broker(place));
    const save = () => this.saveMetadata();
    this.faults = new Faults(this);
    Object.assign(this, faultControls(this.faults));
    this.controller = new Controller(this, this.options.brokerSessionTimeoutMs);
    this.replication = new Replication(this, { replicationLagMs: this.options.replicationLagMs, replicaLagTimeMaxMs: this.options.replicaLagTimeMaxMs });
    // ACLs and SCRAM credentials live in the cluster metadata, as in KRaft: what changed at run time survives a restart.
    this.security = new Security({ ...options, acls: [...(saved?.acls ?? []), ...(options.acls ?? [])] }, save, saved?.scram);
    this.listeners = { limits, memory: new RequestMemory(limits.queuedMaxRequestBytes), session: (address) => this.security.session(address) };
    this.topics = new Topics({
      options: this.options,
      brokers: this.brokers,
      liveBrokerIds: () => this.liveBrokers.map((b) => b.id),
      random: this.random,
      logs: (fresh) => this.logSetup(fresh),
      events: this.events,
      changed: save,
    });
    for (const topic of saved?.topics ?? []) this.topics.restore(topic);
    this.producerIds = new ProducerIds(saved?.producerIdBlockEnd ?? 0, save);
    for (const topic of this.topics.values()) for (const partition of topic.partitions) settleDamagedReplicasAtStart(this, partition);
    this.groups = new GroupCoordinator(this, {
      offsetsTopicPartitions: this.options.offsetsTopicPartitions,
      initialRebalanceDelayMs: this.options.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: this.options.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: this.options.groupMaxSessionTimeoutMs,
      consumerSessionTimeoutMs: this.options.groupConsumerSessionTimeoutMs,
      consumerHeartbeatIntervalMs: this.options.groupConsumerHeartbeatIntervalMs,
    });
    this.transactions = new TransactionCoordinator(this, this.options.transactionStateTopicPartitions);
    this.records = new PartitionRecords({
      topics: this.topics,
      transactions: this.transactions,
      replication: this.replication,
      events: this.events,
      validator: new RecordValidator(this.options.maxDecompressedBatchBytes),
    });
    this.cleaner = new LogCleaner(this, {
      retentionCheckIntervalMs: this.options.logRetentionCheckIntervalMs,
      cleanerBackoffMs: this.options.logCleanerBackoffMs,
    });
    this.reassignments = new Reassignments({
      topics: this.topics,
      logs: () => this.logSetup(true),
      elect: (partition, reason) => this.controller.elect(partition, reason),
      canLead: (brokerId) => this.liveBrokers.some((b) => b.id === brokerId),
      events: this.events,
      changed: save,
    });
    this.services = {
      cluster: this,
      topics: this.topics,
      elections: this.controller,
      reassignments: this.reassignments,
      logDirs: new LogDirs(this.storage, this.topics),
      quorum: new QuorumView(this.brokers, this.controller, () => this.metadataOffset),
      records: this.records,
      groups: this.groups,
      transactions: this.transactions,
      security: this.security,
      events: this.events,
    };
    this.storage.loaded();
  }

  /** A warning for people: stderr, unless `onWarning` says otherwise. */
  warn(line: string): void {
    if (this.options.onWarning) this.options.onWarning(line);
    else process.stderr.write(`kafka-lab: warning: ${line}\n`);
  }

  private logSetup(fresh: boolean): PartitionLogSetup {
    return { storage: this.storage, fresh, onDamage: (partition, cut) => onReplicaDamaged(this, partition, cut) };
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
    return broker.start((frame, connection) => handleFrame(this.services, this.faults, broker, frame, connection), this.events, this.listeners);
  }

  /** The periodic work of a live cluster: the controller's heartbeats, then follower fetches and ISR checks. */
  tick(): void {
    this.controller.tick();
    this.replication.tick();
    this.reassignments.tick();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.replication.stop();
    this.cleaner.stop();
    this.groups.shutdown();
    this.transactions.shutdown();
    await Promise.all([...this.brokers.values()].map((b) => b.stop()));
    await this.records.stop();
    this.faults.release();
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        partition.notifyAppend();
        for (const replica of partition.replicaLogs.values()) replica.log.close();
      }
    }
    this.storage.close();
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

  /** Creates a topic directly (as the controller would), without a client; throws the KafkaError Kafka would answer with. */
  createTopic(spec: NewTopic): void {
    this.topics.create(spec);
  }

  /**
   * The data records in one replica's log (the leader's unless `brokerId` is given), from `from`
   * (default: the log start) up to `to` (default: that replica's high watermark, what consumers
   * may read; 'log-end' for everything it holds). Transaction markers are left out.
   */
  readPartition(topic: string, index: number, options: ReadPartitionOptions = {}): LogRecord[] {
    return this.records.read(topic, index, options);
  }

  /**
   * Runs retention (cleanup.policy=delete) and compaction (cleanup.policy=compact) now, instead of
   * waiting for the background cleaner; returns what each partition lost.
   */
  cleanLogs(options: CleanLogsOptions = {}): PartitionCleaning[] {
    return this.cleaner.cleanLogs(options);
  }

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

  describe(): ClusterSnapshot {
    return snapshotOf(this);
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

  private saveMetadata(): void {
    this.metadataOffset++;
    this.storage.saveMetadata({
      metadataOffset: this.metadataOffset,
      clusterId: this.id,
      producerIdBlockEnd: this.producerIds.blockEnd,
      acls: this.security.acls.all.length > 0 ? [...this.security.acls.all] : undefined,
      scram: this.security.users.savedChanges().length > 0 ? this.security.users.savedChanges() : undefined,
      topics: this.topics.saved(),
    } satisfies SavedMetadata);
  }
}
