// Step 4: read the events written with sample.avsc through event-v2.avsc (a new field with a
// default), and send them, encoded with version 2, to avro-events-v2.
//   node avro/typescript/evolve-add.ts
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { loadType } from './schemas.ts';
import { bootstrapServers } from './workspace.ts';

const v1 = loadType('sample.avsc');
const v2 = loadType('event-v2.avsc');
// TODO: a resolver that reads v1 bytes as v2: v2.createResolver(v1).

const kafka = new Kafka({ clientId: 'evolve-add', brokers: bootstrapServers, logLevel: logLevel.WARN });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

// TODO: consume the 100 events of 'avro-events' (group 'avro-evolve', from the beginning), decode
//       each with v2.fromBuffer(bytes, resolver), encode it again with v2, and send the 100 new
//       values to 'avro-events-v2'. Print one event: what is its `source`?
