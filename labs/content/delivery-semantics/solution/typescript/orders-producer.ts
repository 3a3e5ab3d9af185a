// Step 1: 100 orders to the topic orders, keyed by order id: "order-17 charge 12.50".
//   node delivery-semantics/typescript/orders-producer.ts [count]
import { Partitioners } from 'kafkajs';
import { client, ensureTopic } from './payments.ts';

const count = Number(process.argv[2] ?? 100);
const kafka = client('orders-producer');
await ensureTopic(kafka, 'orders');

const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
await producer.connect();
const messages = Array.from({ length: count }, (_, i) => ({ key: `order-${i}`, value: `order-${i} charge ${(5 + ((i * 37) % 50)).toFixed(2)}` }));
const [meta] = await producer.send({ topic: 'orders', acks: -1, messages });
console.log(`sent ${count} orders to orders[${meta.partition}] from offset ${meta.baseOffset}`);
await producer.disconnect();
