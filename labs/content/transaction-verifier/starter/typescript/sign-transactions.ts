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

// TODO: sign each transaction with genSignature(tx, handout.token), print it, and write one
//       JSON line {"txid": ..., "signature": ...} per transaction to signatures.jsonl.
console.log(`${transactions.length} transactions to sign with ${genSignature.name}`);
