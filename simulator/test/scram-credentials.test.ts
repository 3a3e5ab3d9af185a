// SCRAM credentials per mechanism, as Kafka stores them: a user may have SCRAM-SHA-256 and not
// SCRAM-SHA-512, each credential with its own salt, iteration count and password; credentials
// change while the cluster runs, and a data dir keeps those changes across a restart. Logins go
// through kafkajs and kafka-python; the salt and iterations a server-first message carries are
// read over a bare socket.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SASLOptions } from 'kafkajs';
import { Cluster, startCluster, type ClusterHandle, type SaslUser } from '../index.ts';
import { RawConnection } from '../net/raw-connection.ts';
import { credentialFromSaltedPassword, saltedPassword, UserStore } from '../security/users.ts';
import { tryLogin, uniqueTopic } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';

const USERS: SaslUser[] = [
  { name: 'ta', password: 'ta-secret' },
  // Only SCRAM-SHA-256, with more iterations than the default.
  { name: 'carol', scram: { 'SCRAM-SHA-256': { password: 'carol-256', iterations: 8192 } } },
  // A password for PLAIN and SCRAM-SHA-256, and another one for SCRAM-SHA-512.
  { name: 'dave', password: 'dave-secret', scram: { 'SCRAM-SHA-512': { password: 'dave-512' } } },
];

const started: ClusterHandle[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function classCluster(dataDir?: string): Promise<Cluster> {
  const cluster = new Cluster({ brokers: 1, users: USERS, superUsers: ['ta', 'carol', 'dave', 'erin'], dataDir });
  await cluster.start();
  started.push(cluster);
  return cluster;
}

type Mechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

const login = (cluster: ClusterHandle, mechanism: Mechanism, username: string, password: string) => tryLogin(cluster.bootstrapServers, { mechanism, username, password } as SASLOptions);

/** The salt and iterations the broker's server-first message offers a user for a mechanism. */
async function serverFirst(cluster: ClusterHandle, mechanism: string, user: string): Promise<{ salt: string; iterations: number } | { errorCode: number }> {
  const connection = await RawConnection.open(cluster.bootstrapServers[0]);
  try {
    await connection.call(17, 1, { mechanism });
    const answer = (await connection.call(36, 1, { authBytes: Buffer.from(`n,,n=${user},r=abcdefghijklmnop`) }))!;
    if (answer.errorCode !== 0) return { errorCode: answer.errorCode as number };
    const fields = Object.fromEntries((answer.authBytes as Buffer).toString().split(',').map((f) => [f[0], f.slice(2)]));
    return { salt: fields.s, iterations: Number(fields.i) };
  } finally {
    connection.destroy();
  }
}

describe('SCRAM credentials per mechanism', () => {
  it('log a user in only with the mechanisms they have, each with its own password', async () => {
    const cluster = await classCluster();
    expect(await login(cluster, 'scram-sha-256', 'carol', 'carol-256')).toBe('logged in');
    expect(await login(cluster, 'scram-sha-512', 'carol', 'carol-256')).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(await login(cluster, 'plain', 'carol', 'carol-256')).toMatch(/SASL PLAIN authentication failed/);
    expect(await login(cluster, 'plain', 'dave', 'dave-secret')).toBe('logged in');
    expect(await login(cluster, 'scram-sha-256', 'dave', 'dave-secret')).toBe('logged in');
    expect(await login(cluster, 'scram-sha-512', 'dave', 'dave-secret')).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(await login(cluster, 'scram-sha-512', 'dave', 'dave-512')).toBe('logged in');
  });

  it('have their own salts and iteration counts', async () => {
    const cluster = await classCluster();
    const carol = await serverFirst(cluster, 'SCRAM-SHA-256', 'carol');
    const dave256 = await serverFirst(cluster, 'SCRAM-SHA-256', 'dave');
    const dave512 = await serverFirst(cluster, 'SCRAM-SHA-512', 'dave');
    expect(carol).toMatchObject({ iterations: 8192 });
    expect(dave256).toMatchObject({ iterations: 4096 });
    expect(dave512).toMatchObject({ iterations: 4096 });
    const salts = [carol, dave256, dave512].map((c) => ('salt' in c ? c.salt : ''));
    expect(new Set(salts).size).toBe(3);
    // No SCRAM-SHA-512 credential for carol: the generic SASL failure (SASL_AUTHENTICATION_FAILED).
    expect(await serverFirst(cluster, 'SCRAM-SHA-512', 'carol')).toEqual({ errorCode: 58 });
  });

  it('change while the cluster runs, and a data dir keeps the changes across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-scram-'));
    dirs.push(dataDir);
    let cluster = await classCluster(dataDir);
    const users = cluster.security.users;
    const salt = Buffer.from('erin-salt-0123456789');
    users.upsertScram('erin', 'SCRAM-SHA-512', credentialFromSaltedPassword('SCRAM-SHA-512', saltedPassword('SCRAM-SHA-512', 'erin-512', salt, 5000), salt, 5000));
    expect(users.deleteScram('carol', 'SCRAM-SHA-256')).toBe(true);
    expect(users.deleteScram('carol', 'SCRAM-SHA-256')).toBe(false);
    expect(await login(cluster, 'scram-sha-512', 'erin', 'erin-512')).toBe('logged in');
    expect(await login(cluster, 'scram-sha-256', 'carol', 'carol-256')).toMatch(/authentication failed/);
    expect(users.scramCredentialInfo('erin')).toEqual([{ mechanism: 'SCRAM-SHA-512', iterations: 5000 }]);
    expect(users.scramCredentialInfo('carol')).toEqual([]);

    await cluster.stop();
    cluster = await classCluster(dataDir);
    expect(await login(cluster, 'scram-sha-512', 'erin', 'erin-512')).toBe('logged in');
    expect(await serverFirst(cluster, 'SCRAM-SHA-512', 'erin')).toEqual({ salt: salt.toString('base64'), iterations: 5000 });
    expect(await login(cluster, 'scram-sha-256', 'carol', 'carol-256')).toMatch(/authentication failed/);
    expect(cluster.security.users.scramUsers.sort()).toEqual(['dave', 'erin', 'ta']);
  });

  it.each([
    [{ name: 'x', scram: { 'SCRAM-SHA-1': { password: 'p' } } }, 'user "x": unknown SCRAM mechanism SCRAM-SHA-1 (known: SCRAM-SHA-256, SCRAM-SHA-512)'],
    [{ name: 'x', scram: { 'SCRAM-SHA-256': { password: 'p', iterations: 4095 } } }, 'user "x": SCRAM-SHA-256 iterations must be a whole number from 4096 to 16384, as Kafka accepts, not 4095'],
    [{ name: 'x', scram: { 'SCRAM-SHA-512': { password: '' } } }, 'user "x": SCRAM-SHA-512 needs a non-empty password'],
    [{ name: 'x', mechanisms: ['PLAIN'] }, 'user "x": mechanisms PLAIN need a password'],
    [{ name: 'x' }, 'user "x" needs a password, or a SCRAM credential in scram'],
  ])('refuse a user %o', async (user, message) => {
    expect(() => new UserStore([user as SaslUser])).toThrow(message);
    await expect(startCluster({ brokers: 1, users: [user as SaslUser] })).rejects.toThrow(message);
  });
});

