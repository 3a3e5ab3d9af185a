// Step 3: a compacted topic as a table — 20 rounds of price updates for 10 products, one round
// every 50 ms, to prices.
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
// TODO: create prices (1 partition) with cleanup.policy=compact, min.cleanable.dirty.ratio=0.01
//       and segment.ms=100, unless it exists.
await admin.disconnect();

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();
for (let update = 0; update < UPDATES; update++) {
  for (let product = 0; product < PRODUCTS; product++) {
    const price = (10 + product + update * 0.25).toFixed(2);
    // TODO: send key `product-${product}`, value `product-${product} price update #${update}: ${price}`.
  }
  await setTimeout(ROUND_EVERY_MS);
}
await producer.disconnect();
