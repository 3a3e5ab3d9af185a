// Reading a topic with a real kafkajs consumer group until a sentinel value arrives: every record
// before the sentinel (on a one-partition topic) has then been delivered, so a test can assert what
// a consumer sees — and what it never sees.

import { Partitioners, type Kafka } from 'kafkajs';
import { eventually, uniqueTopic } from './cluster.ts';

export async function readUntilSentinel(kafka: Kafka, topic: string, { readUncommitted = false } = {}): Promise<string[]> {
  const sentinel = `sentinel-${uniqueTopic()}`;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: [{ value: sentinel }] });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: uniqueTopic('reader'), readUncommitted, maxWaitTimeInMs: 200 });
  const values: string[] = [];
  let done = false;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString() ?? '';
      if (value === sentinel) done = true;
      else if (!done && !value.startsWith('sentinel-')) values.push(value);
    },
  });
  try {
    await eventually(() => done, `the sentinel on ${topic}`, 20_000);
  } finally {
    await consumer.disconnect();
  }
  return values;
}
