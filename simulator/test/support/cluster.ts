// Shared fixtures for tests that run real clients against the embedded cluster.

import { afterAll, beforeAll } from 'vitest';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { startCluster, type ClusterHandle, type ClusterOptions } from '../../index.ts';

/** Starts a cluster before the file's tests and stops it after; call the returned getter inside tests. */
export function useCluster(options: ClusterOptions = {}): () => ClusterHandle {
  let cluster: ClusterHandle | undefined;
  beforeAll(async () => {
    cluster = await startCluster(options);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('cluster not started yet');
    return cluster;
  };
}

export function kafkaFor(cluster: ClusterHandle, config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ brokers: cluster.bootstrapServers, clientId: 'kafka-lab-test', logLevel: logLevel.NOTHING, ...config });
}

/** Polls `check` until it returns a truthy value or the deadline passes; never a fixed sleep. */
export async function eventually<T>(check: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let topicCounter = 0;
/** A topic name unique within the test run. */
export const uniqueTopic = (prefix = 'topic') => `${prefix}-${process.pid}-${++topicCounter}`;

/** Logs an admin client in over SASL and lists topics: 'logged in', or kafkajs's message for the refusal. */
export async function tryLogin(brokers: string[], sasl: SASLOptions): Promise<string> {
  const admin = new Kafka({ brokers, clientId: 'kafka-lab-test', logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return 'logged in';
  } catch (error) {
    return (error as Error).message;
  } finally {
    await admin.disconnect();
  }
}
