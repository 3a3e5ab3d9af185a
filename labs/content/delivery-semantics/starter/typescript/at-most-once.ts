// Step 2: charge each order at most once — commit what you were handed first, then process it.
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
    // TODO: commit the offset after the batch's last one (consumer.commitOffsets) FIRST; then, for
    //       each order, charge it: send { key, value } to OUTPUT, print it, and call crashPoint().
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
