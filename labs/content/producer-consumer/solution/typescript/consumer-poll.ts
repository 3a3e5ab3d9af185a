// Step 3: the poll loop. kafkajs has no poll(); eachBatch receives what one fetch returned.
//   node producer-consumer/typescript/consumer-poll.ts [stop-after]
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const stopAfter = process.argv[2] ? Number(process.argv[2]) : Infinity;

const kafka = new Kafka({ clientId: 'consumer-poll', brokers: bootstrapServers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: 'sample-pollers', maxWaitTimeInMs: 1000 });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

await consumer.connect();
await consumer.subscribe({ topics: ['sample'], fromBeginning: true });
await consumer.run({
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    console.log(`poll returned ${batch.messages.length} records from ${batch.topic}[${batch.partition}]`);
    for (const message of batch.messages) {
      console.log(`  offset=${message.offset} value=${message.value?.toString()}`);
      resolveOffset(message.offset);
      read++;
    }
    await heartbeat();
    if (read >= stopAfter) finish();
  },
});

await finished;
await consumer.disconnect();
