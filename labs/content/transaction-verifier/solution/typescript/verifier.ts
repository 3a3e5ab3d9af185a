// Step 4: the verifier. In the consumer group of your handout, read transactions as they come, sign
// each and submit it, exactly once: every batch's submissions and the consumer's next offsets go in
// one Kafka transaction, committed together or not at all.
//   node transaction-verifier/typescript/verifier.ts [count] [--crash-after N]
// count: stop after this many transactions (without it: until Ctrl-C).
// --crash-after N: die at the N-th submission sent, mid-transaction, as kill -9 would (crash.ts).
import { Partitioners } from 'kafkajs';
import { args, crashPoint } from './crash.ts';
import { genSignature } from './gen-signature.ts';
import { handout, kafka, submitType, transactionType, type Transaction } from './handout.ts';

const count = args[0] ? Number(args[0]) : Infinity;
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
    const messages = batch.messages.slice(0, count - verified);
    if (messages.length === 0) return;
    const transaction = await producer.transaction();
    try {
      await transaction.send({ topic: handout.topics.submit, messages: messages.map((m) => submission(m.value!)) });
      for (const _ of messages) crashPoint();
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
    if (verified >= count) finish();
  },
});

await finished;
await consumer.disconnect();
await producer.disconnect();
