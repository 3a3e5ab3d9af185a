// The default provider: kafka-lab's own simulator, in this process.

import { startCluster } from '../../simulator/index.ts';
import { runningBrokers } from './running.ts';
import { superUserLogin, type BrokerOptions, type BrokerProvider, type RunningBrokers } from './types.ts';

export const embedded: BrokerProvider = {
  name: 'embedded',
  description: "kafka-lab's simulator, started in this process",
  async unavailable() {
    return undefined;
  },
  async start(options: BrokerOptions = {}): Promise<RunningBrokers> {
    const cluster = await startCluster({
      brokers: options.brokers ?? 1,
      autoCreateTopics: options.autoCreateTopics ?? true,
      numPartitions: options.numPartitions ?? 1,
      groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
      groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs ?? 6000,
      groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs ?? 1_800_000,
      logRetentionCheckIntervalMs: options.logRetentionCheckIntervalMs ?? 300_000,
      logCleanerBackoffMs: options.logCleanerBackoffMs ?? 15_000,
      brokerSessionTimeoutMs: options.brokerSessionTimeoutMs ?? 9000,
      ...(options.sasl && { users: options.sasl.users, superUsers: options.sasl.superUsers }),
    });
    const faults = {
      stopBroker: (id: number) => cluster.stopBroker(id),
      killBroker: (id: number) => cluster.killBroker(id),
      restartBroker: (id: number) => cluster.restartBroker(id),
    };
    return runningBrokers('embedded', cluster.bootstrapServers, superUserLogin(options.sasl), () => cluster.stop(), faults);
  },
};
