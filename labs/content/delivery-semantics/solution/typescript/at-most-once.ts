// Step 2: charge each order at most once — commit what you were handed first, then process it.
// A crash after the commit loses the rest of the batch: it is never charged.
//   node delivery-semantics/typescript/at-most-once.ts [--crash-after N]
import { crashPoint } from './crash.ts';
import { client, CONSUMER_SETTINGS, ensureTopic, untilIdle } from './payments.ts';

const GROUP = 'payments-at-most-once';
const OUTPUT = 'payments-at-most-once';
const kafka = client(GROUP);
await ensureTopic(kafka, OUTPUT);
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: GROUP, ...CONSUMER_SETTINGS });
const { busy, idle } = untilIdle(consumer, kafka, GROUP);

await Promise.all([producer.connect(), consumer.connect()]);
await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    busy();
    // First the commit: the group will never be handed these records again...
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
    // ...then the work, which a crash can cut short.
    for (const order of batch.messages) {
      await producer.send({ topic: OUTPUT, messages: [{ key: order.key, value: order.value }] });
      console.log(`charged ${order.value?.toString()}`);
      crashPoint();
    }
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
