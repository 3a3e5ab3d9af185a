// A kafkajs group member in its own process, so a test can kill it without a goodbye (SIGKILL).
// Prints one JSON line per assignment change and per message.

import { Kafka, logLevel } from 'kafkajs';

const [brokers, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = new Kafka({ brokers: brokers.split(','), clientId: 'killable-member', logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 500, maxWaitTimeInMs: 500 });
consumer.on(consumer.events.GROUP_JOIN, (e) => {
  console.log(JSON.stringify({ event: 'assigned', assignment: e.payload.memberAssignment }));
});
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async ({ partition, message }) => console.log(JSON.stringify({ event: 'message', partition, offset: message.offset })) });
