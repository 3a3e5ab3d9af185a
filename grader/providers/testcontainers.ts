// Apache Kafka in a container (Confluent's cp-kafka image in KRaft mode) through Testcontainers.
// Needs a container runtime (Docker or Podman); without one it says so and names the providers
// that need none.

import { ProviderUnavailableError, type BrokerOptions, type BrokerProvider, type RunningBrokers } from './types.ts';
import { runningBrokers } from './running.ts';

/** cp-kafka 8.x is Apache Kafka 4.x, KRaft only; Testcontainers starts 8.0+ in KRaft mode. */
export const DEFAULT_IMAGE = 'confluentinc/cp-kafka:8.0.0';
/** The port KafkaContainer's PLAINTEXT listener uses inside the container. */
const KAFKA_PORT = 9093;

const noRuntime = (why: string) =>
  `testcontainers: no container runtime here (${why}); use the embedded provider (kafka-lab's simulator), real-jvm (Apache Kafka on Java 17+, see \`npm run kafka:real\`) or external (a cluster you run)`;

export function testcontainersProvider(image = process.env.KAFKA_LAB_TESTCONTAINERS_IMAGE ?? DEFAULT_IMAGE): BrokerProvider {
  return {
    name: 'testcontainers',
    description: `Apache Kafka in a container (${image}, KRaft) through Testcontainers`,
    async unavailable() {
      try {
        const { getContainerRuntimeClient } = await import('testcontainers');
        await getContainerRuntimeClient();
        return undefined;
      } catch (error) {
        return noRuntime(error instanceof Error ? error.message : String(error));
      }
    },
    async start(options: BrokerOptions = {}): Promise<RunningBrokers> {
      const missing = await this.unavailable();
      if (missing) throw new ProviderUnavailableError(missing);
      if ((options.brokers ?? 1) !== 1) throw new Error(`testcontainers: one broker per container; ${options.brokers} asked (use real-jvm for several)`);
      if (options.sasl) throw new Error('testcontainers: SASL is not set up by this provider (use real-jvm or embedded)');
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer(image)
        .withEnvironment({
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: String(options.autoCreateTopics ?? true),
          KAFKA_NUM_PARTITIONS: String(options.numPartitions ?? 1),
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: String(options.groupInitialRebalanceDelayMs ?? 0),
          KAFKA_LOG_RETENTION_CHECK_INTERVAL_MS: String(options.logRetentionCheckIntervalMs ?? 300_000),
          KAFKA_LOG_CLEANER_BACKOFF_MS: String(options.logCleanerBackoffMs ?? 15_000),
        })
        .start();
      const bootstrap = `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`;
      return runningBrokers('testcontainers', [bootstrap], {}, async () => {
        await container.stop();
      });
    },
  };
}

export const testcontainers = testcontainersProvider();
