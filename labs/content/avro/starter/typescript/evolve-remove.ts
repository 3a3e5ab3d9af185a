// Step 5: events written with event-v3.avsc (no field `value`) cannot be read with sample.avsc.
//   node avro/typescript/evolve-remove.ts
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const v1 = loadType('sample.avsc');
const v3 = loadType('event-v3.avsc');

const kafka = new Kafka({ clientId: 'evolve-remove', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

// TODO: send 10 events { key, timestamp } encoded with v3 to 'avro-events-v3'.
// TODO: try to read one of them with sample.avsc as the reader's schema (v1.createResolver(v3))
//       and print the error you get. Why does it fail?
