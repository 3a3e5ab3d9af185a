// The part of RunningBrokers every provider shares: kafkajs clients for a list of brokers.

import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import type { BrokerFaults, ClientSecurity, RunningBrokers } from './types.ts';

export function runningBrokers(
  provider: string,
  bootstrapServers: string[],
  security: ClientSecurity,
  stopBrokers: () => Promise<void>,
  faults?: BrokerFaults,
): RunningBrokers {
  let admin: Promise<Admin> | undefined;
  const kafka = (config: Partial<KafkaConfig> = {}) =>
    new Kafka({ clientId: 'kafka-lab', logLevel: logLevel.NOTHING, ...security, ...config, brokers: config.brokers ?? bootstrapServers });
  return {
    provider,
    bootstrapServers,
    security,
    kafka,
    ...(faults && { faults }),
    admin() {
      admin ??= (async () => {
        const client = kafka().admin();
        await client.connect();
        return client;
      })();
      return admin;
    },
    async stop() {
      const connected = admin;
      admin = undefined;
      await connected?.then((a) => a.disconnect()).catch(() => {});
      await stopBrokers();
    },
  };
}
