// Step 3: 100 events, Avro-encoded with sample.avsc, to the topic avro-events.
//   node avro/typescript/avro-producer.ts
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const type = loadType('sample.avsc');
const kafka = new Kafka({ clientId: 'avro-producer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

await producer.connect();
const messages = Array.from({ length: 100 }, (_, i) => {
  const event = { key: `key-${i}`, value: `message #${i} from producer-0`, timestamp: Date.now() };
  return { key: event.key, value: type.toBuffer(event) };
});
const [meta] = await producer.send({ topic: 'avro-events', messages });
console.log(`sent 100 events to avro-events[${meta.partition}] from offset ${meta.baseOffset}`);
await producer.disconnect();
