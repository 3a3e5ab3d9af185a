import { describe, expect, it } from 'vitest';
import { Partitioners, type Kafka } from 'kafkajs';
import { kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

const cluster = useCluster({ brokers: 3, seed: 5 });

async function createTopic(kafka: Kafka, topic: string, options: { numPartitions?: number; configEntries?: { name: string; value: string }[] } = {}) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, replicationFactor: 3, ...options }] });
    return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions;
  } finally {
    await admin.disconnect();
  }
}

async function withProducer<T>(kafka: Kafka, use: (producer: ReturnType<Kafka['producer']>) => Promise<T>): Promise<T> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect();
  }
}

describe('kafkajs partitioning and topic-level produce rules', () => {
  it('stores each keyed message on the partition kafkajs\'s DefaultPartitioner picks for its key', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('keyed');
    const partitionMetadata = await createTopic(kafka, topic, { numPartitions: 6 });
    const messages = Array.from({ length: 40 }, (_, i) => ({ key: `customer-${i}`, value: `order ${i}` }));
    await withProducer(kafka, (producer) => producer.send({ topic, messages }));

    const choose = Partitioners.DefaultPartitioner();
    const expected = new Map(messages.map((m) => [m.key, choose({ topic, partitionMetadata, message: m })]));
    const stored = new Map<string, number>();
    for (let partition = 0; partition < 6; partition++) {
      for (const m of await fetchMessages(kafka, topic, partition)) stored.set(m.key!.toString(), partition);
    }
    expect(stored).toEqual(expected);
    expect(new Set(expected.values()).size).toBeGreaterThan(1);
  });

  it('replaces the producer\'s timestamps with the broker\'s time on a LogAppendTime topic', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('append-time');
    await createTopic(kafka, topic, { configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] });
    const before = Date.now();
    const [result] = await withProducer(kafka, (producer) =>
      producer.send({ topic, messages: [{ value: 'a', timestamp: '1000' }, { value: 'b', timestamp: '2000' }] }),
    );
    const after = Date.now();

    const logAppendTime = Number(result.logAppendTime);
    expect(logAppendTime).toBeGreaterThanOrEqual(before);
    expect(logAppendTime).toBeLessThanOrEqual(after);
    const read = await fetchMessages(kafka, topic, 0, { count: 2 });
    expect(read.map((m) => Number(m.timestamp))).toEqual([logAppendTime, logAppendTime]);
  });

  it('keeps the producer\'s timestamps on a CreateTime topic and reports no log append time', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('create-time');
    await createTopic(kafka, topic);
    const [result] = await withProducer(kafka, (producer) => producer.send({ topic, messages: [{ value: 'a', timestamp: '1000' }] }));

    expect(result.logAppendTime).toBe('-1');
    const [read] = await fetchMessages(kafka, topic, 0, { count: 1 });
    expect(read.timestamp).toBe('1000');
  });

  it('refuses a batch larger than the topic\'s max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('small-messages');
    await createTopic(kafka, topic, { configEntries: [{ name: 'max.message.bytes', value: '1000' }] });

    const error = await withProducer(kafka, (producer) => producer.send({ topic, messages: [{ value: 'x'.repeat(5000) }] })).then(
      () => null,
      (e) => e,
    );
    await withProducer(kafka, (producer) => producer.send({ topic, messages: [{ value: 'small enough' }] }));

    expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'MESSAGE_TOO_LARGE' });
    const read = await fetchMessages(kafka, topic, 0);
    expect(read.map((m) => m.value?.toString())).toEqual(['small enough']);
  });
});
