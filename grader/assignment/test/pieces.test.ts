// The assignment's pieces on their own: groups.csv, the state dir init writes, gen_signature's
// canonical form, the generator, checksums and proof lines, the rate limiter, and every verdict
// code the verifier gives, each for the reason the docs say.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithClient } from '../../../simulator/test/support/external-clients.ts';
import { findPython, run } from '../../../simulator/testkit/external-clients.ts';
import { formatProofLine, parseProofLine, proofHolds, resultChecksum } from '../checksum.ts';
import { CODES } from '../codes.ts';
import { TransactionGenerator } from '../generator.ts';
import { GroupsFileError, parseGroupsCsv } from '../groups-csv.ts';
import { initAssignment } from '../init.ts';
import { RateLimiter } from '../rate-limiter.ts';
import { encodeSubmission, encodeTransaction } from '../schemas.ts';
import { canonicalTransaction, genSignature, signatureMatches } from '../signature.ts';
import { LOCK_FILE, lockStateDir, readConfig } from '../state.ts';
import { AssignmentStore } from '../store.ts';
import { MAX_SUBMISSION_BYTES, Verifier } from '../verifier.ts';
import vectors from './signature-vectors.json' with { type: 'json' };

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-lab-${prefix}-`));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('groups.csv', () => {
  it('reads a header, members in columns or separated by semicolons, names with addresses, comments and blank lines', () => {
    const groups = parseGroupsCsv(
      ['group,members', '# a comment', 'Alpha,Somchai K. <somchai@student.chula.ac.th>;nid@example.org', '', '"Beta, the second",Carol,Dave <dave@x.org>'].join('\n'),
    );
    expect(groups.map((g) => g.name)).toEqual(['Alpha', 'Beta, the second']);
    expect(groups[0].members).toEqual([
      { text: 'Somchai K. <somchai@student.chula.ac.th>', name: 'Somchai K.', email: 'somchai@student.chula.ac.th' },
      { text: 'nid@example.org', email: 'nid@example.org' },
    ]);
    expect(groups[1].members.map((m) => m.name)).toEqual(['Carol', 'Dave']);
  });

  it('names every problem with its line: no name, no members, a name twice', () => {
    const text = 'Alpha,a@x.org\n,b@x.org\nGamma\nalpha,c@x.org\n';
    expect(() => parseGroupsCsv(text, 'class.csv')).toThrow(GroupsFileError);
    try {
      parseGroupsCsv(text, 'class.csv');
    } catch (error) {
      expect((error as GroupsFileError).problems).toEqual([
        'line 2: the group has no name (the first column)',
        'line 3: group "Gamma" has no members (list them after the name, in columns or separated by ;)',
        'line 4: group "alpha" is already on line 1',
      ]);
    }
  });

  it('refuses an empty file and a broken quote, saying why', () => {
    expect(() => parseGroupsCsv('# nothing\n')).toThrow(/no groups/);
    expect(() => parseGroupsCsv('Alpha,"a@x.org\n')).toThrow(/groups\.csv: .*quote/i);
  });
});

describe('init', () => {
  it('gives every group a vid, a secret token and a handout; the files are the TA\'s alone', () => {
    const dir = path.join(tempDir('init'), 'class');
    const report = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\n', bootstrap: 'kafka.example.org:9092' });
    expect(report.added.map((g) => g.vid)).toEqual(['v001', 'v002']);
    const [alpha, beta] = report.config.groups;
    expect(alpha.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(alpha.token).not.toBe(beta.token);
    expect(report.config.secret).toMatch(/^[0-9a-f]{64}$/);
    const handout = JSON.parse(fs.readFileSync(path.join(dir, 'handouts', 'v001.json'), 'utf8'));
    expect(handout).toMatchObject({ vid: 'v001', token: alpha.token, bootstrap: 'kafka.example.org:9092', sasl: null, consumerGroup: 'v001-verifier', topics: { result: 'result' } });
    expect(fs.readFileSync(path.join(dir, 'handouts', 'v002.txt'), 'utf8')).toContain(`token      ${beta.token}`);
    for (const file of ['assignment.json', 'handouts/v001.json', 'handouts/v001.txt']) expect(fs.statSync(path.join(dir, file)).mode & 0o077).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'handouts', 'v001.txt'), 'utf8');
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]); // printable, pasteable in 80 columns
  });

  it('run again with more groups, adds them and keeps every token it handed out', () => {
    const dir = tempDir('reinit');
    const first = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\n' });
    const second = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\n' });
    expect(second.kept.map((g) => g.token)).toEqual([first.config.groups[0].token]);
    expect(second.added.map((g) => g.vid)).toEqual(['v002']);
    expect(readConfig(dir).secret).toBe(first.config.secret);
  });

  it('with --sasl, a user per group and a users file for kafka-lab broker --users; private results per group', () => {
    const dir = tempDir('sasl');
    const { config } = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\n', sasl: true, privateResults: true });
    expect(config.sasl?.ta.username).toBe('ta');
    const users = fs.readFileSync(path.join(dir, 'users.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(users).toEqual([`ta:${config.sasl!.ta.password}`, `v001:${config.groups[0].login!.password}`, `v002:${config.groups[1].login!.password}`]);
    const handout = JSON.parse(fs.readFileSync(path.join(dir, 'handouts', 'v002.json'), 'utf8'));
    expect(handout.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'v002', password: config.groups[1].login!.password });
    expect(handout.topics.result).toBe('result-v002');
  });

  it('lets one server use the dir at a time, and takes over from one that died', () => {
    const dir = tempDir('lock');
    initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\n' });
    const unlock = lockStateDir(dir);
    fs.writeFileSync(path.join(dir, LOCK_FILE), `${process.ppid}\n`); // a live process holds it
    expect(() => lockStateDir(dir)).toThrow(`another server (pid ${process.ppid}) is serving ${dir}`);
    fs.writeFileSync(path.join(dir, LOCK_FILE), '999999999\n'); // a pid that is gone
    const again = lockStateDir(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    again();
    unlock();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a folder that holds something else', () => {
    const dir = tempDir('busy');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    expect(() => initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\n' })).toThrow(/is not empty and holds no assignment\.json/);
  });
});

describe('gen_signature', () => {
  it('signs the canonical form: sorted keys, compact JSON, HMAC-SHA256 with the token, base64', () => {
    for (const vector of vectors) {
      expect(canonicalTransaction(vector.transaction)).toBe(vector.canonical);
      expect(genSignature(vector.transaction, vector.token)).toBe(vector.signature);
    }
  });

  it('accepts only the exact signature', () => {
    const [{ transaction, token, signature }] = vectors;
    expect(signatureMatches(transaction, token, signature)).toBe(true);
    expect(signatureMatches(transaction, `${token}x`, signature)).toBe(false);
    expect(signatureMatches({ ...transaction, amount: transaction.amount + 1 }, token, signature)).toBe(false);
    expect(signatureMatches(transaction, token, signature.slice(0, -2))).toBe(false);
  });
});

describeWithClient(findPython(['json']), 'the gen_signature a handout prints', (python) => {
  it('is Python that signs every shared test vector as the server does', async () => {
    const dir = tempDir('handout-python');
    const { config } = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\n' });
    const text = fs.readFileSync(path.join(dir, 'handouts', `${config.groups[0].vid}.txt`), 'utf8');
    const code = text.split('\n').filter((line, i, lines) => lines.slice(0, i).some((l) => l.startsWith('gen_signature')) && /^ {2}\S| {4}/.test(line) && !lines.slice(0, i).some((l) => l === 'Codes')).map((line) => line.slice(2));
    const script = [...code, 'import sys', 'for v in json.load(sys.stdin):', "    t = v['transaction']", "    print(gen_signature(t['txid'], t['payer'], t['payee'], t['amount'], v['token']))"].join('\n');
    const result = await run(python, ['-c', script], { input: JSON.stringify(vectors) });
    expect(result.stdout.trim().split('\n'), result.stderr).toEqual(vectors.map((v) => v.signature));
  });
});

describe('the transaction generator', () => {
  it('gives the same stream for the same seed, printable ASCII, amounts in range and payer ≠ payee', () => {
    const a = new TransactionGenerator('seed-1');
    const b = new TransactionGenerator('seed-1');
    const stream = Array.from({ length: 2000 }, (_, i) => a.transaction(i));
    expect(Array.from({ length: 2000 }, (_, i) => b.transaction(i))).toEqual(stream);
    expect(new TransactionGenerator('seed-2').transaction(0)).not.toEqual(stream[0]);
    expect(new Set(stream.map((t) => t.txid)).size).toBe(2000);
    for (const t of stream) {
      expect(`${t.txid}${t.payer}${t.payee}`).toMatch(/^[\x20-\x7e]+$/);
      expect(t.payer).not.toBe(t.payee);
      expect(Number.isInteger(t.amount) && t.amount >= 1 && t.amount <= 200_000).toBe(true);
    }
    const amounts = stream.map((t) => t.amount).sort((x, y) => x - y);
    expect(amounts[1000]).toBeGreaterThan(150); // a median of a few hundred
    expect(amounts[1000]).toBeLessThan(600);
  });
});

describe('checksums and proof lines', () => {
  const secret = 'f'.repeat(64);
  const verdict = { vid: 'v001', txid: 'tx-0a1b2c3d4e5f', code: 200, timestamp: 1_767_225_600_000 };

  it('reads a proof line written with commas, tabs or spaces, with the time in ms or ISO', () => {
    const checksum = resultChecksum(secret, verdict);
    const line = formatProofLine({ ...verdict, checksum });
    expect(parseProofLine(line)).toEqual({ timestamp: verdict.timestamp, vid: 'v001', txid: verdict.txid, checksum });
    expect(parseProofLine(`2026-01-01T00:00:00.000Z\tv001\t${verdict.txid}\t${checksum.toUpperCase()}`)).toEqual(parseProofLine(line));
    expect(proofHolds(secret, parseProofLine(line))).toBe(true);
  });

  it('does not take a checksum for another code, another time or another secret as proof', () => {
    const duplicate = resultChecksum(secret, { ...verdict, code: 409 });
    expect(proofHolds(secret, { ...verdict, checksum: duplicate })).toBe(false);
    expect(proofHolds(secret, { ...verdict, timestamp: verdict.timestamp + 1, checksum: resultChecksum(secret, verdict) })).toBe(false);
    expect(proofHolds('0'.repeat(64), { ...verdict, checksum: resultChecksum(secret, verdict) })).toBe(false);
  });

  it('says what is wrong with a line that is no proof', () => {
    expect(() => parseProofLine('v001,tx-1')).toThrow(/expected 4 fields/);
    expect(() => parseProofLine(`yesterday,v001,tx-1,${'a'.repeat(64)}`)).toThrow(/not a timestamp/);
    expect(() => parseProofLine('1,v001,tx-1,abc')).toThrow(/64 hex digits/);
  });
});

describe('the rate limiter', () => {
  it('lets a burst through, then one per 1/rate seconds, by the submissions\' own times', () => {
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 });
    const at = (ms: number) => limiter.take('v001', 1_000_000 + ms);
    expect([at(0), at(0), at(0), at(0)]).toEqual([true, true, true, false]);
    expect(at(400)).toBe(false);
    expect(at(500)).toBe(true);
    expect(limiter.take('v002', 1_000_000)).toBe(true); // every vid has its own bucket
  });
});

describe('the verifier', () => {
  const dir = tempDir('verifier');
  const { config } = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\n', seed: 'verifier-seed' });
  const [alpha, beta] = config.groups;
  const store = AssignmentStore.open(path.join(dir, 'store.sqlite'));
  afterAll(() => store.close());
  const generator = new TransactionGenerator(config.seed);
  const transactions = [0, 1, 2].map((seq) => ({ seq, ...generator.transaction(seq), createdAt: 0, partition: 0 }));
  store.addTransactions(transactions);
  const deadline = Date.parse('2030-01-01T00:00:00Z');
  const verifier = new Verifier({ groups: config.groups, store, rateLimit: { perSecond: 1, burst: 2 }, deadline });
  const at = Date.parse('2029-06-01T00:00:00Z');
  const submit = (value: Buffer | null, submittedAt = at) => verifier.judge({ value, submittedAt });
  const signed = (group = alpha, tx = transactions[0], token = group.token) => encodeSubmission({ vid: group.vid, txid: tx.txid, signature: genSignature(tx, token) });

  it('gives each failure its code, in the documented order', () => {
    expect(submit(null).code).toBe(CODES.MALFORMED);
    expect(submit(Buffer.from('{"vid": "v001"}')).code).toBe(CODES.MALFORMED);
    expect(submit(encodeTransaction(transactions[0])).code).toBe(CODES.MALFORMED); // Avro, but another schema
    expect(submit(Buffer.concat([signed(), Buffer.from([0])])).code).toBe(CODES.MALFORMED); // trailing bytes
    expect(submit(Buffer.alloc(MAX_SUBMISSION_BYTES + 1, 2)).reason).toMatch(/at most 4096/);
    expect(submit(encodeSubmission({ vid: 'v999', txid: transactions[0].txid, signature: 'x' }))).toMatchObject({ code: CODES.UNKNOWN_VID, tallyVid: '' });
    expect(submit(encodeSubmission({ vid: alpha.vid, txid: 'tx-nothing', signature: 'x' }))).toMatchObject({ code: CODES.UNKNOWN_TXID, tallyVid: alpha.vid });
    expect(submit(signed(alpha, transactions[0], beta.token)).code).toBe(CODES.BAD_SIGNATURE); // Beta's token under Alpha's vid
    expect(submit(signed(), deadline + 1).code).toBe(CODES.TOO_LATE);
  });

  it('accepts once, then calls the same transaction a duplicate; the rate limit counts only signed submissions', () => {
    const record = (judgement: ReturnType<typeof submit>, offset: number) =>
      store.saveVerdict({ topic: 'submit', partition: 0, offset, submittedAt: at, bytes: 1, ...judgement, judgedAt: at, checksum: 'c', resultTopic: 'result' });
    // Forged submissions under Beta's vid do not use up Beta's bucket.
    for (let i = 0; i < 5; i++) expect(submit(signed(beta, transactions[0], alpha.token)).code).toBe(CODES.BAD_SIGNATURE);
    const first = submit(signed(beta, transactions[1]), at + 10_000);
    expect(first.code).toBe(CODES.ACCEPTED);
    record(first, 100);
    expect(submit(signed(beta, transactions[1]), at + 10_000).code).toBe(CODES.DUPLICATE);
    expect(submit(signed(beta, transactions[2]), at + 10_000).code).toBe(CODES.RATE_LIMITED); // burst of 2 used
    expect(submit(signed(beta, transactions[2]), at + 11_000).code).toBe(CODES.ACCEPTED);
  });
});
