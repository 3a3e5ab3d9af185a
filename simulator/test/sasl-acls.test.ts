// SASL login (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and ACLs, through real clients over real
// sockets: kafkajs, raw frames for what no client library sends (SaslHandshake v0 and raw tokens,
// garbage, requests before login), kafka-python and kcat. The cluster has a TA who is a super user,
// and two students whose ACLs let alice write topics starting with "a-" and bob only read them.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Kafka, type SASLOptions } from 'kafkajs';
import { Cluster, type SaslUser } from '../index.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { Reader } from '../protocol/wire.ts';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython, findKcat, jsonLines, run } from '../testkit/external-clients.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { RawConnection } from '../net/raw-connection.ts';

const USERS: SaslUser[] = [
  { name: 'ta', password: 'ta-secret' },
  { name: 'alice', password: 'alice-secret' },
  { name: 'bob', password: 'bob-secret' },
  { name: 'carol', password: 'carol-secret', mechanisms: ['SCRAM-SHA-512'] },
];

const cluster = useCluster({
  brokers: 2,
  seed: 36,
  users: USERS,
  superUsers: ['ta'],
  groupInitialRebalanceDelayMs: 0,
  offsetsTopicPartitions: 3,
  acls: [
    { resourceType: 'TOPIC', resourceName: 'a-', patternType: 'PREFIXED', principal: 'User:alice', operation: 'WRITE' },
    { resourceType: 'TOPIC', resourceName: 'a-', patternType: 'PREFIXED', principal: 'User:bob', operation: 'READ' },
    { resourceType: 'GROUP', resourceName: 'bob-', patternType: 'PREFIXED', principal: 'User:bob', operation: 'READ' },
  ],
});
const plainCluster = useCluster({ brokers: 1 });
// No login, but ACLs enforced for User:ANONYMOUS, and open where a resource has no ACL at all.
const openByDefault = useCluster({
  brokers: 1,
  authorizer: true,
  allowEveryoneIfNoAclFound: true,
  acls: [{ resourceType: 'TOPIC', resourceName: 'locked', principal: 'User:ta', operation: 'ALL' }],
});

type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';
const login = (username: string, mechanism: Mechanism = 'scram-sha-256', password = `${username}-secret`) =>
  kafkaFor(cluster(), { sasl: { mechanism, username, password } as SASLOptions, retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 500 } });

async function produce(kafka: Kafka, topic: string, values: string[]) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; message: string }[] };

/**
 * The Kafka error name a kafkajs failure carries, or its message. kafkajs's retrier wraps a
 * protocol error and keeps only its message, so the name is found again from kafkajs's own table.
 */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as { type?: string; message: string; cause?: { type?: string } };
    return e.type ?? e.cause?.type ?? errorCodes.find((c) => c.message === e.message)?.type ?? e.message;
  }
  throw new Error('expected a failure');
}

// ------------------------------------------------------------------ raw frames

let correlationId = 1;
const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const METADATA = 3;

const stringBody = (text: string) => {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeInt16BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
};
const bytesBody = (bytes: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
};
/** A size-prefixed frame with no request header: a raw SASL token after SaslHandshake v0. */
const rawToken = (token: Buffer | string) => bytesBody(Buffer.from(token));
const ALL_TOPICS_V1 = Buffer.from([0xff, 0xff, 0xff, 0xff]);

const request = (connection: RawConnection, apiKey: number, version: number, body = Buffer.alloc(0)) =>
  connection.request({ apiKey, version, correlationId: correlationId++, body });

function readHandshake(frame: Buffer) {
  const r = new Reader(frame, 4);
  const errorCode = r.int16();
  const mechanisms = Array.from({ length: r.int32() }, () => r.bytesOf(r.int16()).toString('utf8'));
  return { errorCode, mechanisms };
}

