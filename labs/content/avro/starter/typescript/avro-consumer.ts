// Step 3: read avro-events in the group avro-readers and decode each value with sample.avsc.
//   node avro/typescript/avro-consumer.ts [stop-after]
import { Kafka, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const stopAfter = process.argv[2] ? Number(process.argv[2]) : Infinity;
const type = loadType('sample.avsc');
const kafka = new Kafka({ clientId: 'avro-consumer', brokers: bootstrapServers, logLevel: logLevel.WARN });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

// TODO: a consumer in the group 'avro-readers' reading 'avro-events' from the beginning; decode
//       each value with type.fromBuffer and print it. After `stopAfter` records pause the topic and
//       finish(); then disconnect.

await finished;
