// A class on a password-protected broker: `kafka-lab broker --users <dir>/users.txt --super-users
// ta` (the users file init --sasl writes), the server logged in as the TA and granting each group
// its ACLs, private result topics. Through kafkajs logged in as group A: A verifies and reads its
// own results; A cannot read B's results, write results or transactions, use B's consumer group
// or transactional id, or create topics; and A submitting under B's vid is refused (403), on B's
// scoreboard line.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { CliProcess } from '../../../labs/test/support/cli.ts';
import { readPartition } from '../../../simulator/testkit/read-partition.ts';
import { CODES } from '../codes.ts';
import { initAssignment } from '../init.ts';
import { encodeSubmission, transactionType } from '../schemas.ts';
import { startAssignmentServer, type AssignmentServer } from '../server.ts';
import { genSignature, type Transaction } from '../signature.ts';
import type { AssignmentConfig, GroupState } from '../state.ts';
import { quietKafka, readResults, tempDir, until } from './support/class.ts';

describe('a SASL class with ACLs', { timeout: 120_000 }, () => {
  const state = {} as { dir: string; config: AssignmentConfig; broker: CliProcess; bootstrap: string; server: AssignmentServer };
  const as = (group: GroupState, password = group.login!.password): Kafka =>
    quietKafka([state.bootstrap], { sasl: { mechanism: 'scram-sha-256', username: group.login!.username, password }, retry: { retries: 1, initialRetryTime: 50 } });

  beforeAll(async () => {
    state.dir = tempDir('sasl-class');
    state.config = initAssignment(state.dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\n', sasl: true, privateResults: true, seed: 'sasl', ratePerSecond: 50 }).config;
    // Not runCli: that one kills its processes after each test, and this broker serves them all.
    state.broker = new CliProcess(['broker', '--brokers', '1', '--port', '0', '--users', path.join(state.dir, 'users.txt'), '--super-users', 'ta', '--group-initial-rebalance-delay-ms', '0']);
    [state.bootstrap] = await state.broker.bootstrap(90_000);
    state.server = await startAssignmentServer({ dir: state.dir, bootstrapServers: [state.bootstrap] });
    await until(() => state.server.scoreboard().transactions.produced >= 5, 'transactions produced');
  });
  afterAll(async () => {
    await state.server?.stop();
    state.broker?.kill('SIGTERM');
    await state.broker?.exit(20_000);
  });

  /** The first transaction of partition 0, read as `group` would. */
  async function firstTransaction(kafka: Kafka): Promise<Transaction> {
    const { messages } = await readPartition(kafka, 'transaction', 0, { limit: 1 });
    return transactionType.fromBuffer(messages[0].value!) as Transaction;
  }

  it('lets a group read transactions, submit, and read its own verdicts', async () => {
    const [alpha] = state.config.groups;
    const kafka = as(alpha);
    const tx = await firstTransaction(kafka);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'submit', messages: [{ value: encodeSubmission({ vid: alpha.vid, txid: tx.txid, signature: genSignature(tx, alpha.token) }) }] });
    await producer.disconnect();
    const [result] = await readResults(kafka, 'result-v001', 1);
    expect(result).toMatchObject({ vid: 'v001', txid: tx.txid, code: CODES.ACCEPTED });

    // Its own consumer group, as the handout names it.
    const consumer = kafka.consumer({ groupId: 'v001-verifier', maxWaitTimeInMs: 100 });
    let read = 0;
    await consumer.connect();
    await consumer.subscribe({ topics: ['transaction'], fromBeginning: true });
    await consumer.run({ eachMessage: async () => void read++ });
    await until(() => read > 0, 'v001-verifier reading transactions');
    await consumer.disconnect();
  });

  it('keeps group A out of what is B\'s or the server\'s', async () => {
    const [alpha, beta] = state.config.groups;
    const kafka = as(alpha);
    await expect(readPartition(kafka, 'result-v002', 0, { limit: 1 })).rejects.toThrow(/authoriz/i);
    await expect(readPartition(kafka, 'submit', 0, { limit: 1 })).rejects.toThrow(/authoriz/i);
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    for (const topic of ['result', 'result-v002', 'result-v001', 'transaction']) {
      await expect(producer.send({ topic, messages: [{ value: 'forged' }] }), `writing ${topic}`).rejects.toThrow(/authoriz/i);
    }
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    // Its own group answers; B's is refused (FindCoordinator's GROUP_AUTHORIZATION_FAILED, which
    // kafkajs reports as "Failed to find group coordinator").
    await expect(admin.fetchOffsets({ groupId: `${alpha.vid}-verifier`, topics: ['transaction'] })).resolves.toBeDefined();
    await expect(admin.fetchOffsets({ groupId: `${beta.vid}-verifier`, topics: ['transaction'] })).rejects.toThrow(/authoriz|group coordinator/i);
    await expect(admin.fetchOffsets({ groupId: 'anything-else', topics: ['transaction'] })).rejects.toThrow(/authoriz|group coordinator/i);
    await expect(admin.createTopics({ topics: [{ topic: 'alpha-own' }] })).rejects.toMatchObject({ errors: [{ type: 'TOPIC_AUTHORIZATION_FAILED' }] });
    await admin.disconnect();
    const stolen = kafka.producer({ transactionalId: `${beta.vid}-verifier`, idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    await stolen.connect();
    await expect(stolen.transaction()).rejects.toThrow(/authoriz|coordinator/i); // FindCoordinator refused, as above
    await stolen.disconnect().catch(() => {});
    const own = kafka.producer({ transactionalId: `${alpha.vid}-verifier`, idempotent: true, maxInFlightRequests: 1 });
    await own.connect();
    await (await own.transaction()).abort();
    await own.disconnect();
    await expect(as(alpha, 'wrong-password').admin().connect()).rejects.toThrow(/SASL|authentication/i);
  });

  it('refuses group A\'s submissions under B\'s vid (403), and counts them on B\'s line, where B sees them', async () => {
    const [alpha, beta] = state.config.groups;
    const kafka = as(alpha);
    const tx = await firstTransaction(kafka);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'submit', messages: [{ value: encodeSubmission({ vid: beta.vid, txid: tx.txid, signature: genSignature(tx, alpha.token) }) }] });
    await producer.disconnect();
    const [result] = await readResults(as(beta), 'result-v002', 1);
    expect(result).toMatchObject({ vid: 'v002', txid: tx.txid, code: CODES.BAD_SIGNATURE });
    const board = await until(() => {
      const b = state.server.scoreboard();
      return b.groups[1].submitted === 1 ? b : null;
    }, 'the forged submission on the scoreboard');
    expect(board.groups.map((g) => ({ vid: g.vid, accepted: g.accepted, refused: g.refused }))).toEqual([
      { vid: 'v001', accepted: 1, refused: {} },
      { vid: 'v002', accepted: 0, refused: { [CODES.BAD_SIGNATURE]: 1 } },
    ]);
  });
});
