// Step 1: clicks per domain, as a table — read every click from the beginning (a group of its own
// each run: the job recomputes from the log), count per key, and write each domain's total to the
// compacted topic domain-totals, keyed by domain.
//   node pipelines/typescript/domain-totals.ts
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const kafka = new Kafka({ clientId: 'domain-totals', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes('domain-totals')) {
  await admin.createTopics({ topics: [{ topic: 'domain-totals', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
}
const ends = await admin.fetchTopicOffsets('clicks');
await admin.disconnect();

const totals = new Map<string, number>();
const left = new Map(ends.map((p) => [p.partition, Number(p.high)]));
const consumer = kafka.consumer({ groupId: `domain-totals-${Date.now()}` });
const { promise: done, resolve } = Promise.withResolvers<void>();
await consumer.connect();
await consumer.subscribe({ topics: ['clicks'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ partition, message }) => {
    const domain = message.key!.toString();
    totals.set(domain, (totals.get(domain) ?? 0) + 1);
    if (Number(message.offset) + 1 >= left.get(partition)!) left.delete(partition);
    if (left.size === 0) resolve();
  },
});
if ([...left.values()].every((end) => end === 0)) resolve();
await done;
await consumer.disconnect();

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: 'domain-totals', messages: [...totals].map(([domain, count]) => ({ key: domain, value: String(count) })) });
for (const [domain, count] of totals) console.log(`${domain}: ${count}`);
await producer.disconnect();
