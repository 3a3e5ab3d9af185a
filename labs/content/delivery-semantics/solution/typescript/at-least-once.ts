// Step 3: charge each order at least once — process first, commit after. A crash before the
// commit means the group is handed those orders again: they are charged twice.
//   node delivery-semantics/typescript/at-least-once.ts [--crash-after N]
import { crashPoint } from './crash.ts';
import { client, CONSUMER_SETTINGS, ensureTopic, untilIdle } from './payments.ts';

const GROUP = 'payments-at-least-once';
const OUTPUT = 'payments-at-least-once';
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
    for (const order of batch.messages) {
      await producer.send({ topic: OUTPUT, messages: [{ key: order.key, value: order.value }] });
      console.log(`charged ${order.value?.toString()}`);
      crashPoint();
    }
    // Only now: everything above was done.
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
