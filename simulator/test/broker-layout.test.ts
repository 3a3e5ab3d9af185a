// Broker layouts of course docker-compose files and client test suites: node ids from 0, the
// advertised host `localhost`, one port per broker, and a listener on a chosen address (a bridge
// into a network namespace) that is also what clients are told. Proven through kafkajs and kcat.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigResourceTypes, Partitioners } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../index.ts';
import { layBrokers } from '../cluster/broker-layout.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { describeWithClient } from './support/external-clients.ts';
import { findKcat, run } from '../testkit/external-clients.ts';

/** `count` ports the OS says are free now (held together so they differ; nothing keeps them after). */
async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve) => {
      const server = net.createServer();
      server.listen(0, host, () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function withCluster<T>(cluster: ClusterHandle, body: (cluster: ClusterHandle) => Promise<T>): Promise<T> {
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('a docker-compose layout: node ids 0..2, localhost, ports 9092,9093,19094-style', () => {
  it('is what Metadata, FindCoordinator and DescribeConfigs tell kafkajs, and replicated topics work across it', async () => {
    const ports = await freePorts(3);
    const cluster = await startCluster({ brokers: 3, firstNodeId: 0, advertisedHost: 'localhost', ports, groupInitialRebalanceDelayMs: 0 });
    await withCluster(cluster, async () => {
      expect(cluster.bootstrapServers).toEqual(ports.map((p) => `localhost:${p}`));
      const kafka = kafkaFor(cluster);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const described = await admin.describeCluster();
        expect(described.brokers.map((b) => [b.nodeId, b.host, b.port]).sort()).toEqual(ports.map((p, i) => [i, 'localhost', p]).sort());
        expect(described.controller).toBe(0);

        const topic = uniqueTopic('layout');
        await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }] });
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        for (const p of topics[0].partitions) expect([...p.replicas].sort()).toEqual([0, 1, 2]);

        const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['node.id', 'advertised.listeners'] }], includeSynonyms: false });
        expect(Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({
          'node.id': '0',
          'advertised.listeners': `PLAINTEXT://localhost:${ports[0]}`,
        });

        const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
        await producer.connect();
        await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((partition) => ({ partition, value: `to-${partition}` })) });
        // Broker 0 is as much a broker as any: kill it, and its partitions move to 1 and 2.
        await cluster.killBroker(0);
        // One send() per partition: kafkajs 2.2.4 drops a partition whose leader moved to a broker
        // that already answered the same send() (FIDELITY.md).
        for (const partition of [0, 1, 2]) await producer.send({ topic, acks: -1, messages: [{ partition, value: `after-${partition}` }] });
        await producer.disconnect();
        await cluster.restartBroker(0);
        for (const partition of [0, 1, 2]) {
          const values = (await fetchMessages(kafka, topic, partition, { count: 2 })).map((m) => m.value?.toString());
          expect(values).toEqual([`to-${partition}`, `after-${partition}`]);
        }

        // A group's coordinator is found, and joined, at the advertised address.
        const consumer = kafka.consumer({ groupId: uniqueTopic('layout-group') });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        const seen: string[] = [];
        await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
        await eventually(() => seen.length === 6, 'the group to read all six records', 20_000);
        await consumer.disconnect();
      } finally {
        await admin.disconnect();
      }
    });
  });
});

describeWithClient(findKcat(), 'kcat against other layouts', (kcat) => {
  const brokersListed = async (bootstrap: string) => {
    const listed = await run(kcat, ['-L', '-J', '-b', bootstrap]);
    return (JSON.parse(listed.stdout) as { brokers: { id: number; name: string }[] }).brokers.map((b) => [b.id, b.name]).sort();
  };

  it('lists brokers 0 and 1 at localhost and their ports', async () => {
    const ports = await freePorts(2);
    await withCluster(await startCluster({ brokers: 2, firstNodeId: 0, advertisedHost: 'localhost', ports }), async (cluster) => {
      expect(await brokersListed(cluster.bootstrapServers[0])).toEqual(ports.map((p, i) => [i, `localhost:${p}`]).sort());
    });
  });

  it('reaches a broker on ::1, whose bootstrap address has the IPv6 brackets', async () => {
    const cluster = await startCluster({ brokers: 1, listenHost: '::1' }).catch((error: NodeJS.ErrnoException) => {
      if (['EADDRNOTAVAIL', 'EAFNOSUPPORT'].includes(error.code ?? '')) return null;
      throw error;
    });
    if (!cluster) return console.warn('[kafka-lab] skipping the IPv6 layout test: this machine has no ::1');
    await withCluster(cluster, async () => {
      const [address] = cluster.bootstrapServers;
      expect(address).toMatch(/^\[::1\]:\d+$/);
      expect(await brokersListed(address)).toEqual([[1, address.replace(/^\[(.*)\]/, '$1')]]);
    });
  });
});

