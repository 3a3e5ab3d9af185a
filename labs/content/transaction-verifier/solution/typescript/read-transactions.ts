// Step 1: read transactions in the group <vid>-reader, decode each with transaction.avsc, print it
// and write it to transactions.jsonl, one JSON object per line.
//   node transaction-verifier/typescript/read-transactions.ts [count]
import fs from 'node:fs';
import { handout, kafka, transactionType, type Transaction } from './handout.ts';
import { inWorkspace } from './workspace.ts';

const count = Number(process.argv[2] ?? 10);
const consumer = kafka('read-transactions').consumer({ groupId: `${handout.groupPrefix}reader`, maxWaitTimeInMs: 500 });
const lines: string[] = [];
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

await consumer.connect();
await consumer.subscribe({ topics: [handout.topics.transaction], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    if (lines.length >= count) return;
    const tx = transactionType.fromBuffer(message.value!) as Transaction;
    console.log(tx);
    lines.push(JSON.stringify(tx));
    if (lines.length >= count) {
      consumer.pause([{ topic }]);
      finish();
    }
  },
});

await finished;
await consumer.disconnect();
fs.writeFileSync(inWorkspace('transactions.jsonl'), lines.map((l) => `${l}\n`).join(''));
console.log(`${lines.length} transactions written to transactions.jsonl`);
