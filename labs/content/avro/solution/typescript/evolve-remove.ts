// Step 5: events written with event-v3.avsc (no field `value`) cannot be read with sample.avsc.
//   node avro/typescript/evolve-remove.ts
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const v1 = loadType('sample.avsc');
const v3 = loadType('event-v3.avsc');

const kafka = new Kafka({ clientId: 'evolve-remove', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const messages = Array.from({ length: 10 }, (_, i) => ({ value: v3.toBuffer({ key: `key-${i}`, timestamp: Date.now() }) }));
await producer.send({ topic: 'avro-events-v3', messages });
await producer.disconnect();
console.log('sent 10 events written with event-v3.avsc to avro-events-v3');

// A consumer still on sample.avsc: it needs `value`, which v3 data lacks and v1 gives no default.
try {
  const resolver = v1.createResolver(v3);
  console.log('unexpectedly readable:', v1.fromBuffer(messages[0].value, resolver));
} catch (error) {
  console.log(`sample.avsc cannot read event-v3.avsc data: ${(error as Error).message}`);
}
