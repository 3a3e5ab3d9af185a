// Steps 2–7: one member of a consumer group reading sample2, printing its assignment whenever the
// group rebalances, and every record it is handed. Runs until Ctrl-C.
//   node consumer-groups/typescript/group-consumer.ts <name> [--group my-group] [--crash-after N]
import { Kafka, logLevel } from 'kafkajs';
import { args, crashPoint } from './crash.ts';
import { bootstrapServers } from './workspace.ts';

const name = args[0] ?? 'consumer';
const groupId = args.includes('--group') ? args[args.indexOf('--group') + 1] : 'my-group';

const kafka = new Kafka({ clientId: name, brokers: bootstrapServers, logLevel: logLevel.NOTHING });
// The course's settings: a member silent for 6 s, or not rejoining a rebalance within 6 s, is out.
const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, rebalanceTimeout: 6000, heartbeatInterval: 1000, maxWaitTimeInMs: 500 });
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  const mine = payload.memberAssignment.sample2 ?? [];
  console.log(`${name} joined ${groupId}: assigned sample2[${mine.join(',')}]`);
});

const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
process.once('SIGINT', () => stop());

await consumer.connect();
await consumer.subscribe({ topics: ['sample2'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    console.log(`${name} read sample2[${partition}]@${message.offset} ${message.key?.toString()}: ${message.value?.toString()}`);
    crashPoint(); // with --crash-after N, dies here like kill -9
  },
});

await stopped;
await consumer.disconnect(); // commits and leaves the group: its partitions move at once
// kafkajs 2.2.4 can keep a connection to a coordinator that died and came back open after
// disconnect(), which would keep this process alive (until the broker closes it as idle, 10 minutes
// in Kafka): end it here.
process.exit(0);
