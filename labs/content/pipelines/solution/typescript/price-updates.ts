// Step 3: a compacted topic as a table — 20 price updates for each of 10 products to prices
// (cleanup.policy=compact, cleaned as soon as 1% of it is dirty): the log keeps, in the end, only
// the last price of each product, at its offset; the older ones leave gaps.
//   node pipelines/typescript/price-updates.ts
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const PRODUCTS = 10;
const UPDATES = 20;
const kafka = new Kafka({ clientId: 'price-updates', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes('prices')) {
  const configEntries = [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'min.cleanable.dirty.ratio', value: '0.01' },
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
}
console.log(`sent ${PRODUCTS * UPDATES} price updates for ${PRODUCTS} products`);
await producer.disconnect();
