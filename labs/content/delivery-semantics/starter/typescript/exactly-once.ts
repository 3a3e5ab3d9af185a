// Step 5: exactly once — consume, charge and commit the offsets in one transaction.
//   node delivery-semantics/typescript/exactly-once.ts [--crash-after N]
import { crashPoint } from './crash.ts';
import { client, CONSUMER_SETTINGS, ensureTopic, untilIdle } from './payments.ts';

const GROUP = 'payments-exactly-once';
const OUTPUT = 'payments-exactly-once';
const kafka = client(GROUP);
await ensureTopic(kafka, OUTPUT);
// TODO: a transactional producer: { transactionalId: 'payments-exactly-once', idempotent: true, maxInFlightRequests: 1 }.
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: GROUP, readUncommitted: false, ...CONSUMER_SETTINGS });
const { busy, idle } = untilIdle(consumer, kafka, GROUP);

await Promise.all([producer.connect(), consumer.connect()]);
await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    busy();
    // TODO: const transaction = await producer.transaction(); send each payment with
    //       transaction.send(...) (print it, crashPoint()); then transaction.sendOffsets({
    //       consumerGroupId: GROUP, topics: [...] }) with the offset after the batch's last one, and
    //       transaction.commit(). On an error, transaction.abort().
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
