// Step 1: send `message #i from producer-0` to the topic sample.
//   node producer-consumer/typescript/producer.ts [count]
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const count = Number(process.argv[2] ?? 100);

const kafka = new Kafka({ clientId: 'producer-0', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

await producer.connect();
for (let i = 0; i < count; i++) {
  const [meta] = await producer.send({ topic: 'sample', messages: [{ value: `message #${i} from producer-0` }] });
  console.log(`sent message #${i} to ${meta.topicName}[${meta.partition}] at offset ${meta.baseOffset}`);
}
await producer.disconnect();
