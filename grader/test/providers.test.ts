import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCluster } from '../../simulator/index.ts';
import { eventually, uniqueTopic } from '../../simulator/test/support/cluster.ts';
import { embedded, externalProvider, providerNamed, ProviderUnavailableError, realJvm, testcontainers, type RunningBrokers } from '../providers/index.ts';
import { containerRuntimeRequired } from './support/container-runtime.ts';
import { describeWithRealKafka } from './support/real-kafka.ts';

/** Creates a topic through the admin handle, produces keyed records, reads them back with a consumer group. */
async function roundTrip(running: RunningBrokers): Promise<{ offsets: string[]; values: string[] }> {
  const topic = uniqueTopic('provider');
  const admin = await running.admin();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const producer = running.kafka().producer();
  await producer.connect();
  await producer.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ key: 'k', value })) });
  await producer.disconnect();
  const offsets = (await admin.fetchTopicOffsets(topic)).map((p) => p.high);

  const consumer = running.kafka().consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
  await eventually(() => values.length >= 3, 'three records consumed', 30_000);
  await consumer.disconnect();
  return { offsets, values };
}

function refusesConnections(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('the embedded provider', () => {
  it('gives bootstrap servers and an admin handle that real clients produce, consume and read offsets through', async () => {
    const running = await embedded.start();
    try {
      expect(running.provider).toBe('embedded');
      expect(await roundTrip(running)).toEqual({ offsets: ['3'], values: ['a', 'b', 'c'] });
    } finally {
      await running.stop();
    }
  });

  it('stops its cluster: the bootstrap port refuses connections afterwards', async () => {
    const running = await embedded.start({ brokers: 2 });
    expect(running.bootstrapServers).toHaveLength(2);
    await running.stop();
    expect(await refusesConnections(running.bootstrapServers[0])).toBe(true);
  });
});

describeWithRealKafka('the real-jvm provider', () => {
  it('runs Apache Kafka that real clients produce, consume and read offsets through, and stops it', async () => {
    const running = await realJvm.start();
    try {
      expect(running.provider).toBe('real-jvm');
      const cluster = await (await running.admin()).describeCluster();
      expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual(running.bootstrapServers);
      expect(await roundTrip(running)).toEqual({ offsets: ['3'], values: ['a', 'b', 'c'] });
    } finally {
      await running.stop();
    }
    expect(await refusesConnections(running.bootstrapServers[0])).toBe(true);
  });
});

describe('the testcontainers provider', () => {
  it('runs Kafka in a container that real clients produce to and consume from', async (context) => {
    const missing = await testcontainers.unavailable();
    if (missing && containerRuntimeRequired) throw new Error(`REQUIRE_CONTAINER_RUNTIME=1 but ${missing}`);
    if (missing) {
      console.warn(`[kafka-lab] skipping the testcontainers provider: ${missing}`);
      context.skip(missing);
    }
    const running = await testcontainers.start();
    try {
      expect(await roundTrip(running)).toEqual({ offsets: ['3'], values: ['a', 'b', 'c'] });
    } finally {
      await running.stop();
    }
  }, 240_000);

  it('without a container runtime, refuses to start with a message naming the providers that need none', async (context) => {
    if (!(await testcontainers.unavailable())) context.skip('a container runtime exists here');
    const failure = await testcontainers.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as Error).message).toMatch(/Could not find a working container runtime strategy/);
    expect((failure as Error).message).toMatch(/embedded.*real-jvm.*external/s);
  });
});

describe('the external provider', () => {
  it('uses the given addresses and leaves the cluster running when stopped', async () => {
    const cluster = await startCluster({ brokers: 2 });
    try {
      const running = await externalProvider({ bootstrapServers: cluster.bootstrapServers.join(',') }).start();
      expect(running.bootstrapServers).toEqual(cluster.bootstrapServers);
      expect(await roundTrip(running)).toEqual({ offsets: ['3'], values: ['a', 'b', 'c'] });
      await running.stop();
      expect(await refusesConnections(cluster.bootstrapServers[0])).toBe(false);
    } finally {
      await cluster.stop();
    }
  });

  it('logs in with the SASL credentials it is given', async () => {
    const cluster = await startCluster({ users: [{ name: 'alice', password: 'alice-secret' }], superUsers: ['alice'] });
    try {
      const withLogin = await externalProvider({ bootstrapServers: cluster.bootstrapServers, sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'alice-secret' } }).start();
      expect((await (await withLogin.admin()).describeCluster()).brokers).toHaveLength(1);
      await withLogin.stop();

      const wrongPassword = await externalProvider({ bootstrapServers: cluster.bootstrapServers, sasl: { mechanism: 'plain', username: 'alice', password: 'nope' } }).start();
      await expect(wrongPassword.admin()).rejects.toThrow(/SASL PLAIN authentication failed|Authentication failed/i);
      await wrongPassword.stop();
    } finally {
      await cluster.stop();
    }
  });

  it('refuses an address that is not host:port before connecting anywhere', async () => {
    await expect(externalProvider({ bootstrapServers: 'localhost' }).start()).rejects.toThrow('external: not host:port: localhost');
    await expect(externalProvider({ bootstrapServers: '' }).start()).rejects.toThrow('external: no bootstrap servers given');
  });
});

describe('providerNamed', () => {
  it('finds each provider by name and lists the names when one is unknown', () => {
    expect(providerNamed().name).toBe('embedded');
    expect(providerNamed('real-jvm').name).toBe('real-jvm');
    expect(providerNamed('testcontainers').name).toBe('testcontainers');
    expect(() => providerNamed('docker')).toThrow('unknown broker provider "docker"; choose one of embedded, real-jvm, testcontainers, external');
  });
});
