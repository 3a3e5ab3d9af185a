// Step 3: read avro-events in the group avro-readers and decode each value with sample.avsc.
//   node avro/typescript/avro-consumer.ts [stop-after]
import { Kafka, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const stopAfter = process.argv[2] ? Number(process.argv[2]) : Infinity;
const type = loadType('sample.avsc');
const kafka = new Kafka({ clientId: 'avro-consumer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: 'avro-readers' });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

await consumer.connect();
await consumer.subscribe({ topics: ['avro-events'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const event = type.fromBuffer(message.value!);
    console.log(`${topic}[${partition}] offset=${message.offset}`, event);
    if (++read >= stopAfter) {
      consumer.pause([{ topic }]);
      finish();
    }
  },
});

await finished;
await consumer.disconnect();