function readAuthenticateV1(frame: Buffer) {
  const r = new Reader(frame, 4);
  const errorCode = r.int16();
  const messageLength = r.int16();
  const errorMessage = messageLength < 0 ? null : r.bytesOf(messageLength).toString('utf8');
  const authBytes = r.bytesOf(r.int32());
  return { errorCode, errorMessage, authBytes, sessionLifetimeMs: r.int64() };
}

/** Opens a connection and sends SaslHandshake for `mechanism`; expects it accepted. */
async function handshake(mechanism: string, version: 0 | 1, broker = cluster().bootstrapServers[0]): Promise<RawConnection> {
  const connection = await RawConnection.open(broker);
  const answer = await request(connection, SASL_HANDSHAKE, version, stringBody(mechanism));
  expect(readHandshake(answer!)).toMatchObject({ errorCode: ErrorCode.NONE });
  return connection;
}

/**
 * The client side of SCRAM (RFC 5802), written independently of the broker's code. `finalNonce`
 * chooses the nonce the client-final message sends back (RFC 5802: the server's, unchanged).
 */
function scramClient(hash: 'sha256' | 'sha512', user: string, password: string, finalNonce = (clientNonce: string, serverNonce: string) => serverNonce) {
  const clientNonce = randomBytes(18).toString('base64');
  const first = `n,,n=${user},r=${clientNonce}`;
  const hmac = (key: Buffer, text: string) => createHmac(hash, key).update(text).digest();
  return {
    first,
    final(serverFirst: string) {
      const fields = Object.fromEntries(serverFirst.split(',').map((f) => [f[0], f.slice(2)]));
      expect(fields.r.startsWith(clientNonce)).toBe(true);
      const salted = pbkdf2Sync(password, Buffer.from(fields.s, 'base64'), Number(fields.i), hash === 'sha256' ? 32 : 64, hash);
      const clientKey = hmac(salted, 'Client Key');
      const withoutProof = `c=biws,r=${finalNonce(clientNonce, fields.r)}`;
      const authMessage = `${first.slice(3)},${serverFirst},${withoutProof}`;
      const signature = hmac(createHash(hash).update(clientKey).digest(), authMessage);
      const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
      return {
        message: `${withoutProof},p=${proof.toString('base64')}`,
        serverFinal: `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`,
      };
    },
  };
}

// ------------------------------------------------------------------ login

