// Step 4: a member that blocks for 10 s on its first record, longer than the group waits.
// kafkajs keeps heartbeating while the handler blocks, but when the group rebalances (another member
// joins) it must rejoin within rebalanceTimeout (6 s, as max.poll.interval.ms is in the course), and
// a blocked handler cannot: the coordinator drops the member and completes the rebalance without it.
//   node consumer-groups/typescript/slow-consumer.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'slow-consumer', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: 'my-group', sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => console.log(`slow-consumer joined my-group: assigned sample2[${(payload.memberAssignment.sample2 ?? []).join(',')}]`));

const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
process.once('SIGINT', () => stop());

let blocked = false;
await consumer.connect();
await consumer.subscribe({ topics: ['sample2'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    if (!blocked) {
      blocked = true;
      console.log(`slow-consumer blocks for 10 s on sample2[${partition}]@${message.offset}`);
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      console.log('slow-consumer is back');
    }
  },
});

await stopped;
await consumer.disconnect();
