// Step 5: exactly once — consume, charge and commit the offsets in one transaction. A crash leaves
// the transaction open; the next run's producer (same transactional.id) fences and aborts it, and
// read_committed consumers never see what it wrote.
//   node delivery-semantics/typescript/exactly-once.ts [--crash-after N]
import { crashPoint } from './crash.ts';
import { client, CONSUMER_SETTINGS, ensureTopic, untilIdle } from './payments.ts';

const GROUP = 'payments-exactly-once';
const OUTPUT = 'payments-exactly-once';
const kafka = client(GROUP);
await ensureTopic(kafka, OUTPUT);
const producer = kafka.producer({ transactionalId: 'payments-exactly-once', idempotent: true, maxInFlightRequests: 1 });
const consumer = kafka.consumer({ groupId: GROUP, readUncommitted: false, ...CONSUMER_SETTINGS });
const { busy, idle } = untilIdle(consumer, kafka, GROUP);

await Promise.all([producer.connect(), consumer.connect()]);
await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    busy();
    const transaction = await producer.transaction();
    try {
      for (const order of batch.messages) {
        await transaction.send({ topic: OUTPUT, messages: [{ key: order.key, value: order.value }] });
        console.log(`charged ${order.value?.toString()} (in the transaction)`);
        crashPoint();
      }
      // The consumed offsets commit with the payments, or not at all.
      const next = String(Number(batch.lastOffset()) + 1);
      await transaction.sendOffsets({ consumerGroupId: GROUP, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }] });
      await transaction.commit();
    } catch (error) {
      await transaction.abort();
      throw error;
    }
  },
});
await idle;
await consumer.disconnect();
await producer.disconnect();
