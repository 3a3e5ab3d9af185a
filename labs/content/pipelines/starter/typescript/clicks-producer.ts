// Step 1's input, complete: 300 clicks on four sites, keyed by domain, to the topic clicks (3 partitions).
//   node pipelines/typescript/clicks-producer.ts
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const SITES = [['news.example', 120], ['shop.example', 90], ['blog.example', 60], ['docs.example', 30]] as const;

const kafka = new Kafka({ clientId: 'clicks-producer', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes('clicks')) await admin.createTopics({ topics: [{ topic: 'clicks', numPartitions: 3 }], waitForLeaders: true });
await admin.disconnect();

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
const messages = SITES.flatMap(([domain, count]) =>
  Array.from({ length: count }, (_, i) => ({ key: domain, value: JSON.stringify({ url: `https://${domain}/page/${i % 7}`, user: `u${(i * 13) % 40}` }) })),
);
await producer.send({ topic: 'clicks', messages });
console.log(`sent ${messages.length} clicks`);
await producer.disconnect();
