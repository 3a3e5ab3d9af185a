// Step 4: a new group, sample-replay, that starts from the earliest offset; 10 records, then stop.
//   node producer-consumer/typescript/consumer-replay.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'consumer-replay', brokers: bootstrapServers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: 'sample-replay' });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();

await consumer.connect();
await consumer.subscribe({ topics: ['sample'], fromBeginning: true }); // earliest
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    console.log(`${topic}[${partition}] offset=${message.offset} value=${message.value?.toString()}`);
    if (++read === 10) {
      consumer.pause([{ topic }]); // the rest stays unread, and uncommitted
      finish();
    }
  },
});

await finished;
await consumer.disconnect();
