// Step 4: at least once, into a sink that absorbs duplicates: the payments are a table keyed by
// order id (a compacted topic), so charging an order again only writes the same row again.
//   node delivery-semantics/typescript/effectively-once.ts [--crash-after N]
import { crashPoint } from './crash.ts';
import { client, CONSUMER_SETTINGS, ensureTopic, untilIdle } from './payments.ts';

const GROUP = 'payments-effectively-once';
const OUTPUT = 'payments-effectively-once';
const kafka = client(GROUP);
// TODO: create OUTPUT as a compacted topic: ensureTopic(kafka, OUTPUT, { 'cleanup.policy': 'compact' }).
const producer = kafka.producer();
const consumer = kafka.consumer({ groupId: GROUP, ...CONSUMER_SETTINGS });
const { busy, idle } = untilIdle(consumer, kafka, GROUP);

await Promise.all([producer.connect(), consumer.connect()]);
await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    busy();
    // TODO: as at-least-once, with the order's key as the payment's key; then commit.
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
