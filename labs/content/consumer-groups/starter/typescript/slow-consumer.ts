// Step 4: a member that blocks for 10 s on its first record, longer than the group waits.
//   node consumer-groups/typescript/slow-consumer.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'slow-consumer', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: 'my-group', sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => console.log(`slow-consumer joined my-group: assigned sample2[${(payload.memberAssignment.sample2 ?? []).join(',')}]`));

const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
process.once('SIGINT', () => stop());

await consumer.connect();
await consumer.subscribe({ topics: ['sample2'], fromBeginning: true });
// TODO: run with an eachMessage that, for the first record only, prints that it blocks and then
//       waits 10 s (await new Promise((resolve) => setTimeout(resolve, 10_000))).

await stopped;
await consumer.disconnect();
