// Step 3: charge each order at least once — process first, commit after.
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
    // TODO: for each order, charge it (send { key, value } to OUTPUT), print it, call crashPoint();
    //       THEN commit the offset after the batch's last one.
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
