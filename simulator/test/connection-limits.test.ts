// What a client may make a broker hold before and after it logs in, over real sockets: a size
// prefix past sasl.server.max.receive.size (before login) or socket.request.max.bytes closes the
// connection before a byte more is read; request memory is shared within queued.max.request.bytes;
// max.connections and max.connections.per.ip close connections as they come; idle connections go
// after connections.max.idle.ms; and a failed login is answered after
// connection.failed.authentication.delay.ms, holding up only its own connection.

import { describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { Cluster, type ClusterEvent, type ClusterOptions } from '../index.ts';
import { RawConnection, requestFrame } from '../net/raw-connection.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { gzipBomb } from '../testkit/attacks.ts';
import { eventually } from './support/cluster.ts';
import { watchForCrashes } from './support/crash-watch.ts';

watchForCrashes();

const KiB = 1024;
const MiB = 1024 * KiB;
const USERS = [{ name: 'ta', password: 'secret' }];

async function withCluster<T>(options: ClusterOptions, body: (cluster: Cluster, address: string) => Promise<T>): Promise<T> {
  const cluster = new Cluster({ brokers: 1, ...options });
  await cluster.start();
  try {
    return await body(cluster, cluster.bootstrapServers[0]);
  } finally {
    await cluster.stop();
  }
}

const sizePrefix = (size: number) => {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  return prefix;
};

/** An ApiVersions v3 request of about `bytes`, its client software name as long as it takes. */
const apiVersionsOf = (bytes: number, correlationId = 1) => {
  const name = 'n'.repeat(Math.max(1, bytes - 40));
  const body = Buffer.concat([compactString(name), compactString('1.0'), Buffer.from([0])]);
  return requestFrame({ apiKey: 18, version: 3, correlationId, body, flexible: true });
};

function compactString(text: string): Buffer {
  const bytes = Buffer.from(text);
  const length: number[] = [];
  for (let v = bytes.length + 1; ; v >>>= 7) {
    if (v < 0x80) {
      length.push(v);
      break;
    }
    length.push((v & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
}

const rejections = (cluster: Cluster) => {
  const reasons: string[] = [];
  cluster.events.on('request-rejected', (e) => reasons.push(e.reason));
  return reasons;
};

/** Writes as much of `bytes` as the broker takes; how many it took before closing the connection. */
async function pushUntilClosed(connection: RawConnection, bytes: number): Promise<void> {
  const chunk = Buffer.alloc(64 * KiB);
  for (let sent = 0; sent < bytes && !connection.closed; sent += chunk.length) {
    connection.send(chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('sasl.server.max.receive.size: before login, a large size prefix closes the connection at once', () => {
  it('closes on a 100 MB size prefix without reserving or reading the bytes that follow (the issue\'s flood)', async () => {
    await withCluster({ users: USERS }, async (cluster, address) => {
      const reasons = rejections(cluster);
      const flood = await Promise.all(Array.from({ length: 6 }, () => RawConnection.open(address)));
      for (const connection of flood) connection.send(sizePrefix(100 * 1000 * 1000));
      await Promise.all(flood.map((connection) => pushUntilClosed(connection, 100 * 1000 * 1000)));
      for (const connection of flood) expect(await connection.next()).toBeNull();
      expect(cluster.listeners.memory.held).toEqual({ total: 0, unauthenticated: 0 });
      expect(reasons).toHaveLength(6);
      for (const reason of reasons) expect(reason).toBe('Invalid receive (size = 100000000 larger than 524288, sasl.server.max.receive.size)');
    });
  });

  it('reads a frame of up to 512 KiB before login, and one byte more is refused', async () => {
    await withCluster({ users: USERS }, async (_cluster, address) => {
      const atLimit = await RawConnection.open(address);
      const over = await RawConnection.open(address);
      try {
        atLimit.send(apiVersionsOf(524_288));
        const answer = await atLimit.next();
        expect(answer?.readInt16BE(4)).toBe(ErrorCode.NONE);
        over.send(sizePrefix(524_289));
        expect(await over.next()).toBeNull();
      } finally {
        atLimit.destroy();
        over.destroy();
      }
    });
  });

  it('lets a logged-in client send frames up to socket.request.max.bytes', async () => {
    await withCluster({ users: USERS, socketRequestMaxBytes: 4 * MiB, queuedMaxRequestBytes: 8 * MiB }, async (_cluster, address) => {
      const connection = await loggedIn(address);
      try {
        connection.send(apiVersionsOf(2 * MiB));
        expect((await connection.next())?.readInt16BE(4)).toBe(ErrorCode.NONE);
        connection.send(sizePrefix(4 * MiB + 1));
        expect(await connection.next()).toBeNull();
      } finally {
        connection.destroy();
      }
    });
  });

  it('applies to raw SASL tokens after SaslHandshake v0 too', async () => {
    await withCluster({ users: USERS }, async (cluster, address) => {
      const reasons = rejections(cluster);
      const connection = await RawConnection.open(address);
      expect(await connection.call(17, 0, { mechanism: 'PLAIN' })).toMatchObject({ errorCode: ErrorCode.NONE });
      connection.send(sizePrefix(10 * MiB));
      expect(await connection.next()).toBeNull();
      expect(reasons).toEqual(['Invalid receive (size = 10485760 larger than 524288, sasl.server.max.receive.size)']);
    });
  });
});

describe('socket.request.max.bytes', () => {
  it('closes a connection whose size prefix is larger, as Kafka does, with or without SASL', async () => {
    await withCluster({ socketRequestMaxBytes: MiB }, async (cluster, address) => {
      const reasons = rejections(cluster);
      const connection = await RawConnection.open(address);
      connection.send(sizePrefix(MiB + 1));
      expect(await connection.next()).toBeNull();
      expect(reasons).toEqual([`Invalid receive (size = ${MiB + 1} larger than ${MiB}, socket.request.max.bytes)`]);
    });
  });

  it('must be at most queued.max.request.bytes, as Kafka requires', async () => {
    await expect(withCluster({ socketRequestMaxBytes: 2 * MiB, queuedMaxRequestBytes: MiB }, async () => {})).rejects.toThrow(/queuedMaxRequestBytes .* must be at least socketRequestMaxBytes/);
  });
});

describe('queued.max.request.bytes: request bytes held across the cluster', () => {
  it('does not read a frame that does not fit until another request has been handled', async () => {
    await withCluster({ brokers: 2, socketRequestMaxBytes: MiB, queuedMaxRequestBytes: 2 * MiB }, async (cluster) => {
      const [first, second] = cluster.bootstrapServers;
      // Two half-sent frames of 1 MiB, on two brokers: the cluster's whole allowance.
      const holders = [await RawConnection.open(first), await RawConnection.open(second)];
      const frames = [apiVersionsOf(MiB - 100, 1), apiVersionsOf(MiB - 100, 2)];
      holders.forEach((connection, i) => connection.send(frames[i].subarray(0, frames[i].length / 2)));
      const reserved = frames[0].readInt32BE(0) + frames[1].readInt32BE(0);
      await eventually(() => cluster.listeners.memory.held.total === reserved, 'both frames to be reserved');

      // A third frame waits, unread, however much of it arrives.
      const waiting = await RawConnection.open(first);
      waiting.send(apiVersionsOf(1000, 3));
      await expect(waiting.next(300)).rejects.toThrow(/no response/);
      expect(cluster.listeners.memory.held.total).toBe(reserved);

      // The first holder completes its request: its memory comes back and the third is read and answered.
      holders[0].send(frames[0].subarray(frames[0].length / 2));
      expect((await holders[0].next())?.readInt32BE(0)).toBe(1);
      expect((await waiting.next())?.readInt32BE(0)).toBe(3);
      for (const connection of [...holders, waiting]) connection.destroy();
      await eventually(() => cluster.listeners.memory.held.total === 0, 'every reservation to be given back when the connections close');
    });
  });

  it('lets connections that have not logged in hold a sixteenth of it between them, closing those past it', async () => {
    await withCluster({ users: USERS, socketRequestMaxBytes: MiB, queuedMaxRequestBytes: 8 * MiB }, async (cluster, address) => {
      const reasons = rejections(cluster);
      const unauthenticated = await Promise.all(Array.from({ length: 3 }, () => RawConnection.open(address)));
      // Each announces 300 KB and sends a little: one fits within 512 KiB, the others are closed.
      for (const connection of unauthenticated) connection.send(Buffer.concat([sizePrefix(300_000), Buffer.alloc(10)]));
      await eventually(() => unauthenticated.filter((c) => c.closed).length === 2, 'two connections to be closed');
      expect(cluster.listeners.memory.held).toEqual({ total: 300_000, unauthenticated: 300_000 });
      expect(reasons).toEqual(Array(2).fill('connections not logged in hold all the request memory allowed them (524288 bytes of queued.max.request.bytes); try again later'));
      // A logged-in client still gets its share.
      const connection = await loggedIn(address);
      connection.send(apiVersionsOf(500 * KiB, 9));
      expect((await connection.next())?.readInt32BE(0)).toBe(9);
      for (const c of [...unauthenticated, connection]) c.destroy();
    });
  });
});

describe('max.connections and max.connections.per.ip', () => {
  it('closes the connections past the per-address limit as they come, and takes new ones once some close', async () => {
    await withCluster({ maxConnectionsPerIp: 3 }, async (cluster, address) => {
      const reasons = rejections(cluster);
      const allowed = await Promise.all(Array.from({ length: 3 }, () => RawConnection.open(address)));
      const refused = await RawConnection.open(address);
      expect(await refused.next()).toBeNull();
      expect(reasons).toEqual(['too many connections from 127.0.0.1 (max.connections.per.ip=3)']);
      for (const connection of allowed) expect((await connection.call(18, 0, {})) !== null).toBe(true);
      allowed[0].destroy();
      await eventually(() => cluster.describe().clients.length === 2, 'the broker to see the connection go');
      const again = await RawConnection.open(address);
      expect(await again.call(18, 0, {})).not.toBeNull();
      for (const connection of [...allowed, again]) connection.destroy();
    });
  });

  it('closes connections past max.connections (from any address) on each broker', async () => {
    await withCluster({ brokers: 2, maxConnections: 2 }, async (cluster) => {
      const [first, second] = cluster.bootstrapServers;
      const onFirst = [await RawConnection.open(first), await RawConnection.open(first)];
      const third = await RawConnection.open(first);
      expect(await third.next()).toBeNull();
      // The other broker counts its own.
      const onSecond = await RawConnection.open(second);
      expect(await onSecond.call(18, 0, {})).not.toBeNull();
      for (const connection of [...onFirst, onSecond]) connection.destroy();
    });
  });
});

describe('connections.max.idle.ms', () => {
  it('closes a connection with nothing going on, and keeps one whose request is in progress', async () => {
    await withCluster({ connectionsMaxIdleMs: 300 }, async (cluster, address) => {
      const events: ClusterEvent[] = [];
      cluster.events.subscribe((e) => events.push(e));
      const working = await RawConnection.open(address);
      expect(await working.call(18, 0, {})).not.toBeNull();
      // A request the paused broker holds is in progress however long it takes.
      cluster.pauseBroker(1);
      working.send(requestFrame({ apiKey: 18, version: 0, correlationId: 77, body: Buffer.alloc(0) }));
      await eventually(() => events.some((e) => e.type === 'request-held'), 'the request to be held');
      const idle = await RawConnection.open(address);
      await eventually(() => idle.closed, 'the idle connection to be closed', 10_000);
      expect(working.closed).toBe(false);
      expect(events).toContainEqual(expect.objectContaining({ type: 'request-rejected', reason: 'idle for more than 300 ms (connections.max.idle.ms)' }));
      cluster.resumeBroker(1);
      expect((await working.next())?.readInt32BE(0)).toBe(77);
      working.destroy();
    });
  });
});

describe('connection.failed.authentication.delay.ms', () => {
  it('answers a wrong password only after the delay, while other connections are answered at once', async () => {
    await withCluster({ users: USERS, failedAuthenticationDelayMs: 400 }, async (_cluster, address) => {
      const guessing = await RawConnection.open(address);
      expect(await guessing.call(17, 1, { mechanism: 'PLAIN' })).toMatchObject({ errorCode: ErrorCode.NONE });
      const order: string[] = [];
      const started = performance.now();
      const failed = guessing.call(36, 1, { authBytes: Buffer.from('\0ta\0wrong') }).then((answer) => {
        order.push('failure');
        return { answer, ms: performance.now() - started };
      });
      const other = await RawConnection.open(address);
      expect(await other.call(18, 0, {})).not.toBeNull();
      order.push('other');
      const { answer, ms } = await failed;
      expect(answer).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED });
      expect(ms).toBeGreaterThanOrEqual(390);
      expect(order).toEqual(['other', 'failure']);
      expect(await guessing.next()).toBeNull(); // closed after the answer
      other.destroy();
    });
  });

  it('holds back the close after a wrong raw token (SaslHandshake v0) as well', async () => {
    await withCluster({ users: USERS, failedAuthenticationDelayMs: 300 }, async (_cluster, address) => {
      const connection = await RawConnection.open(address);
      await connection.call(17, 0, { mechanism: 'PLAIN' });
      const started = performance.now();
      const token = Buffer.from('\0ta\0wrong');
      connection.send(Buffer.concat([sizePrefix(token.length), token]));
      expect(await connection.next()).toBeNull();
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    });
  });

  it('slows kafkajs password guessing to the default 100 ms a try, and a right password logs in at once', async () => {
    await withCluster({ users: USERS }, async (_cluster, address) => {
      const attempt = async (password: string) => {
        const admin = new Kafka({ brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 0 }, sasl: { mechanism: 'plain', username: 'ta', password } }).admin();
        try {
          await admin.connect();
          await admin.listTopics();
          return 'in';
        } catch (error) {
          return (error as Error).name;
        } finally {
          await admin.disconnect();
        }
      };
      const started = performance.now();
      for (let i = 0; i < 5; i++) expect(await attempt(`guess-${i}`)).toBe('KafkaJSSASLAuthenticationError');
      expect(performance.now() - started).toBeGreaterThanOrEqual(5 * 100 - 10);
      expect(await attempt('secret')).toBe('in');
    });
  });
});

/** A raw connection logged in as the TA (SaslHandshake v1, PLAIN in SaslAuthenticate). */
async function loggedIn(address: string): Promise<RawConnection> {
  const connection = await RawConnection.open(address);
  expect(await connection.call(17, 1, { mechanism: 'PLAIN' })).toMatchObject({ errorCode: ErrorCode.NONE });
  expect(await connection.call(36, 1, { authBytes: Buffer.from('\0ta\0secret') })).toMatchObject({ errorCode: ErrorCode.NONE });
  return connection;
}

describe('a class broker with the README\'s limits', () => {
  it('serves a kafkajs consumer group and a gzip producer over SASL, and refuses a bomb from the same laptop while they go on', { timeout: 120_000 }, async () => {
    const options: ClusterOptions = {
      users: [...USERS, { name: 'team1', password: 'pw1' }],
      superUsers: ['ta'],
      maxConnectionsPerIp: 50,
      connectionsMaxIdleMs: 300_000,
      socketRequestMaxBytes: 10 * MiB,
      maxDecompressedBatchBytes: 8 * MiB,
      groupInitialRebalanceDelayMs: 0,
    };
    await withCluster(options, async (cluster, address) => {
      cluster.createTopic({ name: 'class', partitions: 3 });
      const kafka = new Kafka({ brokers: [address], clientId: 'class', logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username: 'ta', password: 'secret' } });
      const seen = new Set<string>();
      const consumers = Array.from({ length: 3 }, () => kafka.consumer({ groupId: 'class-group' }));
      const producer = kafka.producer();
      try {
        for (const consumer of consumers) {
          await consumer.connect();
          await consumer.subscribe({ topic: 'class', fromBeginning: true });
          await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
        }
        await producer.connect();
        const send = (from: number) =>
          producer.send({ topic: 'class', compression: CompressionTypes.GZIP, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 5}`, value: `value ${from + i}` })) });
        await send(0);
        await eventually(() => seen.size === 30, 'the group to read the first 30 values');

        // A bomb from the same address: 10 records of 1 MB, 10 MB inflated, past the 8 MiB limit.
        const attacker = await loggedIn(address);
        try {
          const answer = (await attacker.call(0, 3, { transactionalId: null, acks: -1, timeoutMs: 10_000, topicData: [{ name: 'class', partitionData: [{ index: 0, records: await gzipBomb(1000 * 1000, 10) }] }] })) as {
            responses: { partitionResponses: { errorCode: number }[] }[];
          };
          expect(answer.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.RECORD_LIST_TOO_LARGE);
        } finally {
          attacker.destroy();
        }
        await send(30);
        await eventually(() => seen.size === 60, 'the group to read 30 more values after the bomb');
      } finally {
        await producer.disconnect();
        for (const consumer of consumers) await consumer.disconnect();
      }
    });
  });
});
