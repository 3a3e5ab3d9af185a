// Broker-level configs, as DescribeConfigs reports them for a broker: what the cluster options set
// (the way server.properties sets a real broker's, so STATIC_BROKER_CONFIG) and Kafka's defaults
// for the broker configs that topic configs fall back to. None can be changed at run time here.

import { hostPort } from './broker-layout.ts';
import type { Broker } from './broker.ts';
import { TOPIC_CONFIGS } from './configs.ts';
import type { ResolvedOptions } from './options.ts';

/** Kafka's ConfigResource.Type ids for the resources this cluster has configs for. */
export const ConfigResource = { TOPIC: 2, BROKER: 4 } as const;

/** "topic:orders", "broker:1": a config resource as --trace prints it. */
export const resourceLabel = (type: number, name: string) =>
  `${type === ConfigResource.TOPIC ? 'topic' : type === ConfigResource.BROKER ? 'broker' : `type${type}`}:${name}`;

/** Kafka's DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/**
 * The broker config each topic config takes its default from (Kafka's ServerTopicConfigSynonyms),
 * where that first synonym has a default of its own. retention.ms, segment.ms, segment.jitter.ms
 * and flush.ms are left out: their first synonyms (log.retention.ms, log.roll.ms, ...) default to
 * null, so Kafka lists no synonym for them.
 */
export const BROKER_SYNONYM: Readonly<Record<string, string>> = {
  'cleanup.policy': 'log.cleanup.policy',
  'compression.gzip.level': 'compression.gzip.level',
  'compression.lz4.level': 'compression.lz4.level',
  'compression.type': 'compression.type',
  'compression.zstd.level': 'compression.zstd.level',
  'delete.retention.ms': 'log.cleaner.delete.retention.ms',
  'file.delete.delay.ms': 'log.segment.delete.delay.ms',
  'flush.messages': 'log.flush.interval.messages',
  'index.interval.bytes': 'log.index.interval.bytes',
  'local.retention.bytes': 'log.local.retention.bytes',
  'local.retention.ms': 'log.local.retention.ms',
  'max.compaction.lag.ms': 'log.cleaner.max.compaction.lag.ms',
  'max.message.bytes': 'message.max.bytes',
  'message.timestamp.after.max.ms': 'log.message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms': 'log.message.timestamp.before.max.ms',
  'message.timestamp.type': 'log.message.timestamp.type',
  'min.cleanable.dirty.ratio': 'log.cleaner.min.cleanable.ratio',
  'min.compaction.lag.ms': 'log.cleaner.min.compaction.lag.ms',
  'min.insync.replicas': 'min.insync.replicas',
  preallocate: 'log.preallocate',
  'retention.bytes': 'log.retention.bytes',
  'segment.bytes': 'log.segment.bytes',
  'segment.index.bytes': 'log.index.size.max.bytes',
  'unclean.leader.election.enable': 'unclean.leader.election.enable',
};

/**
 * Cluster-wide dynamic defaults (DescribeConfigs of the broker named ""). A Kafka 4 cluster with
 * eligible leader replicas (KIP-966, on by default) writes min.insync.replicas as one when it is
 * formatted, so brokers and topics report it from there rather than from Kafka's default.
 */
export const CLUSTER_DEFAULTS: Readonly<Record<string, string>> = { 'min.insync.replicas': '1' };

export interface BrokerConfig {
  name: string;
  /** Null for a password nobody set. */
  value: string | null;
  /** A password: Kafka never answers its value. */
  sensitive?: boolean;
  /** Set by the cluster options, as server.properties sets a real broker's. */
  isStatic: boolean;
  /** Kafka's default value, where it has one. */
  kafkaDefault?: string;
  /** Kafka can change it at run time (KIP-226); Kafka reports the others read-only. */
  dynamic: boolean;
  /** Its cluster-wide dynamic default, which takes precedence over server.properties. */
  clusterDefault?: string;
}

export function brokerConfigs(cluster: { readonly options: Readonly<ResolvedOptions>; readonly brokers: ReadonlyMap<number, Broker> }, brokerId: number): BrokerConfig[] {
  const { options } = cluster;
  const fromOptions = (name: string, value: string | number | boolean, kafkaDefault?: string, dynamic = false): BrokerConfig => ({
    name,
    value: String(value),
    isStatic: true,
    kafkaDefault,
    dynamic,
  });
  const kafkaDefault = (name: string, value: string, dynamic: boolean): BrokerConfig => {
    const clusterDefault = CLUSTER_DEFAULTS[name];
    return { name, value: clusterDefault ?? value, isStatic: false, kafkaDefault: value, dynamic, clusterDefault };
  };
  // No TLS and no JAAS file here: Kafka lists these passwords unset (null), as sensitive.
  const unsetPassword = (name: string): BrokerConfig => ({ name, value: null, sensitive: true, isStatic: false, dynamic: true });
  const broker = cluster.brokers.get(brokerId);
  const listener = (host: string) => `PLAINTEXT://${broker ? hostPort(host, broker.port) : ''}`;
  return [
    fromOptions('node.id', brokerId),
    fromOptions('broker.id', brokerId, '-1'),
    fromOptions('listeners', listener(broker?.listenHost ?? ''), 'PLAINTEXT://:9092', true),
    fromOptions('advertised.listeners', listener(broker?.host ?? ''), undefined, true),
    fromOptions('num.partitions', options.numPartitions, '1'),
    fromOptions('default.replication.factor', options.defaultReplicationFactor, '1'),
    fromOptions('auto.create.topics.enable', options.autoCreateTopics, 'true'),
    fromOptions('group.initial.rebalance.delay.ms', options.groupInitialRebalanceDelayMs, '3000'),
    fromOptions('group.min.session.timeout.ms', options.groupMinSessionTimeoutMs, '6000'),
    fromOptions('group.max.session.timeout.ms', options.groupMaxSessionTimeoutMs, '1800000'),
    // The group coordinator creates __consumer_offsets with min(3, brokers) replicas.
    fromOptions('offsets.topic.replication.factor', Math.min(3, cluster.brokers.size), '3'),
    kafkaDefault('delete.topic.enable', 'true', false),
    kafkaDefault('log.retention.hours', '168', false),
    kafkaDefault('log.roll.hours', '168', false),
    ...['sasl.jaas.config', 'ssl.key.password', 'ssl.keystore.password', 'ssl.truststore.password'].map(unsetPassword),
    ...Object.entries(BROKER_SYNONYM).map(([topicConfig, name]) => kafkaDefault(name, TOPIC_CONFIGS[topicConfig].default, true)),
  ].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Broker configs Kafka can change at run time that kafka-lab does not list (it honours no
 * replication throttles): kafka-reassign-partitions --verify deletes them from every broker.
 */
const UNLISTED_DYNAMIC = new Set(['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second']);

/** Whether Kafka lets `name` be changed on a running broker (KIP-226). */
export function isDynamicBrokerConfig(cluster: Parameters<typeof brokerConfigs>[0], brokerId: number, name: string): boolean {
  return UNLISTED_DYNAMIC.has(name) || brokerConfigs(cluster, brokerId).some((c) => c.name === name && c.dynamic);
}
