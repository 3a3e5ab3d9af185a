// Step 1: read transactions in the group <vid>-reader, decode each with transaction.avsc, print it
// and write it to transactions.jsonl, one JSON object per line.
//   node transaction-verifier/typescript/read-transactions.ts [count]
import fs from 'node:fs';
import { handout, kafka, transactionType, type Transaction } from './handout.ts';
import { inWorkspace } from './workspace.ts';

const count = Number(process.argv[2] ?? 10);
const lines: string[] = [];

// TODO: a consumer in the group `${handout.groupPrefix}reader`, reading handout.topics.transaction
//       from the beginning. Decode each value with transactionType.fromBuffer, print the
//       transaction, and keep JSON.stringify(tx) in `lines` until there are `count`; then
//       disconnect.

fs.writeFileSync(inWorkspace('transactions.jsonl'), lines.map((l) => `${l}\n`).join(''));
console.log(`${lines.length} transactions written to transactions.jsonl`);
