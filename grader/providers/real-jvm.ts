// Real Apache Kafka on this machine's JVM, fetched from Maven Central (see grader/real-kafka/).

import { findJava, findMaven, jarsCached, KAFKA_VERSION, startRealKafka } from '../real-kafka/index.ts';
import { runningBrokers } from './running.ts';
import { ProviderUnavailableError, superUserLogin, type BrokerOptions, type BrokerProvider, type RunningBrokers } from './types.ts';

/** Why real Kafka cannot run here: no Java 17+, or no cached jars and no Maven to fetch them. */
export function realKafkaUnavailable(version = KAFKA_VERSION): string | undefined {
  const java = findJava();
  if (!java.command) return java.detail;
  if (jarsCached(version)) return undefined;
  const maven = findMaven();
  return maven.command ? undefined : maven.detail;
}

export function realJvmProvider(version = KAFKA_VERSION, log?: (line: string) => void): BrokerProvider {
  return {
    name: 'real-jvm',
    description: `Apache Kafka ${version} in KRaft mode on this machine's JVM (jars from Maven Central)`,
    async unavailable() {
      return realKafkaUnavailable(version);
    },
    async start(options: BrokerOptions = {}): Promise<RunningBrokers> {
      const missing = realKafkaUnavailable(version);
      if (missing) throw new ProviderUnavailableError(`real-jvm: ${missing}; the embedded provider needs neither`);
      const cluster = await startRealKafka({
        nodes: options.brokers ?? 1,
        version,
        log,
        sasl: options.sasl,
        brokerConfig: {
          'auto.create.topics.enable': String(options.autoCreateTopics ?? true),
          'num.partitions': String(options.numPartitions ?? 1),
          // The simulator reports its cluster options as static broker configs; set the same here.
          'default.replication.factor': '1',
          // kafka-lab moves leadership back only when asked (ElectLeaders; FIDELITY.md): so does the reference.
          'auto.leader.rebalance.enable': 'false',
          'group.initial.rebalance.delay.ms': String(options.groupInitialRebalanceDelayMs ?? 0),
          'group.min.session.timeout.ms': String(options.groupMinSessionTimeoutMs ?? 6000),
          'group.max.session.timeout.ms': String(options.groupMaxSessionTimeoutMs ?? 1_800_000),
          'log.retention.check.interval.ms': String(options.logRetentionCheckIntervalMs ?? 300_000),
          'log.cleaner.backoff.ms': String(options.logCleanerBackoffMs ?? 15_000),
          ...(options.brokerSessionTimeoutMs !== undefined && sessionTimeout(options.brokerSessionTimeoutMs)),
        },
      });
      const faults = {
        stopBroker: (id: number) => cluster.stopNode(id),
        killBroker: (id: number) => cluster.killNode(id),
        restartBroker: (id: number) => cluster.restartNode(id),
      };
      return runningBrokers('real-jvm', cluster.bootstrapServers, superUserLogin(options.sasl), () => cluster.stop(), faults);
    },
  };
}

/** broker.session.timeout.ms, with heartbeats frequent enough (default 2 s) that a live broker is never fenced. */
function sessionTimeout(ms: number): Record<string, string> {
  return { 'broker.session.timeout.ms': String(ms), 'broker.heartbeat.interval.ms': String(Math.min(2000, Math.floor(ms / 4))) };
}

export const realJvm = realJvmProvider();
