// One interface for every place a Kafka cluster can come from, so the same scenario, lab or
// grading run works against the simulator, real Apache Kafka on the JVM, a container, or a
// cluster someone already runs.

import type { Admin, Kafka, KafkaConfig, SASLOptions } from 'kafkajs';

export interface BrokerOptions {
  /** Number of brokers (default 1). Providers that cannot honour it say so. */
  brokers?: number;
  /** Kafka's auto.create.topics.enable (default true). */
  autoCreateTopics?: boolean;
  /** Kafka's num.partitions for auto-created topics (default 1). */
  numPartitions?: number;
  /** Kafka's group.initial.rebalance.delay.ms (default 0 here: groups form without waiting). */
  groupInitialRebalanceDelayMs?: number;
  /** Kafka's group.min.session.timeout.ms / group.max.session.timeout.ms (default 6000 / 1800000). */
  groupMinSessionTimeoutMs?: number;
  groupMaxSessionTimeoutMs?: number;
  /** Kafka's log.retention.check.interval.ms (default 300000). */
  logRetentionCheckIntervalMs?: number;
  /** Kafka's log.cleaner.backoff.ms: how often compaction looks for dirty logs (default 15000). */
  logCleanerBackoffMs?: number;
  /**
   * Kafka's broker.session.timeout.ms (default 9000): how long the controller waits to hear from a
   * broker (a killed one, say) before fencing it and taking it out of every ISR.
   */
  brokerSessionTimeoutMs?: number;
  /**
   * Clients must log in with SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) as one of `users`, and
   * ACLs are enforced. The running cluster's own clients (kafka(), admin()) log in as the first
   * super user, with SCRAM-SHA-256.
   */
  sasl?: { users: { name: string; password: string }[]; superUsers: string[] };
}

/** How clients reach the brokers besides their addresses: TLS and SASL, when the cluster needs them. */
export interface ClientSecurity {
  ssl?: KafkaConfig['ssl'];
  sasl?: SASLOptions;
}

/** The login a provider's own clients use on a SASL cluster: its first super user. */
export function superUserLogin(sasl: BrokerOptions['sasl']): ClientSecurity {
  if (!sasl) return {};
  const name = sasl.superUsers[0]?.replace(/^User:/, '');
  const user = sasl.users.find((u) => u.name === name);
  if (!user) throw new Error('sasl: the first super user must be one of the users, so the provider can log in');
  return { sasl: { mechanism: 'scram-sha-256', username: user.name, password: user.password } };
}

export interface RunningBrokers {
  /** The provider's name: embedded, real-jvm, testcontainers or external. */
  provider: string;
  bootstrapServers: string[];
  security: ClientSecurity;
  /** A kafkajs client for these brokers (quiet unless `config.logLevel` says otherwise). */
  kafka(config?: Partial<KafkaConfig>): Kafka;
  /** A connected kafkajs admin client, shared, disconnected by stop(). */
  admin(): Promise<Admin>;
  /** Stops what the provider started (an external cluster is left running) and frees its resources. */
  stop(): Promise<void>;
  /** Broker faults, where the provider can cause them (embedded and real-jvm); absent elsewhere. */
  faults?: BrokerFaults;
}

/** Stopping and starting single brokers of a running cluster. Broker ids are 1..N on every provider. */
export interface BrokerFaults {
  /** A graceful stop (SIGTERM): controlled shutdown moves leadership away first. Resolves once it is gone. */
  stopBroker(id: number): Promise<void>;
  /** A crash (SIGKILL): nothing is handed over; Kafka's controller fences it after the broker session timeout (kafka-lab's at once). */
  killBroker(id: number): Promise<void>;
  /** Starts a stopped or killed broker again, with its config, logs and port; resolves once it serves. */
  restartBroker(id: number): Promise<void>;
}

export interface BrokerProvider {
  name: string;
  /** What it runs, for people. */
  description: string;
  /** Why this provider cannot run here (undefined when it can, as far as a quick check tells). */
  unavailable(): Promise<string | undefined>;
  start(options?: BrokerOptions): Promise<RunningBrokers>;
}

/** Thrown by start() when the provider cannot run on this machine; the message says what to use instead. */
export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}
