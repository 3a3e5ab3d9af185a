// Step 3: a compacted topic as a table — 20 price updates for each of 10 products to prices.
//   node pipelines/typescript/price-updates.ts
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { bootstrapServers } from './workspace.ts';

const PRODUCTS = 10;
const UPDATES = 20;
const kafka = new Kafka({ clientId: 'price-updates', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
// TODO: create prices (1 partition) with cleanup.policy=compact and min.cleanable.dirty.ratio=0.01,
//       unless it exists.
await admin.disconnect();

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
for (let update = 0; update < UPDATES; update++) {
  for (let product = 0; product < PRODUCTS; product++) {
    const price = (10 + product + update * 0.25).toFixed(2);
    // TODO: send key `product-${product}`, value `product-${product} price update #${update}: ${price}`.
  }
}
await producer.disconnect();
