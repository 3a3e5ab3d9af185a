// Step 3: a compacted topic as a table — 20 rounds of price updates for 10 products, one round
// every 50 ms, to prices (cleanup.policy=compact, a new segment every 100 ms, cleaned as soon as 1%
// of it is dirty): the closed segments keep only the last price of each product, at its offset; the
// older ones leave gaps.
//   node pipelines/typescript/price-updates.ts
import { setTimeout } from 'node:timers/promises';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const PRODUCTS = 10;
const UPDATES = 20;
const ROUND_EVERY_MS = 50;
const kafka = new Kafka({ clientId: 'price-updates', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes('prices')) {
  const configEntries = [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
    { name: 'segment.ms', value: '100' },
  ];
  await admin.createTopics({ topics: [{ topic: 'prices', numPartitions: 1, configEntries }], waitForLeaders: true });
}
await admin.disconnect();

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
for (let update = 0; update < UPDATES; update++) {
  for (let product = 0; product < PRODUCTS; product++) {
    const price = (10 + product + update * 0.25).toFixed(2);
    await producer.send({ topic: 'prices', messages: [{ key: `product-${product}`, value: `product-${product} price update #${update}: ${price}` }] });
  }
  await setTimeout(ROUND_EVERY_MS);
}
console.log(`sent ${PRODUCTS * UPDATES} price updates for ${PRODUCTS} products`);
await producer.disconnect();
