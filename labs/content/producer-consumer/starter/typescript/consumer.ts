// Step 2: read sample in the group sample-readers, printing every record; offsets are auto-committed.
//   node producer-consumer/typescript/consumer.ts [stop-after]
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const stopAfter = process.argv[2] ? Number(process.argv[2]) : Infinity;

const kafka = new Kafka({ clientId: 'consumer', brokers: bootstrapServers, logLevel: logLevel.WARN });
// TODO: create a consumer in the group 'sample-readers'.

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

// TODO: connect, subscribe to 'sample' from the beginning, and run with autoCommit:
//       for each message print topic, partition, offset, timestamp and value.
//       After `stopAfter` records, pause the topic (consumer.pause([{ topic }])) and call finish().

await finished;
// TODO: disconnect the consumer: it commits what was read and leaves the group.
