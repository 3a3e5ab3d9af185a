// Step 4: at least once, into a sink that absorbs duplicates: the payments are a table keyed by
// order id (a compacted topic), so charging an order again only writes the same row again.
//   node delivery-semantics/typescript/effectively-once.ts [--crash-after N]
import { crashPoint } from './crash.ts';
import { client, CONSUMER_SETTINGS, ensureTopic, untilIdle } from './payments.ts';

const GROUP = 'payments-effectively-once';
const OUTPUT = 'payments-effectively-once';
const kafka = client(GROUP);
await ensureTopic(kafka, OUTPUT, { 'cleanup.policy': 'compact' });
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
      // The order id as the key: a second charge of the same order replaces the first.
      await producer.send({ topic: OUTPUT, messages: [{ key: order.key, value: order.value }] });
      console.log(`charged ${order.value?.toString()}`);
      crashPoint();
    }
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