describe('SASL login', () => {
  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('logs in with %s, produces and reads the records back', async (mechanism) => {
    const topic = uniqueTopic(`login-${mechanism}`);
    cluster().createTopic({ name: topic });
    const kafka = login('ta', mechanism);
    await produce(kafka, topic, ['one', 'two', 'three']);
    expect((await fetchMessages(kafka, topic, 0, { count: 3 })).map((m) => m.value?.toString())).toEqual(['one', 'two', 'three']);
  });

  it('refuses a wrong password with Kafka’s message for each mechanism, and keeps serving everyone else', async () => {
    const refusal = (kafka: Kafka) => failure(kafka.admin().connect());
    expect(await refusal(login('alice', 'plain', 'wrong'))).toMatch(/Authentication failed: Invalid username or password/);
    expect(await refusal(login('alice', 'scram-sha-256', 'wrong'))).toMatch(/Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256/);
    expect(await refusal(login('nobody', 'scram-sha-512'))).toMatch(/invalid credentials with SASL mechanism SCRAM-SHA-512/);
    const error = await login('alice', 'plain', 'wrong').admin().connect().catch((e: Error) => e);
    expect((error as Error).name).toBe('KafkaJSSASLAuthenticationError');

    const admin = login('alice').admin();
    await admin.connect();
    expect(Array.isArray(await admin.listTopics())).toBe(true);
    await admin.disconnect();
  });

  it('lets a user log in only with the mechanisms it was given', async () => {
    expect(await failure(login('carol', 'plain').admin().connect())).toMatch(/Invalid username or password/);
    expect(await failure(login('carol', 'scram-sha-256').admin().connect())).toMatch(/SCRAM-SHA-256/);
    const admin = login('carol', 'scram-sha-512').admin();
    await admin.connect();
    await admin.disconnect();
  });

  it('answers ApiVersions before login but closes the connection on any other request, as Kafka does', async () => {
    const connection = await RawConnection.open(cluster().bootstrapServers[0]);
    const rejected = cluster().events.waitFor('request-rejected', (e) => /METADATA during SASL handshake/.test(e.reason));
    const versions = await request(connection, API_VERSIONS, 0);
    expect(versions!.readInt16BE(4)).toBe(ErrorCode.NONE);
    expect(await request(connection, METADATA, 1, ALL_TOPICS_V1)).toBeNull();
    expect((await rejected).reason).toBe('Unexpected Kafka request of type METADATA during SASL handshake.');
  });

  it('answers an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list, then closes the connection', async () => {
    const connection = await RawConnection.open(cluster().bootstrapServers[0]);
    const answer = await request(connection, SASL_HANDSHAKE, 1, stringBody('GSSAPI'));
    expect(readHandshake(answer!)).toEqual({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    expect(await connection.next()).toBeNull();
  });

  it('after SaslHandshake v0 takes a raw PLAIN token, answers it with an empty frame, then serves requests', async () => {
    const connection = await handshake('PLAIN', 0);
    connection.send(rawToken('\0alice\0alice-secret'));
    expect(await connection.next()).toEqual(Buffer.alloc(0));
    const metadata = await request(connection, METADATA, 1, ALL_TOPICS_V1);
    expect(metadata).not.toBeNull();
    connection.destroy();
  });

  it.each([
    ['SCRAM-SHA-256', 'sha256'],
    ['SCRAM-SHA-512', 'sha512'],
  ] as const)('runs a %s exchange in raw frames: the client proves its password and the server proves it knows the credential', async (mechanism, hash) => {
    const connection = await handshake(mechanism, 0);
    const client = scramClient(hash, 'bob', 'bob-secret');
    connection.send(rawToken(client.first));
    const serverFirst = (await connection.next())!.toString('utf8');
    expect(serverFirst).toMatch(/^r=[^,]+,s=[A-Za-z0-9+/=]+,i=4096$/);
    const final = client.final(serverFirst);
    connection.send(rawToken(final.message));
    expect((await connection.next())!.toString('utf8')).toBe(final.serverFinal);
    expect(await request(connection, METADATA, 1, ALL_TOPICS_V1)).not.toBeNull();
    connection.destroy();
  });

  it('accepts the client-final nonce librdkafka before 2.6.1 sends (its own nonce again, then the server’s), but no other', async () => {
    const repeated = await handshake('SCRAM-SHA-256', 1);
    const client = scramClient('sha256', 'bob', 'bob-secret', (clientNonce, serverNonce) => clientNonce + serverNonce);
    const first = readAuthenticateV1((await request(repeated, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from(client.first))))!);
    const final = client.final(first.authBytes.toString('utf8'));
    const answer = readAuthenticateV1((await request(repeated, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from(final.message))))!);
    expect(answer).toMatchObject({ errorCode: ErrorCode.NONE, authBytes: Buffer.from(final.serverFinal) });
    repeated.destroy();

    const other = await handshake('SCRAM-SHA-256', 1);
    const stranger = scramClient('sha256', 'bob', 'bob-secret', (_clientNonce, serverNonce) => `${serverNonce}x`);
    const strangerFirst = readAuthenticateV1((await request(other, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from(stranger.first))))!);
    const refused = readAuthenticateV1((await request(other, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from(stranger.final(strangerFirst.authBytes.toString('utf8')).message))))!);
    expect(refused.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(await other.next()).toBeNull();
  });

  it('closes a raw-token connection without an answer when the password is wrong', async () => {
    const connection = await handshake('SCRAM-SHA-256', 0);
    const client = scramClient('sha256', 'bob', 'not-bobs');
    connection.send(rawToken(client.first));
    const serverFirst = (await connection.next())!.toString('utf8');
    connection.send(rawToken(client.final(serverFirst).message));
    expect(await connection.next()).toBeNull();
  });

  it('refuses garbage tokens with SASL_AUTHENTICATION_FAILED and a clear message, closes the connection, and stays up', async () => {
    // Noise without NUL bytes: random bytes with exactly two NULs (about 2.4% of 64-byte draws)
    // parse as a PLAIN "authzid NUL user NUL password" and get Kafka's wrong-password message instead.
    const noise = (length: number) => Buffer.from(Array.from({ length }, (_, i) => 1 + ((i * 151 + 7) % 255)));
    const garbage = [
      ['PLAIN', noise(64)],
      ['PLAIN', Buffer.from('alice-secret')],
      ['SCRAM-SHA-256', noise(64)],
      ['SCRAM-SHA-512', Buffer.from('n,,n=alice')],
    ] as const;
    for (const [mechanism, token] of garbage) {
      const connection = await handshake(mechanism, 1);
      const answer = readAuthenticateV1((await request(connection, SASL_AUTHENTICATE, 1, bytesBody(token)))!);
      expect(answer).toMatchObject({ errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, authBytes: Buffer.alloc(0) });
      expect(answer.errorMessage).toBe(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`);
      expect(await connection.next()).toBeNull();
    }
    // A client-final message that is not one, after a valid client-first.
    const connection = await handshake('SCRAM-SHA-256', 1);
    const first = readAuthenticateV1((await request(connection, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from('n,,n=bob,r=abc'))))!);
    expect(first.errorCode).toBe(ErrorCode.NONE);
    const final = readAuthenticateV1((await request(connection, SASL_AUTHENTICATE, 1, bytesBody(noise(40))))!);
    expect(final.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(await connection.next()).toBeNull();

    const admin = login('bob', 'plain').admin();
    await admin.connect();
    await admin.disconnect();
  });

  it('closes the connection on SaslAuthenticate before SaslHandshake, and on a second ApiVersions before it', async () => {
    const early = await RawConnection.open(cluster().bootstrapServers[0]);
    expect(await request(early, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from('\0alice\0alice-secret')))).toBeNull();
    const twice = await RawConnection.open(cluster().bootstrapServers[0]);
    expect(await request(twice, API_VERSIONS, 0)).not.toBeNull();
    expect(await request(twice, API_VERSIONS, 0)).toBeNull();
  });

  it('answers SaslHandshake and SaslAuthenticate with ILLEGAL_SASL_STATE once logged in', async () => {
    const connection = await handshake('PLAIN', 1);
    const ok = readAuthenticateV1((await request(connection, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from('\0bob\0bob-secret'))))!);
    expect(ok).toMatchObject({ errorCode: ErrorCode.NONE, errorMessage: null, sessionLifetimeMs: 0 });
    expect(readHandshake((await request(connection, SASL_HANDSHAKE, 1, stringBody('PLAIN')))!)).toEqual({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    const again = readAuthenticateV1((await request(connection, SASL_AUTHENTICATE, 1, bytesBody(Buffer.from('\0bob\0bob-secret'))))!);
    expect(again).toMatchObject({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate request received after successful authentication' });
    connection.destroy();
  });
});

// ------------------------------------------------------------------ ACLs

describe('ACLs', () => {
  it('lets alice write to topics starting with a- but not to b- topics, nor read her own', async () => {
    const mine = uniqueTopic('a-orders');
    const theirs = uniqueTopic('b-orders');
    cluster().createTopic({ name: mine });
    cluster().createTopic({ name: theirs });
    const alice = login('alice', 'plain');

    const [ack] = await produce(alice, mine, ['order 1']);
    expect(ack.errorCode).toBe(0);
    expect(await failure(produce(alice, theirs, ['sneaky']))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(cluster().describe().topics.find((t) => t.name === theirs)!.partitions[0].logEndOffset).toBe(0);

    expect(await failure(fetchMessages(alice, mine, 0, { count: 1 }))).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it('lets bob read a- topics in a bob- group, but not write them, nor use another group', async () => {
    const topic = uniqueTopic('a-events');
    cluster().createTopic({ name: topic, partitions: 2 });
    await produce(login('alice'), topic, ['e1', 'e2', 'e3']);
    const bob = login('bob', 'scram-sha-512');

    const consumer = bob.consumer({ groupId: uniqueTopic('bob-readers'), maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await eventually(() => seen.length === 3, 'bob to read three events');
    await consumer.disconnect();
    expect(seen.sort()).toEqual(['e1', 'e2', 'e3']);

    expect(await failure(produce(bob, topic, ['forged']))).toBe('TOPIC_AUTHORIZATION_FAILED');
    const idempotent = bob.producer({ idempotent: true, retry: { retries: 1 } });
    // An idempotent producer needs WRITE on some topic (or IDEMPOTENT_WRITE on the cluster) for InitProducerId.
    expect(await failure(idempotent.connect())).toBe('CLUSTER_AUTHORIZATION_FAILED');
    await idempotent.disconnect();

    const admin = bob.admin();
    await admin.connect();
    // kafkajs reports its own words for a refused FindCoordinator; the broker's answer is in the events.
    const refused = cluster().events.waitFor('request-handled', (e) => e.api === 'FindCoordinator' && e.summary === 'group=not-bobs');
    await failure(admin.fetchOffsets({ groupId: 'not-bobs', topics: [topic] }));
    expect((await refused).errors).toEqual(['GROUP_AUTHORIZATION_FAILED']);
    // READ implies DESCRIBE: bob may look up the topic's offsets.
    expect((await admin.fetchTopicOffsets(topic)).map((p) => p.high).sort()).toHaveLength(2);
    await admin.disconnect();
  });

  it('lists to each user only the topics it may describe', async () => {
    const open = uniqueTopic('a-listed');
    const hidden = uniqueTopic('b-hidden');
    cluster().createTopic({ name: open });
    cluster().createTopic({ name: hidden });
    const topicsOf = async (kafka: Kafka) => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        return await admin.listTopics();
      } finally {
        await admin.disconnect();
      }
    };
    const aliceSees = await topicsOf(login('alice'));
    expect(aliceSees).toContain(open);
    expect(aliceSees).not.toContain(hidden);
    expect(await topicsOf(login('ta'))).toEqual(expect.arrayContaining([open, hidden]));
  });

  it('lets the TA grant, list and revoke ACLs through kafkajs admin (CreateAcls, DescribeAcls, DeleteAcls)', async () => {
    const topic = uniqueTopic('b-homework');
    cluster().createTopic({ name: topic });
    const grant = {
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:bob',
      host: '*',
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    };
    const admin = login('ta', 'scram-sha-512').admin();
    await admin.connect();
    try {
      expect(await failure(produce(login('bob'), topic, ['before']))).toBe('TOPIC_AUTHORIZATION_FAILED');
      await admin.createAcls({ acl: [grant] });

      const listed = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: 'User:bob',
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      expect(listed.resources).toContainEqual({
        resourceType: AclResourceTypes.TOPIC,
        resourceName: topic,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        acls: [{ principal: 'User:bob', host: '*', operation: AclOperationTypes.WRITE, permissionType: AclPermissionTypes.ALLOW }],
      });
      expect(listed.resources).toContainEqual(expect.objectContaining({ resourceName: 'bob-', resourcePatternType: ResourcePatternTypes.PREFIXED }));
      expect((await produce(login('bob'), topic, ['after grant']))[0].errorCode).toBe(0);

      const deleted = await admin.deleteAcls({ filters: [{ ...grant, resourcePatternType: ResourcePatternTypes.MATCH }] });
      expect(deleted.filterResponses[0].matchingAcls).toEqual([expect.objectContaining({ errorCode: 0, resourceName: topic, principal: 'User:bob', operation: AclOperationTypes.WRITE })]);
      expect(await failure(produce(login('bob'), topic, ['after revoke']))).toBe('TOPIC_AUTHORIZATION_FAILED');
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses ACL changes and listings to users without ALTER or DESCRIBE on the cluster', async () => {
    const admin = login('alice').admin();
    await admin.connect();
    try {
      const acl = {
        resourceType: AclResourceTypes.TOPIC,
        resourceName: 'b-',
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal: 'User:alice',
        host: '*',
        operation: AclOperationTypes.ALL,
        permissionType: AclPermissionTypes.ALLOW,
      };
      expect(await failure(admin.createAcls({ acl: [acl] }))).toBe('CLUSTER_AUTHORIZATION_FAILED');
      expect(await failure(admin.describeAcls({ ...acl, resourceName: undefined, resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY }))).toBe('CLUSTER_AUTHORIZATION_FAILED');
      expect(cluster().describeAcls({ principal: 'User:alice', resourceName: 'b-' })).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });

  it('lets a DENY win over a broader ALLOW, set through the cluster handle as a TA script would', async () => {
    const secret = uniqueTopic('a-secret');
    const open = uniqueTopic('a-open');
    cluster().createTopic({ name: secret });
    cluster().createTopic({ name: open });
    const deny = { resourceType: 'TOPIC', resourceName: secret, principal: 'User:alice', operation: 'WRITE', permission: 'DENY' } as const;
    cluster().createAcls([deny]);
    try {
      const alice = login('alice');
      expect(await failure(produce(alice, secret, ['no']))).toBe('TOPIC_AUTHORIZATION_FAILED');
      expect((await produce(alice, open, ['yes']))[0].errorCode).toBe(0);
    } finally {
      expect(cluster().deleteAcls({ resourceName: secret, permission: 'DENY' })).toEqual([{ ...deny, patternType: 'LITERAL', host: '*' }]);
    }
    expect((await produce(login('alice'), secret, ['now yes']))[0].errorCode).toBe(0);
  });

  it('rejects an invalid ACL with Kafka’s message, through the handle and through CreateAcls', async () => {
    expect(() => cluster().createAcls([{ resourceType: 'CLUSTER', resourceName: 'mine', principal: 'User:alice', operation: 'ALTER' }])).toThrow(
      'The only valid name for the CLUSTER resource is kafka-cluster',
    );
    const admin = login('ta').admin();
    await admin.connect();
    try {
      const error = await failure(
        admin.createAcls({
          acl: [
            {
              resourceType: AclResourceTypes.TOPIC,
              resourceName: 'a-x',
              resourcePatternType: ResourcePatternTypes.LITERAL,
              principal: 'alice',
              host: '*',
              operation: AclOperationTypes.READ,
              permissionType: AclPermissionTypes.ALLOW,
            },
          ],
        }),
      );
      expect(error).toBe('INVALID_REQUEST');
    } finally {
      await admin.disconnect();
    }
  });
});

describe('a cluster without users', () => {
  it('answers SaslHandshake with ILLEGAL_SASL_STATE on its PLAINTEXT listener and keeps the connection', async () => {
    const connection = await RawConnection.open(plainCluster().bootstrapServers[0]);
    expect(readHandshake((await request(connection, SASL_HANDSHAKE, 1, stringBody('PLAIN')))!)).toEqual({ errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] });
    expect(await request(connection, METADATA, 1, ALL_TOPICS_V1)).not.toBeNull();
    connection.destroy();
  });

  it('answers the ACL APIs with SECURITY_DISABLED, as a broker without an authorizer does', async () => {
    const admin = kafkaFor(plainCluster(), { retry: { retries: 0 } }).admin();
    await admin.connect();
    try {
      const anything = { resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY };
      expect(await failure(admin.describeAcls(anything))).toBe('SECURITY_DISABLED');
      expect(await failure(admin.deleteAcls({ filters: [anything] }))).toBe('SECURITY_DISABLED');
    } finally {
      await admin.disconnect();
    }
  });
});

it('with allow.everyone.if.no.acl.found, lets anonymous clients use resources without ACLs but not those with ACLs for others', async () => {
  openByDefault().createTopic({ name: 'locked' });
  const anonymous = kafkaFor(openByDefault(), { retry: { retries: 2, initialRetryTime: 50 } });
  const topic = uniqueTopic('free');
  openByDefault().createTopic({ name: topic });
  expect((await produce(anonymous, topic, ['hello']))[0].errorCode).toBe(0);
  expect(await failure(produce(anonymous, 'locked', ['hello']))).toBe('TOPIC_AUTHORIZATION_FAILED');
  openByDefault().createAcls([{ resourceType: 'TOPIC', resourceName: 'locked', principal: 'User:ANONYMOUS', operation: 'WRITE' }]);
  expect((await produce(anonymous, 'locked', ['now allowed']))[0].errorCode).toBe(0);
});

it('keeps ACLs created at run time across a restart over the same data dir', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-acls-'));
  const acl = { resourceType: 'GROUP', resourceName: 'team-', patternType: 'PREFIXED', principal: 'User:bob', host: '*', operation: 'READ', permission: 'ALLOW' } as const;
  try {
    const first = new Cluster({ dataDir, users: USERS });
    await first.start();
    first.createAcls([acl]);
    await first.stop();
    const second = new Cluster({ dataDir, users: USERS });
    await second.start();
    expect(second.describeAcls()).toEqual([acl]);
    await second.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

// ------------------------------------------------------------------ other clients

describeWithClient(findKafkaPython(), 'kafka-python over SASL_PLAINTEXT', (python) => {
  it.each(['PLAIN', 'SCRAM-SHA-256'])('logs in with %s, produces and consumes', async (mechanism) => {
    const topic = uniqueTopic(`a-python-${mechanism.toLowerCase()}`);
    cluster().createTopic({ name: topic });
    const { stdout } = await run(python, [`${CLIENT_SCRIPTS}sasl_roundtrip.py`, cluster().bootstrapServers.join(','), topic, mechanism, 'ta', 'ta-secret', '4'], {
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
    });
    const lines = jsonLines<{ sent?: number; value?: string }>(stdout);
    expect(lines.filter((l) => l.sent !== undefined).map((l) => l.sent)).toEqual([0, 1, 2, 3]);
    expect(lines.filter((l) => l.value !== undefined).map((l) => l.value)).toEqual([0, 1, 2, 3].map((i) => `${mechanism} message #${i}`));
  });
});

describeWithClient(findKcat(), 'kcat over SASL_PLAINTEXT', (kcat) => {
  it.each(['PLAIN', 'SCRAM-SHA-256'])('logs in with %s, produces and consumes', async (mechanism) => {
    const topic = uniqueTopic(`a-kcat-${mechanism.toLowerCase()}`);
    cluster().createTopic({ name: topic });
    const sasl = ['-b', cluster().bootstrapServers.join(','), '-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret'];
    await run(kcat, [...sasl, '-P', '-t', topic], { input: 'one\ntwo\n' });
    // alice may write a- topics but not read them: the TA reads them back.
    const taSasl = sasl.map((arg) => arg.replace('alice-secret', 'ta-secret').replace('=alice', '=ta'));
    const consumed = await run(kcat, [...taSasl, '-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
    expect(consumed.stdout.split('\n').filter(Boolean)).toEqual(['one', 'two']);
    const denied = await run(kcat, [...sasl, '-C', '-t', topic, '-o', 'beginning', '-e', '-q']).catch((e: Error) => e.message);
    expect(denied).toMatch(/authoriz/i);
  });
});
