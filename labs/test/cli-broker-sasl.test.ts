// `kafka-lab broker --users FILE --super-users NAMES`: a cluster that requires SASL login and
// enforces ACLs, run as the real command, with real clients.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { tryLogin } from '../../simulator/test/support/cluster.ts';
import { fetchMessages } from '../../simulator/test/support/kafkajs-fetch.ts';
import { runCli } from './support/cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-users-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
const usersFile = (content: string) => {
  const file = path.join(dir, `users-${++files}`);
  fs.writeFileSync(file, content);
  return file;
};

const kafkaAt = (brokers: string[], sasl?: { mechanism: string; username: string; password: string }) =>
  new Kafka({ brokers, clientId: 'cli-sasl-test', logLevel: logLevel.NOTHING, retry: { retries: 1, initialRetryTime: 50 }, sasl: sasl as SASLOptions | undefined });

/** Sends values; null when they were accepted, else the error message. */
async function produce(kafka: Kafka, topic: string, values: string[]): Promise<string | null> {
  const producer = kafka.producer();
  try {
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await producer.disconnect();
  }
}

describe('kafka-lab broker --users', () => {
  it('requires login as a user from a name:password file, and lets the super user do anything while others need ACLs', async () => {
    const file = usersFile('# course users\nta:ta:secret\n\nalice:alice-secret\n');
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--users', file, '--super-users', 'ta']);
    const brokers = await cli.bootstrap();
    await expect.poll(() => cli.stderr.join('\n')).toMatch(/SASL_PLAINTEXT with 2 users and ACLs/);

    // The password is everything after the first colon.
    const ta = kafkaAt(brokers, { mechanism: 'scram-sha-256', username: 'ta', password: 'ta:secret' });
    expect(await produce(ta, 'homework', ['one', 'two'])).toBeNull();
    expect((await fetchMessages(ta, 'homework', 0, { count: 2 })).map((m) => m.value?.toString())).toEqual(['one', 'two']);

    const alice = kafkaAt(brokers, { mechanism: 'plain', username: 'alice', password: 'alice-secret' });
    // kafkajs's words for TOPIC_AUTHORIZATION_FAILED: alice has no ACL on the topic.
    expect(await produce(alice, 'homework', ['sneaky'])).toBe('Not authorized to access topics: [Topic authorization failed]');

    const anonymous = kafkaAt(brokers).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect();

    cli.kill('SIGINT');
    expect((await cli.exit()).code).toBe(0);
  });

  it('takes a JSON array of users, and enables only the mechanisms they list', async () => {
    const file = usersFile(JSON.stringify([{ name: 'ta', password: 'pw', mechanisms: ['SCRAM-SHA-512'] }]));
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--users', file, '--super-users', 'User:ta']);
    const brokers = await cli.bootstrap();
    expect(await produce(kafkaAt(brokers, { mechanism: 'scram-sha-512', username: 'ta', password: 'pw' }), 'json-users', ['x'])).toBeNull();
    const plain = kafkaAt(brokers, { mechanism: 'plain', username: 'ta', password: 'pw' }).admin();
    // kafkajs's words for UNSUPPORTED_SASL_MECHANISM.
    await expect(plain.connect()).rejects.toThrow('The broker does not support the requested SASL mechanism');
  });

  it('takes SCRAM credentials per mechanism: a password and iterations of their own, or none for a mechanism', async () => {
    const file = usersFile(
      JSON.stringify([
        { name: 'ta', password: 'pw' },
        { name: 'carol', scram: { 'SCRAM-SHA-256': { password: 'carol-256', iterations: 8192 }, 'SCRAM-SHA-512': { password: 'carol-512' } } },
        { name: 'dave', scram: { 'SCRAM-SHA-512': { password: 'dave-512' } } },
      ]),
    );
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--users', file, '--super-users', 'ta,carol,dave']);
    const brokers = await cli.bootstrap();
    const login = (mechanism: string, username: string, password: string) => tryLogin(brokers, { mechanism, username, password } as SASLOptions);
    expect(await login('scram-sha-256', 'carol', 'carol-256')).toBe('logged in');
    expect(await login('scram-sha-512', 'carol', 'carol-512')).toBe('logged in');
    expect(await login('scram-sha-512', 'carol', 'carol-256')).toMatch(/SASL SCRAM SHA512 authentication failed/);
    expect(await login('scram-sha-512', 'dave', 'dave-512')).toBe('logged in');
    expect(await login('scram-sha-256', 'dave', 'dave-512')).toMatch(/SASL SCRAM SHA256 authentication failed/);
    // Neither has a PLAIN password.
    expect(await login('plain', 'carol', 'carol-256')).toMatch(/SASL PLAIN authentication failed/);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'no-such-file'), /Cannot read .*no-such-file: ENOENT/],
    ['a line without a colon', () => usersFile('alice\n'), /line 1: expected name:password/],
    ['an empty password', () => usersFile('alice:\n'), /line 1: expected name:password/],
    ['no users at all', () => usersFile('# nobody yet\n'), /lists no users/],
    ['a user listed twice', () => usersFile('bob:1\nbob:2\n'), /lists user "bob" twice/],
    ['broken JSON', () => usersFile('[{"name": "bob",'), /is not valid JSON/],
    ['an unknown mechanism', () => usersFile('[{"name": "bob", "password": "pw", "mechanisms": ["GSSAPI"]}]'), /entry 1: user "bob": unknown SASL mechanism GSSAPI \(known: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512\)/],
    ['too few SCRAM iterations', () => usersFile('[{"name": "bob", "scram": {"SCRAM-SHA-256": {"password": "pw", "iterations": 1000}}}]'), /SCRAM-SHA-256 iterations must be a whole number from 4096 to 16384/],
    ['a user with no credential', () => usersFile('[{"name": "bob"}]'), /user "bob" needs a password, or a SCRAM credential in scram/],
  ])('rejects %s with a one-line error naming --users and exit code 1', async (_what, file, message) => {
    const cli = runCli(['broker', '--port', '0', '--users', file()]);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stdout).toEqual([]);
    const errors = cli.stderr.filter((l) => l.trim() !== '');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: .*--users/);
    expect(errors[0]).toMatch(message);
  });

  it('rejects --super-users without --users', async () => {
    const cli = runCli(['broker', '--port', '0', '--super-users', 'ta']);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stderr.filter((l) => l.trim() !== '')).toEqual(['error: --super-users needs --users: without users there is no login and no ACLs']);
  });

  it('explains --users, its file formats and --super-users in --help', async () => {
    const cli = runCli(['broker', '--help']);
    expect((await cli.exit()).code).toBe(0);
    const help = cli.stdout.join('\n');
    expect(help).toContain('--users <file>');
    expect(help).toContain('--super-users <names>');
    expect(help).toContain('name:password');
    expect(help).toContain('kafka-lab broker --users users.txt --super-users ta');
  });
});