describe('the listen host and the advertised host', () => {
  it('binds only the listen host and tells clients that address (a bridge into a network namespace)', async () => {
    // Every 127.x.y.z is this machine on Linux: a second address stands in for a bridge's.
    const cluster = await startCluster({ brokers: 2, listenHost: '127.0.0.2' });
    await withCluster(cluster, async () => {
      const port = Number(cluster.bootstrapServers[0].split(':')[1]);
      expect(cluster.bootstrapServers.every((a) => a.startsWith('127.0.0.2:'))).toBe(true);
      expect(await connects('127.0.0.2', port)).toBe(true);
      expect(await connects('127.0.0.1', port)).toBe(false);
      const admin = kafkaFor(cluster).admin();
      await admin.connect();
      const { brokers } = await admin.describeCluster();
      await admin.disconnect();
      expect(brokers.map((b) => b.host)).toEqual(['127.0.0.2', '127.0.0.2']);
    });
  });

  it('listens on every interface with 0.0.0.0 and advertises the host given', async () => {
    const cluster = await startCluster({ brokers: 1, listenHost: '0.0.0.0', advertisedHost: '127.0.0.3' });
    await withCluster(cluster, async () => {
      const port = Number(cluster.bootstrapServers[0].split(':')[1]);
      expect(cluster.bootstrapServers).toEqual([`127.0.0.3:${port}`]);
      expect(await connects('127.0.0.1', port)).toBe(true);
      const kafka = kafkaFor(cluster);
      const topic = uniqueTopic('everywhere');
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic, messages: [{ value: 'reached' }] });
      await producer.disconnect();
      expect((await fetchMessages(kafka, topic, 0, { count: 1 })).map((m) => m.value?.toString())).toEqual(['reached']);
    });
  });
});

describe('layouts that cannot work are refused before anything listens', () => {
  it.each([
    [{ listenHost: '0.0.0.0' }, /needs an advertisedHost/],
    [{ listenHost: '::' }, /needs an advertisedHost/],
    [{ listenHost: '127.0.0.1', advertisedHost: '0.0.0.0' }, /not an address clients can connect to/],
    [{ listenHost: '' }, /not a host name/],
    [{ brokers: 2, ports: [9092] }, /lists 1 port\(s\) for 2 broker\(s\)/],
    [{ brokers: 2, ports: [9092, 9092] }, /9092 is listed twice/],
    [{ brokers: 1, ports: [70000] }, /70000 is not a port/],
    [{ brokers: 2, port: 65535 }, /needs ports up to 65536/],
    [{ brokers: 2, port: 9092, ports: [9092, 9093] }, /either port or ports/],
    [{ firstNodeId: -1 }, /firstNodeId must be a whole number/],
    [{ firstNodeId: 1.5 }, /firstNodeId must be a whole number/],
    [{ brokers: 0 }, /brokers must be a positive integer/],
  ])('%o', async (options, message) => {
    expect(() => layBrokers(options)).toThrow(message);
    await expect(startCluster(options)).rejects.toThrow(message);
  });

  it('numbers brokers from the first node id and keeps 1..N, consecutive ports and 127.0.0.1 by default', () => {
    expect(layBrokers({ brokers: 3, port: 9092 })).toEqual([1, 2, 3].map((id) => ({ id, listenHost: '127.0.0.1', advertisedHost: '127.0.0.1', port: 9091 + id })));
    expect(layBrokers({ brokers: 3, firstNodeId: 0, ports: [9092, 9093, 19094] }).map((b) => [b.id, b.port])).toEqual([[0, 9092], [1, 9093], [2, 19094]]);
  });
});
