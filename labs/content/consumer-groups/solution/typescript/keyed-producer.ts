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
if (!(await admin.listTopics()).includes('sample2')) {
  const { brokers } = await admin.describeCluster();
  await admin.createTopics({ topics: [{ topic: 'sample2', numPartitions: 3, replicationFactor: Math.min(3, brokers.length) }], waitForLeaders: true });
}
// Where each sensor's readings go on: the last reading number per key, so a second run continues.
const offsets = (await admin.listTopics()).includes('sample2') ? await admin.fetchTopicOffsets('sample2') : [];
await admin.disconnect();
const sent = offsets.reduce((sum, p) => sum + Number(p.high), 0);

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
for (let i = sent; i < sent + count; i++) {
  const key = `sensor-${i % SENSORS}`;
  const value = `${key} reading #${Math.floor(i / SENSORS)}`;
  const [meta] = await producer.send({ topic: 'sample2', messages: [{ key, value }] });
  console.log(`${value} → sample2[${meta.partition}] offset ${meta.baseOffset}`);
  if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
}
await producer.disconnect();
