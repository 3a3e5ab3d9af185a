// A whole class against the assignment server on the embedded cluster: 20 groups, each with its own
// kafkajs producer — most verify correctly, others sign with the wrong token, submit twice, send
// garbage, make up txids, forge another group's vid, name a vid that does not exist, never submit,
// or abort a transaction — and the scoreboard, the result topic and every export format must come
// out exactly as those behaviours say.

import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchForCrashes } from '../../../simulator/test/support/crash-watch.ts';
import { CODES } from '../codes.ts';
import { exportAssignment } from '../export.ts';
import { initAssignment } from '../init.ts';
import { transactionType } from '../schemas.ts';
import { ranked, type Scoreboard } from '../scoreboard.ts';
import { startAssignmentServer, type AssignmentServer } from '../server.ts';
import type { AssignmentConfig } from '../state.ts';
import { AssignmentStore } from '../store.ts';
import { verifyProof } from '../verify.ts';
import { expectedFor, firstTransactions, quietKafka, readResults, runGroup, tempDir, until, type Behaviour, type Expected } from './support/class.ts';

watchForCrashes();

const TRANSACTIONS = 60;
const BEHAVIOURS: Behaviour[] = [
  ...Array.from({ length: 8 }, (): Behaviour => ({ kind: 'correct' })),
  { kind: 'careless', everyNth: 4 },
  { kind: 'careless', everyNth: 6 },
  { kind: 'duplicates', again: 10 },
  { kind: 'duplicates', again: 3 },
  { kind: 'malformed', correct: 20, garbage: 15 },
  { kind: 'unknown-txid', correct: 10, madeUp: 5 },
  { kind: 'forger', victim: 'v001', forged: 10, own: 10 },
  { kind: 'unknown-vid', correct: 30, strangers: 5 },
  { kind: 'silent' },
  { kind: 'wrong-token' },
  { kind: 'correct', count: 30 },
  { kind: 'transactional', committed: 20, aborted: 10 },
];

const GROUPS_CSV = ['group,members', ...BEHAVIOURS.map((b, i) => `Group ${String(i + 1).padStart(2, '0')} (${b.kind}),student${2 * i}@chula.example;Student ${2 * i + 1} <student${2 * i + 1}@chula.example>`)].join('\n');

