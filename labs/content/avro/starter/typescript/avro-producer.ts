// Step 3: 100 events, Avro-encoded with sample.avsc, to the topic avro-events.
//   node avro/typescript/avro-producer.ts
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const type = loadType('sample.avsc');
const kafka = new Kafka({ clientId: 'avro-producer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

await producer.connect();
// TODO: send 100 messages to 'avro-events': key `key-${i}`, value the Avro bytes of the event
//       { key, value: `message #${i} from producer-0`, timestamp: Date.now() }.
await producer.disconnect();
