// A conformance scenario: something a client does against a cluster, and what it observed,
// returned as plain data. The runner gives every scenario a fresh context per provider and
// compares the normalised results.

import type { Admin, Kafka, KafkaConfig } from 'kafkajs';

export type ExternalClientName = 'kafka-python' | 'kcat';

export interface Scenario {
  /** "area: what happens", unique; the runner's filter matches against it. */
  name: string;
  /** External clients the scenario runs besides kafkajs; missing ones skip it. */
  clients?: ExternalClientName[];
  /**
   * Differences kept on purpose, each a FIDELITY.md row: results may differ at these paths ("$.a[*].b";
   * `*` matches one index or key) and the scenario still passes; the report lists them.
   */
  knownDifferences?: { path: string; fidelity: string }[];
  /** Stops, kills or restarts brokers: skipped unless both providers can (RunningBrokers.faults). */
  brokerFaults?: boolean;
  run(ctx: ScenarioContext): Promise<unknown>;
}

export interface NewTopicSpec {
  partitions?: number;
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface ScenarioContext {
  /** The provider's name; scenarios must not branch on it. */
  readonly provider: string;
  readonly bootstrapServers: string[];
  /** A kafkajs client for this cluster with short retries; pass what it creates to track(). */
  kafka(config?: Partial<KafkaConfig>): Kafka;
  /** A connected admin client, disconnected when the scenario ends. */
  admin(): Promise<Admin>;
  /** A topic name unique to this run; results show it as <label>. */
  topic(label: string): string;
  /** A consumer group id unique to this run; results show it as <label>. */
  group(label: string): string;
  /** A transactional id (or any other name) unique to this run; results show it as <label>. */
  name(label: string): string;
  /** Creates a topic with a unique name and waits for its leaders; returns the name. */
  createTopic(label: string, spec?: NewTopicSpec): Promise<string>;
  /** Disconnects the client when the scenario ends (last tracked first); returns it. */
  track<T extends { disconnect(): Promise<void> }>(client: T): T;
  /** The path of an external client's command (kafka-python's Python, kcat). */
  client(name: ExternalClientName): string;
  /**
   * Broker faults, for scenarios with `brokerFaults` (ids are 1..N on every provider). A broker
   * still down when the scenario ends is restarted before the next one runs.
   */
  stopBroker(id: number): Promise<void>;
  killBroker(id: number): Promise<void>;
  restartBroker(id: number): Promise<void>;
}
