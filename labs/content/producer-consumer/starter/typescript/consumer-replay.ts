// Step 4: a new group, sample-replay, that starts from the earliest offset; 10 records, then stop.
//   node producer-consumer/typescript/consumer-replay.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'consumer-replay', brokers: bootstrapServers, logLevel: logLevel.WARN });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();

// TODO: a consumer in the group 'sample-replay' subscribed to 'sample' so that, having no committed
//       offset, it starts from the earliest one. Print 10 records, then pause the topic, finish(),
//       and disconnect.

await finished;
