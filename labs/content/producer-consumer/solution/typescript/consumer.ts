// Step 2: read sample in the group sample-readers, printing every record; offsets are auto-committed.
//   node producer-consumer/typescript/consumer.ts [stop-after]
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const stopAfter = process.argv[2] ? Number(process.argv[2]) : Infinity;

const kafka = new Kafka({ clientId: 'consumer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: 'sample-readers' });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

await consumer.connect();
await consumer.subscribe({ topics: ['sample'], fromBeginning: true });
await consumer.run({
  autoCommit: true,
  eachMessage: async ({ topic, partition, message }) => {
    console.log(`${topic}[${partition}] offset=${message.offset} timestamp=${message.timestamp} value=${message.value?.toString()}`);
    if (++read >= stopAfter) {
      consumer.pause([{ topic }]); // nothing more is handed to us (or committed as read)
      finish();
    }
  },
});

await finished;
await consumer.disconnect(); // commits what was read and leaves the group
