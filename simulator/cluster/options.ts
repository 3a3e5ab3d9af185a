// What a cluster is started with (startCluster's options, README "Programmatic API") and the
// defaults that fill in what is left out: Kafka's own defaults, where Kafka has the setting.

import { DEFAULT_MAX_DECOMPRESSED_BYTES } from '../protocol/compression.ts';
import type { ConnectionLimitOptions } from '../net/limits.ts';
import type { SecurityOptions } from '../security/security.ts';
import type { BrokerLayoutOptions } from './broker-layout.ts';

/** What each broker keeps of recent batches in memory, at most (Kafka leaves this to the page cache). */
export const DEFAULT_LOG_CACHE_BYTES = 64 * 2 ** 20;

/**
 * With `users`, every listener is SASL_PLAINTEXT and ACLs are enforced (see SecurityOptions).
 * Broker ids, hosts and ports: see BrokerLayoutOptions (ids 1..N on 127.0.0.1 by default); what
 * a client may make a listener hold: ConnectionLimitOptions.
 */
export interface ClusterOptions extends SecurityOptions, BrokerLayoutOptions, ConnectionLimitOptions {
  /** Keep logs, topics and configs here, so a restart loses nothing acknowledged. Without it, logs go to a temporary folder removed on stop. */
  dataDir?: string;
  /** Keep every log in memory, nothing on disk (small tests and labs); excludes dataDir. */
  inMemory?: boolean;
  /** Bytes of recent batches each broker keeps in memory, so reads near the log end need no disk (default 64 MiB; disk logs only). */
  logCacheBytes?: number;
  /** Where warnings go (a damaged log cut at recovery, ...): one line each. Default: stderr. */
  onWarning?: (line: string) => void;
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
  /**
   * Kafka's group.min.session.timeout.ms (default 6000) and group.max.session.timeout.ms (default
   * 1800000): a member joining with a session timeout outside them is refused INVALID_SESSION_TIMEOUT.
   */
  groupMinSessionTimeoutMs?: number;
  groupMaxSessionTimeoutMs?: number;
  /** Kafka's group.consumer.session.timeout.ms (default 45000): a consumer-protocol member (KIP-848) silent for longer is removed. */
  groupConsumerSessionTimeoutMs?: number;
  /** Kafka's group.consumer.heartbeat.interval.ms (default 5000): how often consumer-protocol members heartbeat. */
  groupConsumerHeartbeatIntervalMs?: number;
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
  /**
   * The most one produced batch may decompress to (default 32 MiB, at most 256 MiB); past it the
   * partition is answered RECORD_LIST_TOO_LARGE. Kafka has no such limit (FIDELITY.md).
   */
  maxDecompressedBatchBytes?: number;
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

/** The options with every default filled in (those without a default stay optional; the broker layout has its own, in broker-layout.ts). */
export type ResolvedOptions = Required<Omit<ClusterOptions, 'dataDir' | 'inMemory' | 'onWarning' | 'seed' | 'createTopicPolicy' | keyof SecurityOptions | keyof BrokerLayoutOptions | keyof ConnectionLimitOptions>> & ClusterOptions;

export function resolveOptions(options: ClusterOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    autoCreateTopics: true,
    numPartitions: 1,
    defaultReplicationFactor: 1,
    groupInitialRebalanceDelayMs: 3000,
    groupMinSessionTimeoutMs: 6000,
    groupMaxSessionTimeoutMs: 1_800_000,
    groupConsumerSessionTimeoutMs: 45_000,
    groupConsumerHeartbeatIntervalMs: 5000,
    offsetsTopicPartitions: 50,
    transactionStateTopicPartitions: 50,
    logRetentionCheckIntervalMs: 300_000,
    logCleanerBackoffMs: 15_000,
    replicationLagMs: 0,
    replicaLagTimeMaxMs: 30_000,
    brokerSessionTimeoutMs: 9000,
    replicationTickMs: 100,
    maxDecompressedBatchBytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
    logCacheBytes: DEFAULT_LOG_CACHE_BYTES,
    ...options,
  };
  checkSessionTimeoutLimits(resolved.groupMinSessionTimeoutMs, resolved.groupMaxSessionTimeoutMs);
  return resolved;
}

/** Kafka refuses to start with limits that admit no session timeout; so does the cluster. */
function checkSessionTimeoutLimits(min: number, max: number): void {
  for (const [name, value] of [['groupMinSessionTimeoutMs', min], ['groupMaxSessionTimeoutMs', max]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number of milliseconds, at least 1, not ${value}`);
  }
  if (min > max) throw new Error(`groupMinSessionTimeoutMs (${min}) is above groupMaxSessionTimeoutMs (${max}): no session timeout would be accepted`);
}
