import { describe, expect, it } from 'vitest';
import { CompressionTypes, Partitioners } from 'kafkajs';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

const cluster = useCluster({ brokers: 3, seed: 7 });

describe('kafkajs producing and fetching', () => {
  it('auto-creates a topic on first send and reads back 100 messages in order', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('sample');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = Array.from({ length: 100 }, (_, i) => ({ value: `message #${i} from producer-0` }));
    const [result] = await producer.send({ topic, messages });
    await producer.disconnect();

    expect(result).toMatchObject({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' });
    const read = await fetchMessages(kafka, topic, 0);
    expect(read.map((m) => m.value?.toString())).toEqual(messages.map((m) => m.value));
    expect(read.map((m) => Number(m.offset))).toEqual(messages.map((_, i) => i));
    const snapshot = cluster().describe().topics.find((t) => t.name === topic)!;
    expect(snapshot.partitions[0]).toMatchObject({ logStartOffset: 0, logEndOffset: 100, highWatermark: 100 });
  });

  it.each([
    ['acks=0', 0],
    ['acks=1', 1],
    ['acks=-1', -1],
  ])('stores what a producer sends with %s', async (_name, acks) => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('acks');
    const admin = kafka.admin();
    await admin.connect();
    await eventually(() => admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }] }), 'topic creation');
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < 5; i++) await producer.send({ topic, acks, messages: [{ value: `v${i}` }] });
    await producer.disconnect();
    const read = await fetchMessages(kafka, topic, 0, { count: 5 });
    expect(read.map((m) => m.value?.toString())).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('keeps keys, headers and timestamps, and serves gzip batches as sent', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('gzip');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: String(1_700_000_000_000 + i), headers: { n: String(i) } })),
    });
    await producer.disconnect();
    const read = await fetchMessages(kafka, topic, 0, { count: 20 });
    expect(read).toHaveLength(20);
    expect(read[7].key?.toString()).toBe('k7');
    expect(read[7].headers.n?.toString()).toBe('7');
    expect(read[7].timestamp).toBe('1700000000007');
  });
});
