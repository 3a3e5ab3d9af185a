// The transaction-verifier lab beyond its solutions: the gen_signature students are given (both
// languages) signs as the server checks, byte for byte (the shared test vectors); the exactly-once
// step fails a naive verifier that submits twice after its crash; and the practice server leaves a
// TA's handout in verifier.json alone.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type ClusterHandle } from '../../simulator/index.ts';
import { eventually } from '../../simulator/test/support/cluster.ts';
import { describeWithClient } from '../../simulator/test/support/external-clients.ts';
import { findPython, run } from '../../simulator/testkit/external-clients.ts';
import vectors from '../../grader/assignment/test/signature-vectors.json' with { type: 'json' };
import { openCheckContext, runStep, type OpenContext } from '../engine/check-runner.ts';
import { startLabServices, type LabServices } from '../engine/lab-services.ts';
import { findLab } from '../engine/load.ts';
import { genSignature } from '../content/transaction-verifier/starter/typescript/gen-signature.ts';
import { runStepSolution, workspaceFor } from './support/student.ts';

const lab = findLab('transaction-verifier');
const python = findPython(['kafka', 'fastavro']);

describe('the gen_signature students are given', () => {
  it('in TypeScript, signs every shared test vector as the server does', () => {
    for (const v of vectors) expect(genSignature(v.transaction, v.token)).toBe(v.signature);
  });
});

describeWithClient(python, 'gen_signature in Python', (pythonCommand) => {
  it('signs every shared test vector as the server does', async () => {
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(path.join(lab.dir, 'starter', 'python'))})`,
      'from gen_signature import gen_signature',
      'for v in json.load(sys.stdin):',
      "    t = v['transaction']",
      "    print(gen_signature(t['txid'], t['payer'], t['payee'], t['amount'], v['token']))",
    ].join('\n');
    const result = await run(pythonCommand, ['-c', script], { input: JSON.stringify(vectors) });
    expect(result.stdout.trim().split('\n')).toEqual(vectors.map((v) => v.signature));
  });
});

describe('the transaction-verifier lab', { timeout: 120_000 }, () => {
  const state = {} as { cluster: ClusterHandle; services: LabServices; workspaceDir: string; context: OpenContext; bootstrap: string };
  beforeAll(async () => {
    state.cluster = await startCluster({ brokers: 1, groupInitialRebalanceDelayMs: 0 });
    state.bootstrap = state.cluster.bootstrapServers.join(',');
    state.workspaceDir = await workspaceFor([lab], { bootstrap: state.bootstrap, solved: true });
    state.services = await startLabServices(lab, { bootstrapServers: state.cluster.bootstrapServers, workspaceDir: state.workspaceDir });
    state.context = openCheckContext({ bootstrapServers: state.cluster.bootstrapServers, workspaceDir: state.workspaceDir });
  });
  afterAll(async () => {
    await state.context?.close();
    await state.services?.stop();
    await state.cluster?.stop();
  });

  it('fails the exactly-once step for a verifier that commits after it submits: its crash makes it submit twice', async () => {
    // The naive way: submit, then commit the consumer's offset; killed between the two. It dies only
    // on a partition it has committed on already: killed on the first record of a partition, it
    // would restart from the latest offset there (kafkajs's default with no commit) and skip the
    // record instead of submitting it twice, which the check fails as well, for another reason. It
    // reads its partitions side by side, so that the restart's 30 records take in the first record
    // of each, the one left uncommitted among them (one at a time, a loaded machine's batches can
    // fill the 30 from two partitions). The crash may also catch another partition between its
    // submit and its commit: one to three transactions are submitted twice.
    const naive = `
import { Partitioners } from 'kafkajs';
import { args, crashPoint } from './crash.ts';
import { genSignature } from './gen-signature.ts';
import { handout, kafka, submitType, transactionType, type Transaction } from './handout.ts';
const count = args[0] ? Number(args[0]) : Infinity;
const client = kafka('naive-verifier');
const consumer = client.consumer({ groupId: handout.consumerGroup, sessionTimeout: 6000, heartbeatInterval: 1000 });
const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
let verified = 0;
const committedOn = new Set<number>();
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [handout.topics.transaction], fromBeginning: false });
await consumer.run({
  autoCommit: false,
  partitionsConsumedConcurrently: 3,
  eachMessage: async ({ topic, partition, message }) => {
    if (verified >= count) return;
    const tx = transactionType.fromBuffer(message.value!) as Transaction;
    await producer.send({ topic: handout.topics.submit, messages: [{ value: submitType.toBuffer({ vid: handout.vid, txid: tx.txid, signature: genSignature(tx, handout.token) }) }] });
    if (committedOn.has(partition)) crashPoint();
    await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
    committedOn.add(partition);
    if (++verified >= count) finish();
  },
});
await finished;
await consumer.disconnect();
await producer.disconnect();
`;
    const [, , , verifier] = lab.steps;
    fs.writeFileSync(path.join(state.workspaceDir, lab.id, 'typescript', 'verifier.ts'), naive);
    await runStepSolution(lab, verifier, { workspaceDir: state.workspaceDir, language: 'typescript', bootstrap: state.bootstrap });
    // The practice server judges the restarted verifier's resubmission a moment after the program
    // ends: until then the check may see the commit still missing instead.
    let seen = 'nothing yet';
    const result = await eventually(async () => {
      const now = await runStep(verifier, state.context);
      seen = `${now.results[0].summary} (saw ${now.results[0].saw ?? '-'})`;
      return /submitted again/.test(now.results[0].summary) ? now : undefined;
    }, 'the check to find the transaction submitted twice', 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; the check's last answer: ${seen}`);
    });
    expect(result.passed).toBe(false);
    expect(result.results[0].status).toBe('fail');
    expect(result.results[0].summary).toMatch(/^(1 transaction|[23] transactions) submitted again after being accepted$/);
    expect(result.results[0].saw).toMatch(/^409 for tx-[0-9a-f]{12}(, tx-[0-9a-f]{12}){0,2}$/);
  });

  it('leaves a TA\'s handout in verifier.json alone, and says so', async () => {
    const handout = path.join(state.workspaceDir, 'verifier.json');
    const theTas = { assignment: 'class2026', vid: 'v017', token: 'the-tas-token' };
    fs.writeFileSync(handout, JSON.stringify(theTas));
    await state.services.stop();
    state.services = await startLabServices(lab, { bootstrapServers: state.cluster.bootstrapServers, workspaceDir: state.workspaceDir });
    expect(JSON.parse(fs.readFileSync(handout, 'utf8'))).toEqual(theTas);
    expect(state.services.notes).toContain('verifier.json is the handout of assignment class2026: your programs talk to that server, not to this lab\'s practice one.');
  });
});
