// Helpers for this lab's programs — complete, nothing to do here: a client, topics created when
// missing, the course's consumer settings, and "stop once caught up".
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

export const RETRIES = { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 };

export function client(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrapServers, logLevel: logLevel.NOTHING, retry: RETRIES });
}

/** Creates the topic (1 partition, up to 3 replicas) with these configs, unless it exists. */
export async function ensureTopic(kafka: Kafka, topic: string, configs: Record<string, string> = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) return;
    const { brokers } = await admin.describeCluster();
    const configEntries = Object.entries(configs).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: Math.min(3, brokers.length), configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** The course's settings: a member silent for 6 s, or 6 s late to a rebalance, is out. */
export const CONSUMER_SETTINGS = { sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 };

/**
 * Resolves once the consumer caught up: its group has committed the end of `topic`, and it was
 * handed nothing for `ms` since it joined. Call `busy()` whenever it gets records.
 */
export function untilIdle(consumer: Consumer, kafka: Kafka, group: string, topic = 'orders', ms = 3000): { busy: () => void; idle: Promise<void> } {
  const { promise: idle, resolve } = Promise.withResolvers<void>();
  let timer: NodeJS.Timeout | undefined;
  const caughtUp = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: group, topics: [topic] })]);
      return ends.every((end) => Number(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? -1) >= Number(end.high));
    } finally {
      await admin.disconnect();
    }
  };
  const busy = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void caughtUp().then((done) => (done ? resolve() : busy()), busy), ms);
  };
  consumer.on(consumer.events.GROUP_JOIN, busy);
  return { busy, idle };
}
