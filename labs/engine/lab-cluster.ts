// The cluster a lab runs against. By default kafka-lab starts an embedded one on the lab's port
// (9092, one broker). If that port is taken by something that answers as Kafka — most often a
// `kafka-lab broker` the student started in another terminal — the lab uses it instead of failing:
// checks and the live panel then go through the Kafka API only. --bootstrap names a cluster to use
// directly (a real Kafka too).

import { Kafka, logLevel } from 'kafkajs';
import type { ClusterHandle, ClusterOptions } from '../../simulator/index.ts';
import type { ClusterSettings } from './lab-definition.ts';

export type ClusterOrigin = 'embedded' | 'already-running' | 'external';

export interface LabCluster {
  bootstrapServers: string[];
  origin: ClusterOrigin;
  /** Present when kafka-lab started the cluster in this process. */
  embedded?: ClusterHandle;
  /** A line for people: "embedded cluster, 1 broker" or "the cluster already running on port 9092". */
  description: string;
  stop(): Promise<void>;
}

export interface OpenClusterOptions {
  settings: ClusterSettings;
  /** Overrides the lab's port; 0 picks a free one. */
  port?: number;
  /** Use this cluster instead of starting one. */
  bootstrap?: string[];
  dataDir?: string;
}

export async function openLabCluster(options: OpenClusterOptions): Promise<LabCluster> {
  if (options.bootstrap) {
    await probeKafka(options.bootstrap).catch((error: Error) => {
      throw new Error(`cannot reach the cluster at ${options.bootstrap!.join(',')}: ${error.message}`);
    });
    return { bootstrapServers: options.bootstrap, origin: 'external', description: `cluster at ${options.bootstrap.join(',')}`, stop: async () => {} };
  }
  const port = options.port ?? options.settings.port;
  const { startCluster } = await import('../../simulator/index.ts');
  try {
    const cluster = await startCluster({ ...clusterOptions(options.settings), port, dataDir: options.dataDir });
    const brokers = options.settings.brokers === 1 ? '1 broker' : `${options.settings.brokers} brokers`;
    return { bootstrapServers: cluster.bootstrapServers, origin: 'embedded', embedded: cluster, description: `embedded cluster, ${brokers}`, stop: () => cluster.stop() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const taken = (error as { port?: number }).port ?? port;
    const address = [`127.0.0.1:${taken}`];
    try {
      await probeKafka(address);
    } catch {
      throw new Error(`port ${taken} on 127.0.0.1 is taken by something that does not answer as Kafka; choose another with --port (0 for a free one)`);
    }
    return { bootstrapServers: address, origin: 'already-running', description: `the cluster already running on port ${taken}`, stop: async () => {} };
  }
}

/** What startCluster is given for a lab's cluster settings (the port aside). */
export function clusterOptions({ port: _port, ...settings }: ClusterSettings): Omit<ClusterOptions, 'port'> {
  return settings;
}

/** Resolves when a Kafka broker answers at `brokers`, rejects otherwise (within a few seconds). */
async function probeKafka(brokers: string[]): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'kafka-lab-probe', logLevel: logLevel.NOTHING, connectionTimeout: 1500, requestTimeout: 3000, retry: { retries: 1 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
