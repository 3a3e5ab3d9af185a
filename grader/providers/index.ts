// Broker providers: where a Kafka cluster comes from. `embedded` is the default.
//
//   const running = await providerNamed('real-jvm').start({ brokers: 1 });
//   const producer = running.kafka().producer();
//   ...
//   await running.stop();

import { embedded } from './embedded.ts';
import { externalFromEnv } from './external.ts';
import { realJvm } from './real-jvm.ts';
import { testcontainers } from './testcontainers.ts';
import type { BrokerProvider } from './types.ts';

export * from './types.ts';
export { embedded } from './embedded.ts';
export { realJvm, realJvmProvider, realKafkaUnavailable } from './real-jvm.ts';
export { testcontainers, testcontainersProvider, chooseImage, DEFAULT_IMAGE as TESTCONTAINERS_IMAGE, LOCAL_IMAGE as TESTCONTAINERS_LOCAL_IMAGE } from './testcontainers.ts';
export { externalProvider, externalFromEnv, type ExternalCluster } from './external.ts';

export const PROVIDER_NAMES = ['embedded', 'real-jvm', 'testcontainers', 'external'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A provider by name; `external` reads KAFKA_BOOTSTRAP_SERVERS and friends from the environment. */
export function providerNamed(name: string = 'embedded'): BrokerProvider {
  switch (name) {
    case 'embedded':
      return embedded;
    case 'real-jvm':
      return realJvm;
    case 'testcontainers':
      return testcontainers;
    case 'external':
      return externalFromEnv();
    default:
      throw new Error(`unknown broker provider "${name}"; choose one of ${PROVIDER_NAMES.join(', ')}`);
  }
}
