// Step 3: submit the first transaction of transactions.jsonl, signed, to the submit topic; read the
// result topic (in the group <vid>-results) until the server's answer for your vid and that txid
// comes; print its code, and for 200 add the proof line timestamp,vid,txid,checksum to proof.csv.
//   node transaction-verifier/typescript/submit-one.ts
import fs from 'node:fs';
import { genSignature } from './gen-signature.ts';
import { handout, kafka, resultType, submitType, type Result, type Transaction } from './handout.ts';
import { inWorkspace } from './workspace.ts';

const [first] = fs.readFileSync(inWorkspace('transactions.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
const tx = JSON.parse(first) as Transaction;
const client = kafka('submit-one');

// TODO: 1. a consumer in the group `${handout.groupPrefix}results` on handout.topics.result, from
//          the beginning, running before you submit: decode each value with resultType and keep
//          the one whose vid is handout.vid and whose txid is tx.txid;
//       2. a producer sending {vid, txid, signature} (submitType.toBuffer, the signature from
//          genSignature(tx, handout.token)) to handout.topics.submit;
//       3. wait for the result, print its code, and when it is 200 append
//          `${timestamp},${vid},${txid},${checksum}` to proof.csv.
console.log(`not submitted yet: ${tx.txid}`, client.constructor.name);
