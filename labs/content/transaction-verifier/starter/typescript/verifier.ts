// Step 4: the verifier. In the consumer group of your handout, read transactions as they come, sign
// each and submit it, exactly once: every batch's submissions and the consumer's next offsets go in
// one Kafka transaction, committed together or not at all.
//   node transaction-verifier/typescript/verifier.ts [count] [--crash-after N]
// count: stop after this many transactions (without it: until Ctrl-C).
// --crash-after N: die at the N-th submission sent, mid-transaction, as kill -9 would (crash.ts).
import { args, crashPoint } from './crash.ts';
import { genSignature } from './gen-signature.ts';
import { handout, kafka, submitType, transactionType, type Transaction } from './handout.ts';

const count = args[0] ? Number(args[0]) : Infinity;
const client = kafka('verifier');
// A short session: started again after a crash, the group does not wait long for the dead member.
const consumer = client.consumer({ groupId: handout.consumerGroup, readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 1000 });
// TODO: a transactional producer: transactionalId handout.transactionalId, idempotent, at most one
//       request in flight; connect it.

let verified = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

const submission = (value: Buffer) => {
  const tx = transactionType.fromBuffer(value) as Transaction;
  return { key: handout.vid, value: submitType.toBuffer({ vid: handout.vid, txid: tx.txid, signature: genSignature(tx, handout.token) }) };
};

await consumer.connect();
await consumer.subscribe({ topics: [handout.topics.transaction], fromBeginning: false });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    const messages = batch.messages.slice(0, count - verified);
    if (messages.length === 0) return;
    // TODO: in one transaction: send submission(m.value) of every message to handout.topics.submit;
    //       call crashPoint() once per message sent; sendOffsets with the offset after the last
    //       message (consumerGroupId handout.consumerGroup); commit (abort on an error). Then
    //       resolveOffset the last offset and heartbeat.
    void [submission, crashPoint, resolveOffset, heartbeat];
    verified += messages.length;
    if (verified >= count) finish();
  },
});

await finished;
await consumer.disconnect();
