// Step 3: the poll loop. kafkajs has no poll(); eachBatch receives what one fetch returned.
//   node producer-consumer/typescript/consumer-poll.ts [stop-after]
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const stopAfter = process.argv[2] ? Number(process.argv[2]) : Infinity;

const kafka = new Kafka({ clientId: 'consumer-poll', brokers: bootstrapServers, logLevel: logLevel.WARN });

let read = 0;
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();
process.once('SIGINT', () => finish());

// TODO: a consumer in the group 'sample-pollers' that reads 'sample' from the beginning with
//       eachBatch: print how many records the batch holds, then each record; resolveOffset(offset)
//       for each, heartbeat() at the end of the batch. After `stopAfter` records, finish().

await finished;
// TODO: disconnect.
