// `assignment-file`: a workspace file whose every line the practice assignment server vouches for,
// at least `min` of them:
//
//   transactions  {"txid", "payer", "payee", "amount"}: a transaction the server produced, as it was
//   signatures    {"txid", "signature"}: gen_signature of that transaction with the student's token
//   proofs        timestamp,vid,txid,checksum: an accepted result the server gave (the course's form)
//
// One wrong line fails the check, naming it: a signature that is almost right is still wrong.

import fs from 'node:fs';
import { signatureMatches, verifyProof } from '../../grader/assignment/index.ts';
import { integer, oneOf, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural, quote } from './check-kind.ts';
import { withPractice, type Practice } from './practice-assignment.ts';
import { inWorkspace, statOrNull } from './workspace-files.ts';

type Holds = 'transactions' | 'signatures' | 'proofs';

const WHAT: Record<Holds, string> = {
  transactions: 'transactions the server produced',
  signatures: 'right signatures',
  proofs: 'proofs of accepted results',
};
const EACH: Record<Holds, string> = {
  transactions: 'a transaction the server produced, as it was',
  signatures: 'gen_signature of a transaction with your token',
  proofs: 'the proof of an accepted result',
};

export const assignmentFile = defineCheck({
  type: 'assignment-file',
  needs: ['workspace'],
  passes: 'every line of the workspace file is what `holds` says, as the practice assignment server knows it, and there are at least `min`',
  params: {
    file: text('the file, relative to the workspace'),
    holds: oneOf(['transactions', 'signatures', 'proofs'], 'transactions (JSON lines), signatures (JSON lines of txid and signature) or proofs (timestamp,vid,txid,checksum lines)'),
    min: integer({ min: 1 }, 'at least this many lines').default(1),
  },
  describe: ({ file, holds, min }) => `${file} holds ≥ ${min} ${WHAT[holds as Holds]}`,
  async run({ file, holds, min }, { workspaceDir }) {
    const where = inWorkspace(workspaceDir, file);
    const wanted = `at least ${min} lines in ${where}, each ${EACH[holds as Holds]}`;
    if (!statOrNull(where)?.isFile()) return fail(`${file} does not exist yet`, `no file ${where}`, wanted);
    const lines = fs.readFileSync(where, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const judged = withPractice(workspaceDir, (practice) => lines.map((line) => judgeLine(holds as Holds, line, practice)));
    if ('missing' in judged) return fail('no practice server data', judged.missing, wanted);
    const wrong = judged.findIndex((why) => why !== null);
    if (wrong >= 0) return fail(`line ${wrong + 1} of ${file} is wrong`, `line ${wrong + 1}: ${judged[wrong]}`, wanted);
    if (lines.length < min) return fail(`${file} has ${lines.length} of the ${min} lines needed`, plural(lines.length, 'right line'), wanted);
    return pass(`${file} has ${lines.length} ${WHAT[holds as Holds]}`);
  },
});

/** Why the line is not what it should be, or null when it is. */
function judgeLine(holds: Holds, line: string, { config, store, group }: Practice): string | null {
  if (holds === 'proofs') {
    const check = verifyProof(config, store, line);
    return check.verdict === 'valid' ? null : check.text;
  }
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `not JSON: ${quote(line)}`;
  }
  if (typeof value !== 'object' || value === null || typeof value.txid !== 'string') return `no "txid" in ${quote(line)}`;
  const tx = store.findTransaction(value.txid);
  if (!tx) return `the server produced no transaction ${quote(value.txid)}`;
  if (holds === 'transactions') {
    const differs = (['payer', 'payee', 'amount'] as const).filter((f) => value[f] !== tx[f]);
    return differs.length === 0 ? null : `${tx.txid}: ${differs.map((f) => `${f} is ${JSON.stringify(value[f])}, not ${JSON.stringify(tx[f])}`).join('; ')}`;
  }
  if (typeof value.signature !== 'string') return `no "signature" in ${quote(line)}`;
  return signatureMatches(tx, group.token, value.signature) ? null : `${tx.txid}: the signature is not gen_signature of the transaction with your token`;
}
