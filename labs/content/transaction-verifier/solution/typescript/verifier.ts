// Step 4: the verifier. In the consumer group of your handout, read transactions as they come, sign
// each and submit it, exactly once: every batch's submissions and the consumer's next offsets go in
// one Kafka transaction, committed together or not at all.
//   node transaction-verifier/typescript/verifier.ts [count] [crash]
// count: stop after this many transactions (without it: until Ctrl-C).
// crash: then submit five more in a transaction and exit at once, committing nothing and closing
//        nothing, as a verifier killed at the worst moment would.
import { Partitioners } from 'kafkajs';
import { genSignature } from './gen-signature.ts';
import { handout, kafka, submitType, transactionType, type Transaction } from './handout.ts';

const count = process.argv[2] ? Number(process.argv[2]) : Infinity;
const crash = process.argv.includes('crash');
const client = kafka('verifier');
// A short session: started again after a crash, the group does not wait long for the dead member.
const consumer = client.consumer({ groupId: handout.consumerGroup, readUncommitted: false, sessionTimeout: 6000, heartbeatInterval: 1000 });
const producer = client.producer({ transactionalId: handout.transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });

let verified = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

const submission = (value: Buffer) => {
  const tx = transactionType.fromBuffer(value) as Transaction;
  return { key: handout.vid, value: submitType.toBuffer({ vid: handout.vid, txid: tx.txid, signature: genSignature(tx, handout.token) }) };
};

await producer.connect();
await consumer.connect();
await consumer.subscribe({ topics: [handout.topics.transaction], fromBeginning: false });
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    if (verified >= count) {
      if (!crash) return;
      // The simulated crash: five submissions sent in a transaction that is never committed.
      const transaction = await producer.transaction();
      await transaction.send({ topic: handout.topics.submit, messages: batch.messages.slice(0, 5).map((m) => submission(m.value!)) });
      console.log(`crash: ${Math.min(5, batch.messages.length)} submissions sent, nothing committed`);
      process.exit(0);
    }
    const messages = batch.messages.slice(0, count - verified);
    const transaction = await producer.transaction();
    try {
      await transaction.send({ topic: handout.topics.submit, messages: messages.map((m) => submission(m.value!)) });
      const next = String(Number(messages.at(-1)!.offset) + 1);
      await transaction.sendOffsets({ consumerGroupId: handout.consumerGroup, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
      await transaction.commit();
    } catch (error) {
      await transaction.abort();
      throw error;
    }
    resolveOffset(messages.at(-1)!.offset);
    await heartbeat();
    verified += messages.length;
    console.log(`${verified} transactions verified (${batch.topic}[${batch.partition}] up to offset ${messages.at(-1)!.offset})`);
    if (verified >= count && !crash) finish();
  },
});

await finished;
await consumer.disconnect();
await producer.disconnect();
