// Steps 2–7: one member of a consumer group reading sample2, printing its assignment whenever the
// group rebalances, and every record it is handed. Runs until Ctrl-C.
//   node consumer-groups/typescript/group-consumer.ts <name> [--group my-group] [--crash-after N]
import { Kafka, logLevel } from 'kafkajs';
import { args, crashPoint } from './crash.ts';
import { bootstrapServers } from './workspace.ts';

const name = args[0] ?? 'consumer';
const groupId = args.includes('--group') ? args[args.indexOf('--group') + 1] : 'my-group';

const kafka = new Kafka({ clientId: name, brokers: bootstrapServers, logLevel: logLevel.NOTHING });
// TODO: a consumer in groupId with the course's settings: sessionTimeout 6000, rebalanceTimeout 6000
//       (what max.poll.interval.ms is in the Python client), heartbeatInterval 1000.
// TODO: on consumer.events.GROUP_JOIN print `${name} joined ${groupId}: assigned sample2[0,2]`
//       (payload.memberAssignment.sample2 holds the partitions).

const { promise: stopped, resolve: stop } = Promise.withResolvers<void>();
process.once('SIGINT', () => stop());

// TODO: connect, subscribe to sample2 from the beginning, and run: print each record (partition,
//       offset, key, value), then call crashPoint().

await stopped;
// TODO: disconnect (it commits and leaves the group).
// kafkajs 2.2.4 can keep a connection to a coordinator that died and came back open after
// disconnect(), which would keep this process alive: end it explicitly.
process.exit(0);
