// Step 8: rounds of numbered orders, one send() per round naming all three partitions of
// spread-orders; the lab kills a partition's leader while a round is on its way.
//   node delivery-semantics/typescript/spread-producer.ts [rounds] [ms-between]
import { Partitioners } from 'kafkajs';
import { client, RETRIES } from './payments.ts';

const rounds = Number(process.argv[2] ?? 10);
const pause = Number(process.argv[3] ?? 500);
const PARTITIONS = [0, 1, 2];
const topic = 'spread-orders';

const kafka = client('spread-producer');
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(topic)) {
  const replicationFactor = Math.min(3, (await admin.describeCluster()).brokers.length);
  const configEntries = [{ name: 'min.insync.replicas', value: '2' }];
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor, configEntries }] });
}
await admin.disconnect();

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: RETRIES });
await producer.connect();
for (let round = 0; round < rounds; round++) {
  let pending = PARTITIONS.map((partition) => ({ partition, value: `order #${round * PARTITIONS.length + partition}` }));
  while (pending.length > 0) {
    const answer = await producer.send({ topic, acks: -1, messages: pending });
    console.log(`round ${round}: ${answer.map((r) => `${topic}[${r.partition}]@${r.baseOffset}`).join(' ')}`);
    const written = new Set(answer.map((r) => r.partition));
    pending = pending.filter((m) => !written.has(m.partition));
    if (pending.length > 0) console.log(`round ${round}: send() resolved without ${pending.map((m) => `${topic}[${m.partition}]`).join(', ')}: sending again`);
  }
  await new Promise((resolve) => setTimeout(resolve, pause));
}
await producer.disconnect();
