// Step 1: create sample2 with 3 partitions, then send readings keyed by sensor: sensor-0 … sensor-5.
//   node consumer-groups/typescript/keyed-producer.ts [count] [ms-between]
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const count = Number(process.argv[2] ?? 60);
const pause = Number(process.argv[3] ?? 0);
const SENSORS = 6;

const kafka = new Kafka({ clientId: 'keyed-producer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const admin = kafka.admin();
await admin.connect();
// TODO: if sample2 does not exist, create it with numPartitions 3 and replicationFactor
//       Math.min(3, number of brokers) (admin.describeCluster() lists them).
const offsets = (await admin.listTopics()).includes('sample2') ? await admin.fetchTopicOffsets('sample2') : [];
await admin.disconnect();
const sent = offsets.reduce((sum, p) => sum + Number(p.high), 0); // readings already sent: go on from there

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
for (let i = sent; i < sent + count; i++) {
  const key = `sensor-${i % SENSORS}`;
  const value = `${key} reading #${Math.floor(i / SENSORS)}`;
  // TODO: send { key, value } to sample2 and print which partition and offset it went to.
  if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
}
await producer.disconnect();
