// Apache Kafka in a container through Testcontainers' stock KafkaContainer (KRaft). Needs a
// container runtime (Docker, or Podman's Docker API: grader/containers/setup-podman.sh) and the
// optional packages testcontainers and @testcontainers/kafka; without them it says so and names
// the providers that need neither.
//
// The image: $KAFKA_LAB_TESTCONTAINERS_IMAGE, else kafka-lab's local image when it was built
// (grader/containers/build-kafka-image.sh: Apache Kafka 4.3.1 on Debian, for machines that reach
// no registry), else Confluent's cp-kafka 8.0 (Apache Kafka 4.0), pulled from Docker Hub.

import { ProviderUnavailableError, type BrokerOptions, type BrokerProvider, type RunningBrokers } from './types.ts';
import { runningBrokers } from './running.ts';

/** cp-kafka 8.x is Apache Kafka 4.x, KRaft only; Testcontainers starts 8.0+ in KRaft mode. */
export const DEFAULT_IMAGE = 'confluentinc/cp-kafka:8.0.0';
/** What build-kafka-image.sh tags: Apache Kafka 4.3.1 in cp-kafka's layout (the tag is the layout's version). */
export const LOCAL_IMAGE = 'localhost/kafka-lab/kafka-4.3.1:8.0.0';
/** The port KafkaContainer's PLAINTEXT listener uses inside the container. */
const KAFKA_PORT = 9093;

const noRuntime = (why: string) =>
  `testcontainers: no container runtime here (${why}); use the embedded provider (kafka-lab's simulator), real-jvm (Apache Kafka on Java 17+, see \`npm run kafka:real\`) or external (a cluster you run)`;

async function loadTestcontainers() {
  try {
    return await import('testcontainers');
  } catch {
    throw new ProviderUnavailableError(
      'testcontainers: the optional packages are not installed (npm install testcontainers @testcontainers/kafka); use the embedded provider (kafka-lab\'s simulator), real-jvm or external instead',
    );
  }
}

/** The image to run: the one asked for, else the local build when present, else cp-kafka. */
export async function chooseImage(asked = process.env.KAFKA_LAB_TESTCONTAINERS_IMAGE): Promise<string> {
  if (asked) return asked;
  const { getContainerRuntimeClient, ImageName } = await loadTestcontainers();
  const client = await getContainerRuntimeClient();
  return (await client.image.exists(ImageName.fromString(LOCAL_IMAGE))) ? LOCAL_IMAGE : DEFAULT_IMAGE;
}

export function testcontainersProvider(image?: string): BrokerProvider {
  return {
    name: 'testcontainers',
    description: `Apache Kafka in a container (${image ?? process.env.KAFKA_LAB_TESTCONTAINERS_IMAGE ?? `${LOCAL_IMAGE} if built, else ${DEFAULT_IMAGE}`}, KRaft) through Testcontainers`,
    async unavailable() {
      try {
        const { getContainerRuntimeClient } = await loadTestcontainers();
        await getContainerRuntimeClient();
        return undefined;
      } catch (error) {
        if (error instanceof ProviderUnavailableError) return error.message;
        return noRuntime(error instanceof Error ? error.message : String(error));
      }
    },
    async start(options: BrokerOptions = {}): Promise<RunningBrokers> {
      const missing = await this.unavailable();
      if (missing) throw new ProviderUnavailableError(missing);
      if ((options.brokers ?? 1) !== 1) throw new Error(`testcontainers: one broker per container; ${options.brokers} asked (use real-jvm for several)`);
      if (options.sasl) throw new Error('testcontainers: SASL is not set up by this provider (use real-jvm or embedded)');
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer(await chooseImage(image))
        .withEnvironment({
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: String(options.autoCreateTopics ?? true),
          KAFKA_NUM_PARTITIONS: String(options.numPartitions ?? 1),
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: String(options.groupInitialRebalanceDelayMs ?? 0),
          KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: String(options.groupMinSessionTimeoutMs ?? 6000),
          KAFKA_GROUP_MAX_SESSION_TIMEOUT_MS: String(options.groupMaxSessionTimeoutMs ?? 1_800_000),
          KAFKA_LOG_RETENTION_CHECK_INTERVAL_MS: String(options.logRetentionCheckIntervalMs ?? 300_000),
          KAFKA_LOG_CLEANER_BACKOFF_MS: String(options.logCleanerBackoffMs ?? 15_000),
        })
        .start();
      const bootstrap = `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`;
      const running = runningBrokers('testcontainers', [bootstrap], {}, async () => {
        await container.stop();
      });
      try {
        await answersMetadata(running);
      } catch (error) {
        await running.stop();
        throw error;
      }
      return running;
    },
  };
}

/**
 * KafkaContainer is done waiting once the listener's port is bound; the port forwarding of some
 * runtimes (podman's) refuses connections a moment longer. Ready means a client gets metadata.
 */
async function answersMetadata(running: RunningBrokers, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const admin = running.kafka({ retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`testcontainers: the container's Kafka gave no metadata within ${timeoutMs / 1000} s: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * 2 ** attempt)));
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
}

export const testcontainers = testcontainersProvider();