const python = findKafkaPython();
describeWithClient(python, 'SCRAM credentials per mechanism through kafka-python', (pythonCommand) => {
  const env = { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' };
  /** Runs admin_steps.py's steps logged in as `login` ("user:password", or "-" for none); one JSON line per step. */
  const scramSteps = async (cluster: ClusterHandle, login: string, steps: object[]) =>
    jsonLines((await run(pythonCommand, [`${CLIENT_SCRIPTS}admin_steps.py`, cluster.bootstrapServers.join(','), login, JSON.stringify(steps)], { env })).stdout);

  it('adds, replaces and deletes credentials per mechanism with alter_user_scram_credentials; describe_user_scram_credentials shows mechanisms and iterations', async () => {
    const cluster = await classCluster();
    const ta = 'ta:ta-secret';
    expect(await scramSteps(cluster, ta, [{ op: 'describe_user_scram_credentials', users: ['carol', 'dave'] }])).toEqual([
      {
        op: 'describe_user_scram_credentials',
        result: {
          carol: { error: null, credentials: [['SCRAM_SHA_256', 8192]] },
          dave: { error: null, credentials: [['SCRAM_SHA_256', 4096], ['SCRAM_SHA_512', 4096]] },
        },
      },
    ]);
    const steps = await scramSteps(cluster, ta, [
      { op: 'alter_user_scram_credentials', alterations: [{ upsert: 'erin', mechanism: 'SCRAM-SHA-512', password: 'erin-512', iterations: 10_000 }, { delete: 'dave', mechanism: 'SCRAM-SHA-256' }, { upsert: 'carol', mechanism: 'SCRAM-SHA-256', password: 'carol-new' }] },
      { op: 'alter_user_scram_credentials', alterations: [{ upsert: 'x', mechanism: 'SCRAM-SHA-256', password: 'p', iterations: 4095 }, { upsert: 'y', mechanism: 'SCRAM-SHA-256', password: 'p', iterations: 16_385 }, { delete: 'erin', mechanism: 'SCRAM-SHA-256' }] },
      { op: 'describe_user_scram_credentials', users: null },
    ]);
    expect(steps).toEqual([
      { op: 'alter_user_scram_credentials', result: { erin: null, dave: null, carol: null } },
      { op: 'alter_user_scram_credentials', result: { x: 'Too few iterations', y: 'Too many iterations', erin: 'Attempt to delete a user credential that does not exist' } },
      {
        op: 'describe_user_scram_credentials',
        result: {
          ta: { error: null, credentials: [['SCRAM_SHA_256', 4096], ['SCRAM_SHA_512', 4096]] },
          carol: { error: null, credentials: [['SCRAM_SHA_256', 4096]] },
          dave: { error: null, credentials: [['SCRAM_SHA_512', 4096]] },
          erin: { error: null, credentials: [['SCRAM_SHA_512', 10_000]] },
        },
      },
    ]);
    expect(await login(cluster, 'scram-sha-512', 'erin', 'erin-512')).toBe('logged in');
    expect(await login(cluster, 'scram-sha-256', 'carol', 'carol-new')).toBe('logged in');
    expect(await login(cluster, 'scram-sha-256', 'carol', 'carol-256')).toMatch(/authentication failed/);
    expect(await login(cluster, 'scram-sha-256', 'dave', 'dave-secret')).toMatch(/authentication failed/);
    // PLAIN passwords are not SCRAM credentials: dave keeps his.
    expect(await login(cluster, 'plain', 'dave', 'dave-secret')).toBe('logged in');
  }, 60_000);

  it('refuses a user without ALTER or DESCRIBE on the cluster', async () => {
    const cluster = new Cluster({ brokers: 1, users: [...USERS, { name: 'student', password: 'student-secret' }], superUsers: ['ta'] });
    await cluster.start();
    started.push(cluster);
    expect(await scramSteps(cluster, 'student:student-secret', [{ op: 'alter_user_scram_credentials', alterations: [{ upsert: 'student', mechanism: 'SCRAM-SHA-512', password: 'mine' }] }, { op: 'describe_user_scram_credentials', users: null }])).toEqual([
      { op: 'alter_user_scram_credentials', result: { student: 'Request AlterUserScramCredentials from User:student is not authorized.' } },
      { op: 'describe_user_scram_credentials', error: 'ClusterAuthorizationFailedError', message: expect.stringContaining('Request DescribeUserScramCredentials from User:student is not authorized.') },
    ]);
    expect(cluster.security.users.scramCredentialInfo('student').map((c) => c.mechanism)).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
  }, 60_000);

  it('keeps credentials on a PLAINTEXT cluster, as Kafka keeps them in its metadata, and refuses an unknown mechanism on the wire', async () => {
    const cluster = await startCluster({ brokers: 1 });
    started.push(cluster);
    expect(await scramSteps(cluster, '-', [{ op: 'alter_user_scram_credentials', alterations: [{ upsert: 'later', mechanism: 'SCRAM-SHA-256', password: 'p' }] }, { op: 'describe_user_scram_credentials', users: null }])).toEqual([
      { op: 'alter_user_scram_credentials', result: { later: null } },
      { op: 'describe_user_scram_credentials', result: { later: { error: null, credentials: [['SCRAM_SHA_256', 4096]] } } },
    ]);
    const connection = await RawConnection.open(cluster.bootstrapServers[0]);
    try {
      const answer = await connection.call(51, 0, { deletions: [{ name: 'later', mechanism: 0 }], upsertions: [{ name: 'other', mechanism: 3, iterations: 4096, salt: Buffer.from('s'), saltedPassword: Buffer.alloc(32) }] });
      expect(answer).toMatchObject({
        results: [
          { user: 'later', errorCode: 33, errorMessage: 'Unknown SCRAM mechanism' },
          { user: 'other', errorCode: 33, errorMessage: 'Unknown SCRAM mechanism' },
        ],
      });
    } finally {
      connection.destroy();
    }
  }, 60_000);

  // kafkajs above shows the wrong password refused; kafka-python only retries its bootstrap until it times out.
  it("logs kafka-python in with a user's own SCRAM-SHA-512 password, and with the SCRAM-SHA-256 one", async () => {
    const cluster = await classCluster();
    const roundTrip = async (mechanism: string, password: string) => {
      const topic = uniqueTopic('py-scram');
      cluster.createTopic({ name: topic });
      return run(pythonCommand, [`${CLIENT_SCRIPTS}sasl_roundtrip.py`, cluster.bootstrapServers.join(','), topic, mechanism, 'dave', password, '2'], {
        env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
      }).then(({ stdout }) => jsonLines(stdout).filter((line) => 'sent' in line).length);
    };
    expect(await roundTrip('SCRAM-SHA-512', 'dave-512')).toBe(2);
    expect(await roundTrip('SCRAM-SHA-256', 'dave-secret')).toBe(2);
  }, 60_000);
});
