// The same server on real Apache Kafka (the real-jvm provider, one KRaft node, SASL and ACLs):
// one smoke run. The server logs in as the TA super user, creates the topics, grants a group its
// ACLs and produces transactions; the group, logged in as itself, submits through Kafka's own
// transaction coordinator and ACLs, and reads its verdicts — 200, 403 and 409 as on the simulator.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { realJvm, type RunningBrokers } from '../../providers/index.ts';
import { describeWithRealKafka } from '../../test/support/real-kafka.ts';
import { CODES } from '../codes.ts';
import { initAssignment } from '../init.ts';
import { encodeSubmission } from '../schemas.ts';
import { startAssignmentServer, type AssignmentServer } from '../server.ts';
import { genSignature } from '../signature.ts';
import type { AssignmentConfig } from '../state.ts';
import { firstTransactions, quietKafka, readResults, tempDir, until } from './support/class.ts';

describeWithRealKafka('the assignment server on Apache Kafka', () => {
  const state = {} as { running: RunningBrokers; server: AssignmentServer; config: AssignmentConfig };
  beforeAll(async () => {
    const dir = tempDir('real-kafka-assignment');
    state.config = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\n', sasl: true, seed: 'real-kafka', ratePerSecond: 20 }).config;
    const users = [state.config.sasl!.ta, ...state.config.groups.map((g) => g.login!)].map((u) => ({ name: u.username, password: u.password }));
    state.running = await realJvm.start({ brokers: 1, sasl: { users, superUsers: [state.config.sasl!.ta.username] } });
    state.server = await startAssignmentServer({ dir, bootstrapServers: state.running.bootstrapServers });
  }, 180_000);
  afterAll(async () => {
    await state.server?.stop();
    await state.running?.stop();
  }, 60_000);

  it('judges a group\'s submissions through Kafka\'s transactions and ACLs, as on the simulator', async () => {
    await until(() => state.server.scoreboard().transactions.produced >= 3, 'transactions produced', 60_000);
    const [alpha, beta] = state.config.groups;
    const [tx, other] = firstTransactions(state.config, 2);
    const kafka = quietKafka(state.running.bootstrapServers, { sasl: { mechanism: 'scram-sha-256', username: alpha.login!.username, password: alpha.login!.password } });
    const producer = kafka.producer();
    await producer.connect();
    const sign = (vid: string, t = tx, token = alpha.token) => ({ value: encodeSubmission({ vid, txid: t.txid, signature: genSignature(t, token) }) });
    await producer.send({ topic: 'submit', messages: [sign(alpha.vid), sign(alpha.vid), sign(beta.vid, other)] });
    await expect(producer.send({ topic: 'result', messages: [{ value: 'forged' }] })).rejects.toThrow(/authoriz/i);
    await producer.disconnect();
    const results = await readResults(kafka, 'result', 3, 60_000);
    expect(results.map((r) => [r.vid, r.code])).toEqual([
      [alpha.vid, CODES.ACCEPTED],
      [alpha.vid, CODES.DUPLICATE],
      [beta.vid, CODES.BAD_SIGNATURE],
    ]);
    const board = state.server.scoreboard();
    expect(board.groups.map((g) => ({ vid: g.vid, accepted: g.accepted, refused: g.refused }))).toEqual([
      { vid: alpha.vid, accepted: 1, refused: { [CODES.DUPLICATE]: 1 } },
      { vid: beta.vid, accepted: 0, refused: { [CODES.BAD_SIGNATURE]: 1 } },
    ]);
  }, 120_000);
});
