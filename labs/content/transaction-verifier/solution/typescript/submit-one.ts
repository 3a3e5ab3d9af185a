// Step 3: submit the first transaction of transactions.jsonl, signed, to the submit topic; read the
// result topic (in the group <vid>-results) until the server's answer for your vid and that txid
// comes; print its code, and for 200 add the proof line timestamp,vid,txid,checksum to proof.csv.
//   node transaction-verifier/typescript/submit-one.ts
import fs from 'node:fs';
import { Partitioners } from 'kafkajs';
import { genSignature } from './gen-signature.ts';
import { handout, kafka, resultType, submitType, type Result, type Transaction } from './handout.ts';
import { inWorkspace } from './workspace.ts';

const MEANINGS: Record<number, string> = {
  200: 'accepted', 400: 'malformed', 401: 'unknown vid', 403: 'bad signature', 404: 'unknown txid', 408: 'too late', 409: 'duplicate: accepted before', 429: 'rate-limited: submit it again later',
};

const [first] = fs.readFileSync(inWorkspace('transactions.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
const tx = JSON.parse(first) as Transaction;
const client = kafka('submit-one');

// Listen first: the answer may come before a consumer that starts late would be reading. Fetches
// wait at most half a second for records: disconnect() waits for the one under way (5 s by default).
const results = client.consumer({ groupId: `${handout.groupPrefix}results`, maxWaitTimeInMs: 500 });
const { promise: answered, resolve: answer } = Promise.withResolvers<Result>();
await results.connect();
await results.subscribe({ topics: [handout.topics.result], fromBeginning: true });
await results.run({
  eachMessage: async ({ message }) => {
    const result = resultType.fromBuffer(message.value!) as Result;
    if (result.vid === handout.vid && result.txid === tx.txid) answer(result);
  },
});

const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
await producer.send({
  topic: handout.topics.submit,
  messages: [{ key: handout.vid, value: submitType.toBuffer({ vid: handout.vid, txid: tx.txid, signature: genSignature(tx, handout.token) }) }],
});
await producer.disconnect();
console.log(`submitted ${tx.txid}; waiting for the verdict`);

const timeout = setTimeout(() => answer({ vid: handout.vid, txid: tx.txid, code: 0, checksum: '', timestamp: 0 }), 30_000);
const result = await answered;
clearTimeout(timeout);
await results.disconnect();
if (result.code === 0) {
  console.error(`no verdict for ${tx.txid} within 30 s: is the assignment server running?`);
  process.exit(1);
}
console.log(`${result.code} ${MEANINGS[result.code] ?? ''} (${tx.txid})`);
if (result.code === 200) {
  fs.appendFileSync(inWorkspace('proof.csv'), `${result.timestamp},${result.vid},${result.txid},${result.checksum}\n`);
  console.log('proof line added to proof.csv');
}
process.exit(result.code === 200 || result.code === 409 ? 0 : 1);
