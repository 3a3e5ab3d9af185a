// Step 2: sign every transaction of transactions.jsonl with gen_signature and your token, and
// write {"txid", "signature"} lines to signatures.jsonl.
//   node transaction-verifier/typescript/sign-transactions.ts
import fs from 'node:fs';
import { genSignature } from './gen-signature.ts';
import { handout, type Transaction } from './handout.ts';
import { inWorkspace } from './workspace.ts';

const transactions = fs
  .readFileSync(inWorkspace('transactions.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Transaction);

const signed = transactions.map((tx) => ({ txid: tx.txid, signature: genSignature(tx, handout.token) }));
for (const { txid, signature } of signed) console.log(txid, signature);
fs.writeFileSync(inWorkspace('signatures.jsonl'), signed.map((s) => `${JSON.stringify(s)}\n`).join(''));
