// kafka-python (the course notebooks' client) against the embedded cluster, run as real Python
// subprocesses: the scripts in ./clients print one JSON line per record and these tests read them.
// No consumer groups here (group_id=None); groups have their own tests.

import { expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';

interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestamp_type: number;
  key: string | null;
  value: unknown;
  headers: [string, string | null][];
}

const cluster = useCluster({ brokers: 3, seed: 21 });
const python = findKafkaPython();

const courseMessages = (count: number) => Array.from({ length: count }, (_, i) => `message #${i} from producer-0`);

describeWithClient(python, 'kafka-python', (pythonCommand) => {
  const bootstrap = () => cluster().bootstrapServers.join(',');
  const script = async <T = ConsumedRecord>(name: string, ...args: (string | number)[]): Promise<T[]> => {
    const { stdout } = await run(pythonCommand, [`${CLIENT_SCRIPTS}${name}`, bootstrap(), ...args.map(String)], {
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
    });
    return jsonLines<T>(stdout);
  };

  it('sends 100 messages with a default (idempotent) producer and reads all of them back in order with their offsets and timestamps', async () => {
    const topic = uniqueTopic('notebook');
    const appended: { producerId: number }[] = [];
    const stopWatching = cluster().events.on('records-appended', (e) => e.topic === topic && appended.push(e));
    const before = Date.now();
    const acks = await script<{ partition: number; offset: number; timestamp: number }>('produce_messages.py', topic);
    const after = Date.now();
    stopWatching();

    expect(acks.map((a) => a.offset)).toEqual(courseMessages(100).map((_, i) => i));
    expect(new Set(acks.map((a) => a.partition))).toEqual(new Set([0]));
    // kafka-python enables idempotence by default: the batches carry the id InitProducerId gave it.
    expect(appended.length).toBeGreaterThan(0);
    expect(appended.every((e) => e.producerId >= 0)).toBe(true);

    const records = await script('consume_iterator.py', topic);
    expect(records.map((r) => r.value)).toEqual(courseMessages(100));
    expect(records.map((r) => r.offset)).toEqual(courseMessages(100).map((_, i) => i));
    for (const r of records) {
      expect(r.timestamp_type).toBe(0); // CreateTime
      expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000);
      expect(r.timestamp).toBeLessThanOrEqual(after + 1000);
    }
    expect(cluster().describe().topics.find((t) => t.name === topic)?.partitions[0]).toMatchObject({ logEndOffset: 100, highWatermark: 100 });
  });

  it('reads the same records with a poll(timeout_ms=1000) loop', async () => {
    const topic = uniqueTopic('poll');
    await script('produce_messages.py', topic, 30);
    const lines = await script<ConsumedRecord & { summary?: boolean; received?: number; polls?: number }>('consume_poll.py', topic, 30);
    const summary = lines.find((l) => l.summary)!;
    const records = lines.filter((l) => !l.summary);
    expect(records.map((r) => r.value)).toEqual(courseMessages(30));
    expect(records.map((r) => r.offset)).toEqual(courseMessages(30).map((_, i) => i));
    expect(summary.received).toBe(30);
  });

  it('round-trips JSON sensor readings through value_serializer and value_deserializer', async () => {
    const topic = uniqueTopic('sensors');
    const sent = (await script<{ sent: { id: string; timestamp: number; value: number } }>('sensor_json.py', topic, 'produce', 12)).map((l) => l.sent);
    expect(sent).toHaveLength(12);
    const records = await script('sensor_json.py', topic, 'consume');
    expect(records.map((r) => r.value)).toEqual(sent);
    expect(sent[5]).toMatchObject({ id: 'sensor-2', value: 21.25 });
  });

  it('reads one assigned partition from a sought offset, with its beginning and end offsets', async () => {
    const topic = uniqueTopic('assign');
    cluster().createTopic({ name: topic, partitions: 3, replicationFactor: 2 });
    const kafka = kafkaFor(cluster());
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const partition of [0, 1, 2]) {
      await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition, value: `p${partition}-${i}` })) });
    }
    await producer.disconnect();

    const [offsets, position, ...records] = await script<ConsumedRecord & { beginning?: number; end?: number; position?: number }>('assign_seek.py', topic, 2, 6);
    expect(offsets).toEqual({ beginning: 0, end: 10 });
    expect(position).toEqual({ position: 6 });
    expect(records.map((r) => [r.partition, r.offset, r.value])).toEqual([6, 7, 8, 9].map((i) => [2, i, `p2-${i}`]));
  });

  it('reads what kafkajs produced, keys and headers included', async () => {
    const topic = uniqueTopic('from-kafkajs');
    const producer = kafkaFor(cluster()).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `from kafkajs ${i}`, headers: { source: 'kafkajs', n: String(i) } })),
    });
    await producer.disconnect();

    const records = await script('consume_iterator.py', topic);
    expect(records).toHaveLength(20);
    expect(records[13]).toMatchObject({ offset: 13, key: 'k13', value: 'from kafkajs 13', headers: [['source', 'kafkajs'], ['n', '13']] });
  });

  it('writes records that kafkajs reads back, keys and headers included', async () => {
    const topic = uniqueTopic('to-kafkajs');
    await script('produce_messages.py', topic, 15, '--keyed');
    const messages = await fetchMessages(kafkaFor(cluster()), topic, 0, { count: 15 });
    expect(messages.map((m) => m.value?.toString())).toEqual(courseMessages(15));
    expect(messages[4].key?.toString()).toBe('key-4');
    expect(messages[4].headers.source?.toString()).toBe('kafka-python');
  });
});
