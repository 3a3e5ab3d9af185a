// Step 5: a new group, sample-tail, that starts from the latest offset: only records produced from
// now on. Prints where it starts, reads 10 new records and stops.
//   node producer-consumer/typescript/consumer-tail.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'consumer-tail', brokers: bootstrapServers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: 'sample-tail', maxWaitTimeInMs: 500 });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();

// The first fetch goes out once the consumer knows its position: from then on, new records are ours.
const stopWatching = consumer.on(consumer.events.FETCH, () => {
  stopWatching();
  console.log('waiting for new records on sample (run the producer now)');
});

await consumer.connect();
await consumer.subscribe({ topics: ['sample'], fromBeginning: false }); // latest
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    console.log(`${topic}[${partition}] offset=${message.offset} value=${message.value?.toString()}`);
    if (++read === 10) {
      consumer.pause([{ topic }]);
      finish();
    }
  },
});

await finished;
await consumer.disconnect();
