// A cluster someone already runs: only its addresses (and TLS or SASL settings) are given, and
// stop() leaves it running. Broker options cannot change it, so they are not applied.

import { runningBrokers } from './running.ts';
import type { BrokerProvider, ClientSecurity, RunningBrokers } from './types.ts';

export interface ExternalCluster extends ClientSecurity {
  /** host:port of one or more brokers, as an array or comma-separated. */
  bootstrapServers: string[] | string;
}

export function externalProvider(cluster: ExternalCluster): BrokerProvider {
  const servers = (Array.isArray(cluster.bootstrapServers) ? cluster.bootstrapServers : cluster.bootstrapServers.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const malformed = servers.filter((s) => !/^[^\s:]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(s));
  return {
    name: 'external',
    description: `an external cluster at ${servers.join(',') || '(no address)'}${cluster.sasl ? ` with SASL ${cluster.sasl.mechanism}` : ''}${cluster.ssl ? ' over TLS' : ''}`,
    async unavailable() {
      if (servers.length === 0) return 'external: no bootstrap servers given';
      if (malformed.length) return `external: not host:port: ${malformed.join(', ')}`;
      return undefined;
    },
    async start(): Promise<RunningBrokers> {
      const problem = await this.unavailable();
      if (problem) throw new Error(problem);
      const security: ClientSecurity = { ...(cluster.ssl !== undefined && { ssl: cluster.ssl }), ...(cluster.sasl && { sasl: cluster.sasl }) };
      return runningBrokers('external', servers, security, async () => {});
    },
  };
}

/** The external provider from KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SASL_MECHANISM/USERNAME/PASSWORD, KAFKA_SSL=1). */
export function externalFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerProvider {
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  const credentials = { username: env.KAFKA_SASL_USERNAME ?? '', password: env.KAFKA_SASL_PASSWORD ?? '' };
  const sasl =
    mechanism === 'plain' ? { mechanism: 'plain' as const, ...credentials }
    : mechanism === 'scram-sha-256' ? { mechanism: 'scram-sha-256' as const, ...credentials }
    : mechanism === 'scram-sha-512' ? { mechanism: 'scram-sha-512' as const, ...credentials }
    : undefined;
  if (mechanism && !sasl) throw new Error(`KAFKA_SASL_MECHANISM must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, not ${env.KAFKA_SASL_MECHANISM}`);
  return externalProvider({ bootstrapServers: env.KAFKA_BOOTSTRAP_SERVERS ?? '', sasl, ssl: ['1', 'true'].includes(env.KAFKA_SSL ?? '') ? true : undefined });
}
