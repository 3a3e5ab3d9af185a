// Step 4: the verifier. In the consumer group of your handout, read transactions as they come, sign
// each and submit it, exactly once: every batch's submissions and the consumer's next offsets go in
// one Kafka transaction, committed together or not at all.
//   node transaction-verifier/typescript/verifier.ts [count] [crash]
// count: stop after this many transactions (without it: until Ctrl-C).
// crash: then submit five more in a transaction and exit at once, committing nothing and closing
//        nothing, as a verifier killed at the worst moment would.
import { genSignature } from './gen-signature.ts';
import { handout, kafka, submitType, transactionType, type Transaction } from './handout.ts';

const count = process.argv[2] ? Number(process.argv[2]) : Infinity;
const crash = process.argv.includes('crash');
const client = kafka('verifier');
// A short session: started again after a crash, the group does not wait long for the dead member.
const consumer = client.consumer({ groupId: handout.consumerGroup, readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 1000 });
// TODO: a transactional producer: transactionalId handout.transactionalId, idempotent, at most one
//       request in flight.

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
    if (verified >= count) {
      if (!crash) return;
      // TODO (given once your producer exists): the simulated crash —
      //   const transaction = await producer.transaction();
      //   await transaction.send({ topic: handout.topics.submit, messages: batch.messages.slice(0, 5).map((m) => submission(m.value!)) });
      //   process.exit(0);
      process.exit(0);
    }
    const messages = batch.messages.slice(0, count - verified);
    // TODO: in one transaction: send submission(m.value) of every message to handout.topics.submit,
    //       sendOffsets with the offset after the last message (consumerGroupId
    //       handout.consumerGroup), commit (abort on an error). Then resolveOffset and heartbeat.
    verified += messages.length;
    if (verified >= count && !crash) finish();
  },
});

await finished;
await consumer.disconnect();
