// Step 4: read the events written with sample.avsc through event-v2.avsc (a new field with a
// default), and send them, encoded with version 2, to avro-events-v2.
//   node avro/typescript/evolve-add.ts
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const v1 = loadType('sample.avsc');
const v2 = loadType('event-v2.avsc');
const resolver = v2.createResolver(v1); // how to read v1 bytes as v2

const kafka = new Kafka({ clientId: 'evolve-add', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
const consumer = kafka.consumer({ groupId: 'avro-evolve' });
const upgraded: Buffer[] = [];
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();

await Promise.all([producer.connect(), consumer.connect()]);
await consumer.subscribe({ topics: ['avro-events'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    const event = v2.fromBuffer(message.value!, resolver);
    if (upgraded.length === 0) console.log('first event read as version 2:', event);
    upgraded.push(v2.toBuffer(event));
    if (upgraded.length === 100) {
      consumer.pause([{ topic }]);
      finish();
    }
  },
});

await finished;
await consumer.disconnect();
await producer.send({ topic: 'avro-events-v2', messages: upgraded.map((value) => ({ value })) });
console.log(`sent ${upgraded.length} version-2 events to avro-events-v2`);
await producer.disconnect();