describe('a class of 20 groups', () => {
  const state = {} as { dir: string; config: AssignmentConfig; server: AssignmentServer; board: Scoreboard; total: number };

  beforeAll(async () => {
    state.dir = tempDir('class');
    initAssignment(state.dir, { groupsCsv: GROUPS_CSV, seed: 'class-of-20', ratePerSecond: 200, rateLimit: { perSecond: 1000, burst: 1000 } });
    state.server = await startAssignmentServer({ dir: state.dir });
    state.config = state.server.config;
    await until(() => state.server.scoreboard().transactions.produced >= TRANSACTIONS, `${TRANSACTIONS} transactions produced`);
  });
  afterAll(async () => {
    await state.server?.stop();
  });

  it('produces the seeded transactions to the topic, in Avro of transaction.avsc', async () => {
    const kafka = quietKafka(state.server.bootstrapServers);
    const consumer = kafka.consumer({ groupId: 'v001-reader', maxWaitTimeInMs: 100 });
    const seen = new Map<string, unknown>();
    await consumer.connect();
    await consumer.subscribe({ topics: ['transaction'], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.set(message.key!.toString(), transactionType.fromBuffer(message.value!)) });
    const expected = firstTransactions(state.config, TRANSACTIONS);
    await until(() => expected.every((tx) => seen.has(tx.txid)), 'the first transactions read back');
    await consumer.disconnect();
    for (const tx of expected) expect({ ...(seen.get(tx.txid) as object) }).toEqual(tx);

    // The topics it made: submit stamped with the broker's clock, everything kept for 30 days.
    const admin = kafka.admin();
    await admin.connect();
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: ['transaction', 'submit', 'result'].map((name) => ({ type: 2, name, configNames: ['retention.ms', 'message.timestamp.type'] })) });
    await admin.disconnect();
    const configs = Object.fromEntries(resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]));
    expect(configs).toEqual({
      transaction: { 'retention.ms': '2592000000', 'message.timestamp.type': 'CreateTime' },
      submit: { 'retention.ms': '2592000000', 'message.timestamp.type': 'LogAppendTime' },
      result: { 'retention.ms': '2592000000', 'message.timestamp.type': 'CreateTime' },
    });
  });

  it('ends with the exact scoreboard the behaviours make', async () => {
    const { config, server } = state;
    const transactions = firstTransactions(config, TRANSACTIONS);
    const kafka = quietKafka(server.bootstrapServers);
    await Promise.all(config.groups.map((group, i) => runGroup(kafka, group, BEHAVIOURS[i], transactions, config.groups)));

    const expected = new Map<string, Expected>(config.groups.map((g, i) => [g.vid, expectedFor(BEHAVIOURS[i], TRANSACTIONS)]));
    // The forger's ten submissions under v001's vid count against v001: 403, bad signature.
    const victim = expected.get('v001')!;
    expected.set('v001', { ...victim, submitted: victim.submitted + 10, refused: { [CODES.BAD_SIGNATURE]: 10 } });
    const unattributed = { submitted: 20, refused: { [CODES.MALFORMED]: 15, [CODES.UNKNOWN_VID]: 5 } };
    state.total = [...expected.values()].reduce((sum, e) => sum + e.submitted, 0) + unattributed.submitted;

    state.board = await until(() => {
      const board = server.scoreboard();
      const judged = board.groups.reduce((sum, g) => sum + g.submitted, 0) + board.unattributed.submitted;
      return judged >= state.total && board.server?.lag === 0 ? board : null;
    }, `${state.total} submissions judged and the lag at 0`);
    expect(Object.fromEntries(state.board.groups.map((g) => [g.vid, { submitted: g.submitted, accepted: g.accepted, refused: g.refused }]))).toEqual(Object.fromEntries(expected));
    expect({ submitted: state.board.unattributed.submitted, refused: state.board.unattributed.refused }).toEqual(unattributed);
    for (const g of state.board.groups) {
      if (g.accepted > 0) expect(g.firstSuccess).toBeGreaterThan(0);
      if (g.submitted > 0) expect(g.lastSeen).toBeGreaterThan(0);
      else expect(g.lastSeen).toBeUndefined();
    }
  });

  it('answers every submission exactly once on result, each result with the code the scoreboard counted', async () => {
    const results = await readResults(quietKafka(state.server.bootstrapServers), 'result', state.total);
    expect(results).toHaveLength(state.total); // the aborted transaction's ten were never read
    expect(new Set(results.map((r) => r.submission)).size).toBe(state.total);
    const codes = new Map<string, Record<number, number>>();
    for (const r of results) {
      const key = state.config.groups.some((g) => g.vid === r.vid) ? r.vid : '';
      const counts = codes.get(key) ?? {};
      counts[r.code] = (counts[r.code] ?? 0) + 1;
      codes.set(key, counts);
    }
    for (const g of state.board.groups) {
      const counted = { ...g.refused, ...(g.accepted > 0 ? { [CODES.ACCEPTED]: g.accepted } : {}) };
      expect(codes.get(g.vid) ?? {}).toEqual(counted);
    }
    expect(codes.get('')).toEqual(state.board.unattributed.refused);
  });

  it('exports CSV, Gradescope and JSON with the same counts, and proofs that verify', () => {
    const store = AssignmentStore.open(`${state.dir}/store.sqlite`, { readOnly: true });
    try {
      const byVid = new Map(state.board.groups.map((g) => [g.vid, g]));
      const rows = parse(exportAssignment(state.config, store, { format: 'csv' }).text, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => r.vid)).toEqual(ranked(state.board.groups).map((g) => g.vid));
      for (const row of rows) {
        const g = byVid.get(row.vid)!;
        const refused = Object.values(g.refused).reduce((a, b) => a + b, 0);
        expect({ group: row.group, members: row.members, submitted: Number(row.submitted), accepted: Number(row.accepted), refused: Number(row.refused) }).toEqual({
          group: g.name,
          members: g.members.join('; '),
          submitted: g.submitted,
          accepted: g.accepted,
          refused,
        });
        if (g.accepted === 0) {
          expect([row.first_success, row.proof_txid, row.proof_checksum]).toEqual(['', '', '']);
          continue;
        }
        expect(row.first_success).toBe(new Date(g.firstSuccess!).toISOString());
        const line = `${row.proof_timestamp},${row.vid},${row.proof_txid},${row.proof_checksum}`;
        expect(verifyProof(state.config, store, line)).toMatchObject({ verdict: 'valid', group: g.name });
        const forged = `${row.proof_timestamp},${row.vid},${row.proof_txid},${'0'.repeat(64)}`;
        expect(verifyProof(state.config, store, forged).verdict).toBe('forged');
      }

      const gradescope = parse(exportAssignment(state.config, store, { format: 'gradescope' }).text, { columns: true }) as Record<string, string>[];
      expect(gradescope).toHaveLength(40);
      for (const row of gradescope) expect(Number(row.Score)).toBe(byVid.get(row.Vid)!.accepted);
      expect(gradescope.find((r) => r.Email === 'student1@chula.example')?.Name).toBe('Student 1');
      const capped = parse(exportAssignment(state.config, store, { format: 'gradescope', target: 25 }).text, { columns: true }) as Record<string, string>[];
      expect(Math.max(...capped.map((r) => Number(r.Score)))).toBe(25);

      const json = JSON.parse(exportAssignment(state.config, store, { format: 'json' }).text);
      for (const g of json.groups) {
        expect(g.proofs).toHaveLength(byVid.get(g.vid)!.accepted);
        for (const p of g.proofs.slice(0, 3)) expect(verifyProof(state.config, store, `${p.timestamp},${g.vid},${p.txid},${p.checksum}`).verdict).toBe('valid');
      }
    } finally {
      store.close();
    }
  });
});
