import { describe, expect, it } from 'vitest';
import { Partitioners, type Kafka } from 'kafkajs';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { readUntilSentinel } from './support/consume.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { internalCluster, leaderBroker } from '../testkit/kafkajs-internal.ts';

const cluster = useCluster({ brokers: 3, groupInitialRebalanceDelayMs: 0, seed: 5 });

async function createTopic(kafka: Kafka, topic: string) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  await admin.disconnect();
}

const transactionalProducer = (kafka: Kafka, transactionalId: string) =>
  kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });

describe('idempotent producers', () => {
  it('a retried batch is stored once and answered with its original offset; a gap is refused', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('idempotent');
    await createTopic(kafka, topic);
    const client = internalCluster(kafka);
    await client.connect();
    const broker = (await leaderBroker(client, topic)) as unknown as {
      initProducerId(o: object): Promise<{ producerId: string; producerEpoch: number }>;
      produce(o: object): Promise<{ topics: { partitions: { errorCode: number; baseOffset: string }[] }[] }>;
    };
    const { producerId, producerEpoch } = await broker.initProducerId({ transactionTimeout: 30000 });
    const send = (firstSequence: number, values: string[]) =>
      broker
        .produce({ producerId, producerEpoch, topicData: [{ topic, partitions: [{ partition: 0, firstSequence, messages: values.map((value) => ({ value })) }] }] })
        .then((r) => r.topics[0].partitions[0])
        .catch((error: { type?: string }) => ({ errorCode: -2, baseOffset: error.type ?? String(error) }));

    expect(await send(0, ['a', 'b'])).toMatchObject({ errorCode: 0, baseOffset: '0' });
    expect(await send(2, ['c'])).toMatchObject({ errorCode: 0, baseOffset: '2' });
    expect(await send(0, ['a', 'b'])).toMatchObject({ errorCode: 0, baseOffset: '0' }); // the retry
    expect(await send(5, ['gap'])).toMatchObject({ baseOffset: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    await client.disconnect();

    const stored = await fetchMessages(kafka, topic, 0);
    expect(stored.map((m) => m.value?.toString())).toEqual(['a', 'b', 'c']);
  });
});

describe('transactions', () => {
  it('records of an open transaction are invisible to read_committed consumers until it commits', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('txn-commit');
    await createTopic(kafka, topic);
    const producer = transactionalProducer(kafka, uniqueTopic('tx'));
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'one' }, { value: 'two' }] });

    const partition = () => cluster().describe().topics.find((t) => t.name === topic)!.partitions[0];
    expect(partition().highWatermark).toBe(2);
    expect(await readUntilSentinel(kafka, topic, { readUncommitted: true })).toEqual(['one', 'two']);
    const beforeCommit = readUntilSentinel(kafka, topic); // blocks at the open transaction
    await txn.commit();
    expect(await beforeCommit).toEqual(['one', 'two']);
    await producer.disconnect();
  });

  it('records of an aborted transaction are never visible to read_committed consumers', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('txn-abort');
    await createTopic(kafka, topic);
    const producer = transactionalProducer(kafka, uniqueTopic('tx'));
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'never-1' }, { value: 'never-2' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'kept' }] });
    await committed.commit();
    await producer.disconnect();

    expect(await readUntilSentinel(kafka, topic)).toEqual(['kept']);
    expect(await readUntilSentinel(kafka, topic, { readUncommitted: true })).toEqual(['never-1', 'never-2', 'kept']);
  });

  it('a new producer with the same transactional id fences the old one and aborts what it left open', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('txn-fence');
    const transactionalId = uniqueTopic('tx');
    await createTopic(kafka, topic);
    const zombie = transactionalProducer(kafka, transactionalId);
    await zombie.connect();
    const open = await zombie.transaction();
    await open.send({ topic, messages: [{ value: 'zombie' }] });

    const successor = transactionalProducer(kafka, transactionalId);
    await successor.connect();
    const txn = await successor.transaction();
    await txn.send({ topic, messages: [{ value: 'successor' }] });
    await txn.commit();

    await expect(open.commit()).rejects.toThrow(/fenced|epoch/i);
    expect(await readUntilSentinel(kafka, topic)).toEqual(['successor']);
    await Promise.all([zombie.disconnect(), successor.disconnect()]);
  });

  it('a transaction left open past its timeout is aborted', async () => {
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('txn-timeout');
    await createTopic(kafka, topic);
    const producer = kafka.producer({ transactionalId: uniqueTopic('tx'), idempotent: true, maxInFlightRequests: 1, transactionTimeout: 1000 });
    await producer.connect();
    const txn = await producer.transaction();
    await txn.send({ topic, messages: [{ value: 'too-slow' }] });
    const completed = await cluster().events.waitFor('transaction-completed', (e) => e.outcome === 'abort', 10_000);
    expect(completed.outcome).toBe('abort');
    await expect(txn.commit()).rejects.toThrow();
    expect(await readUntilSentinel(kafka, topic)).toEqual([]);
    await producer.disconnect();
  });

  it('a consume-transform-produce loop with sendOffsets is exactly-once across a failed attempt', async () => {
    const kafka = kafkaFor(cluster());
    const input = uniqueTopic('eos-in');
    const output = uniqueTopic('eos-out');
    const groupId = uniqueTopic('eos-group');
    await createTopic(kafka, input);
    await createTopic(kafka, output);
    const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await plain.connect();
    await plain.send({ topic: input, messages: Array.from({ length: 20 }, (_, i) => ({ value: `m${i}` })) });
    await plain.disconnect();

    const producer = transactionalProducer(kafka, uniqueTopic('eos-tx'));
    await producer.connect();
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, retry: { retries: 5, initialRetryTime: 50 } });
    await consumer.connect();
    await consumer.subscribe({ topic: input, fromBeginning: true });
    let failedOnce = false;
    let processed = 0;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const txn = await producer.transaction();
        await txn.send({ topic: output, messages: [{ value: message.value!.toString().toUpperCase() }] });
        await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] });
        if (message.offset === '7' && !failedOnce) {
          failedOnce = true;
          await txn.abort();
          throw new Error('simulated failure after producing');
        }
        await txn.commit();
        processed++;
      },
    });
    await eventually(() => processed === 20, 'all 20 input records processed', 30_000);
    await consumer.disconnect();
    await producer.disconnect();

    const expected = Array.from({ length: 20 }, (_, i) => `M${i}`);
    expect(await readUntilSentinel(kafka, output)).toEqual(expected);
    const uncommitted = await readUntilSentinel(kafka, output, { readUncommitted: true });
    expect(uncommitted).toHaveLength(21); // the aborted attempt's record is in the log, hidden
    const group = cluster().describe().groups.find((g) => g.groupId === groupId)!;
    expect(group.offsets).toContainEqual(expect.objectContaining({ topic: input, partition: 0, committed: 20 }));
  });
});
