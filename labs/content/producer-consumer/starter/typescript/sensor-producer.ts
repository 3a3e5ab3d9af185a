// Step 6: readings {id, timestamp, value} as JSON to the topic data, one every interval.
//   node producer-consumer/typescript/sensor-producer.ts [count] [interval-ms]
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const count = Number(process.argv[2] ?? 100);
const intervalMs = Number(process.argv[3] ?? 200);

const kafka = new Kafka({ clientId: 'sensor-producer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

await producer.connect();
for (let i = 0; i < count; i++) {
  // TODO: make a reading { id, timestamp, value } (timestamp: Date.now(), value: a temperature) and
  //       send it to the topic 'data' as JSON.
  await sleep(intervalMs);
}
await producer.disconnect();
