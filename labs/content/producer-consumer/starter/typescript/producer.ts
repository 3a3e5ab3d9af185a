// Step 1: send `message #i from producer-0` to the topic sample.
//   node producer-consumer/typescript/producer.ts [count]
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const count = Number(process.argv[2] ?? 100);

const kafka = new Kafka({ clientId: 'producer-0', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

await producer.connect();
// TODO: send `count` messages to the topic 'sample'; message i has the value `message #${i} from producer-0`.
//       Print the partition and offset each one got (producer.send returns them).
await producer.disconnect();
