import { afterEach, describe, expect, it } from 'vitest';
import { logLevel, Partitioners, type Kafka } from 'kafkajs';
import { ALL_APIS } from '../apis/index.ts';
import { Cluster } from '../cluster/cluster.ts';
import { startCluster, type ClusterEvent, type ClusterHandle, type ClusterOptions } from '../index.ts';
import { Writer } from '../protocol/wire.ts';
import { eventually, kafkaFor, uniqueTopic } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { RawConnection, requestFrame } from '../net/raw-connection.ts';

const running: ClusterHandle[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});

async function cluster(options: ClusterOptions = {}): Promise<ClusterHandle> {
  const handle = await startCluster({ brokers: 1, seed: 5, groupInitialRebalanceDelayMs: 0, ...options });
  running.push(handle);
  return handle;
}

async function createTopic(kafka: Kafka, topic: string, numPartitions = 1, replicationFactor = 1) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: true });
  await admin.disconnect();
}

type FaultFired = Extract<ClusterEvent, { type: 'fault-fired' }>;

/** Every fault-fired event from now on. */
function firings(c: ClusterHandle): FaultFired[] {
  const seen: FaultFired[] = [];
  c.events.on('fault-fired', (e) => seen.push(e));
  return seen;
}

const producerFor = (kafka: Kafka, retries = 5) =>
  kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries, initialRetryTime: 20, maxRetryTime: 100 } });

const partitionOf = (c: ClusterHandle, topic: string, index = 0) => c.describe().topics.find((t) => t.name === topic)!.partitions[index];

describe('per-request fault rules', () => {
  it('a NOT_LEADER_OR_FOLLOWER rule on Produce fires twice; kafkajs retries and the record is written once', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('not-leader');
    await createTopic(kafka, topic);
    const seen = firings(c);
    const id = c.addFaultRule({ match: { api: 'Produce', topic }, action: { error: 'NOT_LEADER_OR_FOLLOWER' }, times: 2 });
    const producer = producerFor(kafka);
    await producer.connect();
    const [acked] = await producer.send({ topic, acks: -1, messages: [{ value: 'through' }] });
    await producer.disconnect();

    expect(acked.errorCode).toBe(0);
    expect(seen.filter((e) => e.ruleId === id).map((e) => [e.fault, e.errorCode, e.fired])).toEqual([
      ['error', 6, 1],
      ['error', 6, 2],
    ]);
    expect(c.describe().faults.rules).toEqual([]);
    expect(partitionOf(c, topic).logEndOffset).toBe(1);
  });

  it('a rule on one partition fails only that partition; the rest of the same request is written', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('one-partition');
    await createTopic(kafka, topic, 2);
    c.addFaultRule({ match: { api: 'Produce', topic, partition: 0 }, action: { error: 'INVALID_RECORD' } });
    const producer = producerFor(kafka, 0);
    await producer.connect();
    // Both partitions travel in one Produce request to the one broker.
    const sending = producer.send({ topic, messages: [{ value: 'to-0', partition: 0 }, { value: 'to-1', partition: 1 }] });
    await expect(sending).rejects.toThrow();
    await producer.disconnect();
    expect(partitionOf(c, topic, 0).logEndOffset).toBe(0);
    expect(partitionOf(c, topic, 1).logEndOffset).toBe(1);
  });

  it('a swallowed Fetch gets no answer: kafkajs times the request out, and the next fetch is answered', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c, { requestTimeout: 500 });
    const topic = uniqueTopic('swallow');
    await createTopic(kafka, topic);
    const producer = producerFor(kafka);
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'waiting' }] });
    await producer.disconnect();
    const seen = firings(c);
    c.addFaultRule({ match: { api: 'Fetch', topic }, action: { swallow: true }, times: 1 });
    await expect(fetchMessages(kafka, topic, 0, { count: 1 })).rejects.toThrow(/timed out/i);
    expect(seen.map((e) => e.fault)).toEqual(['swallow']);
    expect((await fetchMessages(kafka, topic, 0, { count: 1 })).map((m) => m.value?.toString())).toEqual(['waiting']);
  });

  it('a delay rule holds the answer for at least its delay', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('delay');
    await createTopic(kafka, topic);
    const producer = producerFor(kafka);
    await producer.connect();
    const seen = firings(c);
    c.addFaultRule({ name: 'slow-produce', match: { api: 0, topic }, action: { delayMs: 300 }, times: 1 });
    const started = Date.now();
    await producer.send({ topic, messages: [{ value: 'late' }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await producer.disconnect();
    expect(seen).toMatchObject([{ source: 'rule', ruleName: 'slow-produce', fault: 'delay', delayMs: 300, api: 'Produce' }]);
  });

  it('a close rule drops the connection instead of answering; kafkajs reconnects and writes the record once', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('close');
    await createTopic(kafka, topic);
    const producer = producerFor(kafka);
    await producer.connect();
    const disconnected = c.events.waitFor('client-disconnected');
    c.addFaultRule({ match: { api: 'Produce' }, action: { close: true }, times: 1 });
    const [acked] = await producer.send({ topic, messages: [{ value: 'after-reconnect' }] });
    await disconnected;
    await producer.disconnect();
    expect(acked.errorCode).toBe(0);
    expect(partitionOf(c, topic).logEndOffset).toBe(1);
  });

  it('a Heartbeat rule matched on the group answers REBALANCE_IN_PROGRESS, and the kafkajs consumer rejoins', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('rejoin');
    await createTopic(kafka, topic);
    const groupId = uniqueTopic('group');
    const consumer = kafka.consumer({ groupId, heartbeatInterval: 100, maxWaitTimeInMs: 100 });
    let joins = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => joins++);
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({ eachMessage: async () => {} });
    try {
      await eventually(() => joins === 1, 'the first join');
      const seen = firings(c);
      c.addFaultRule({ match: { api: 'Heartbeat', group: groupId }, action: { error: 'REBALANCE_IN_PROGRESS' }, times: 1 });
      await eventually(() => joins === 2, 'the consumer to rejoin');
      expect(seen).toMatchObject([{ api: 'Heartbeat', fault: 'error', errorCode: 27 }]);
    } finally {
      await consumer.disconnect();
    }
  });

  it('a throttled response carries throttle_time_ms to kafkajs, and the broker mutes the connection that long', async () => {
    const c = await cluster();
    const logged: string[] = [];
    const kafka = kafkaFor(c, { logLevel: logLevel.DEBUG, logCreator: () => ({ log }) => logged.push(log.message) });
    const topic = uniqueTopic('throttle');
    await createTopic(kafka, topic);
    const producer = producerFor(kafka);
    await producer.connect();
    c.addFaultRule({ match: { api: 'Produce', topic }, action: { throttleMs: 250 }, times: 1 });
    await producer.send({ topic, messages: [{ value: 'throttled' }] });
    await producer.disconnect();
    expect(logged).toContain('Client side throttling in effect for 250ms');

    // Two requests sent back to back on one connection: the broker takes up the second only after the mute.
    c.throttle({ ms: 300 });
    const raw = await RawConnection.open(c.bootstrapServers[0]);
    const handledAt: number[] = [];
    c.events.on('request-handled', (e) => e.clientId === 'raw' && handledAt.push(e.time));
    try {
      const metadataV4 = (correlationId: number) => ({ apiKey: 3, version: 4, correlationId, body: new Writer(8).int32(0).int8(0).toBuffer() });
      raw.send(Buffer.concat([requestFrame(metadataV4(1)), requestFrame(metadataV4(2))]));
      const first = await raw.next();
      expect(first!.readInt32BE(4)).toBe(300); // throttle_time_ms, right after the correlation id
      await raw.next();
      expect(handledAt).toHaveLength(2);
      expect(handledAt[1] - handledAt[0]).toBeGreaterThanOrEqual(295);
    } finally {
      raw.destroy();
    }
    c.throttle({ ms: 0 });
    expect(c.describe().faults.throttle).toEqual([]);
  });

  it('rules are listed in describe() with what they have left, and removed by id or name', () => {
    const c = new Cluster({ brokers: 2 });
    const first = c.addFaultRule({ name: 'flaky-commits', match: { api: 'OffsetCommit', group: 'g' }, action: { error: 'NOT_COORDINATOR' }, times: 3 });
    const second = c.addFaultRule({ match: { brokerId: 2 }, action: { delayMs: 50, jitterMs: 10 } });
    expect(c.describe().faults.rules).toEqual([
      { id: first, name: 'flaky-commits', match: { api: 'OffsetCommit', group: 'g' }, action: { error: 'NOT_COORDINATOR' }, remaining: 3, fired: 0 },
      { id: second, name: null, match: { brokerId: 2 }, action: { delayMs: 50, jitterMs: 10 }, remaining: null, fired: 0 },
    ]);
    expect(c.removeFaultRule('flaky-commits')).toBe(true);
    expect(c.removeFaultRule(first)).toBe(false);
    c.clearFaultRules();
    expect(c.describe().faults.rules).toEqual([]);
  });

  it('refuses a rule that cannot work, naming every problem', () => {
    const c = new Cluster({ brokers: 1 });
    const refusal = (rule: unknown) => {
      try {
        c.addFaultRule(rule as never);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ match: { api: 'Prodce' }, action: { error: 6 } })).toContain('unknown API "Prodce"');
    expect(refusal({ match: { api: 'DescribeGroups' }, action: { error: 'NOT_COORDINATOR' } })).toContain('DescribeGroups cannot be answered with an injected error');
    expect(refusal({ match: { partition: 1 }, action: { close: true } })).toContain('match.partition: needs match.topic');
    expect(refusal({ match: { api: 'ApiVersions', group: 'g' }, action: { close: true } })).toContain('ApiVersions requests name no topic');
    expect(refusal({ action: { error: 'NOT_AN_ERROR' } })).toContain('unknown error "NOT_AN_ERROR"');
    expect(refusal({ action: { close: true, swallow: true } })).toContain('close and swallow at once');
    expect(refusal({ action: { delayMs: -1 } })).toContain('delayMs: expected whole milliseconds');
    const twoProblems = refusal({ match: { topics: ['x'] }, action: { close: true }, times: 0 });
    expect(twoProblems).toContain('rule.match.topics: not a match field');
    expect(twoProblems).toContain('rule.times: expected a whole number');
    expect(refusal({ action: { error: 'UNKNOWN_TOPIC_OR_PARTITION' }, times: 1 })).toBe('accepted');
  });

  it('every injected error response encodes in every version its API serves', () => {
    const c = new Cluster({ brokers: 1 });
    const context = { ...c.services, broker: c.brokers.get(1)!, version: 0 } as never;
    const erroring = ALL_APIS.filter((api) => api.errorResponse);
    expect(erroring.map((api) => api.name).sort()).toEqual(
      ['AddOffsetsToTxn', 'AddPartitionsToTxn', 'ConsumerGroupHeartbeat', 'CreateTopics', 'DeleteTopics', 'EndTxn', 'Fetch', 'FindCoordinator', 'Heartbeat', 'InitProducerId', 'JoinGroup', 'LeaveGroup', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'Produce', 'SyncGroup', 'TxnOffsetCommit'].sort(),
    );
    for (const api of erroring) {
      for (let version = api.versions.min; version <= api.versions.max; version++) {
        const flexible = version >= api.flexible.min && version <= api.flexible.max;
        const response = api.errorResponse!({ ...api.request.zero, acks: -1 }, 6, { ...(context as object), version } as never);
        const w = new Writer(64);
        expect(() => api.response.write(w, response, { version, flexible }), `${api.name} v${version}`).not.toThrow();
      }
    }
  });
});

describe('latency, dropped connections and full disks', () => {
  it('latency with jitter draws the same delays in every run with the same seed', async () => {
    const delaysWithSeed = async (seed: number) => {
      const c = await cluster({ seed });
      const kafka = kafkaFor(c);
      const topic = 'replayed';
      await createTopic(kafka, topic);
      const producer = producerFor(kafka);
      await producer.connect();
      const seen = firings(c);
      const handled: number[] = [];
      c.events.on('request-handled', (e) => e.api === 'Produce' && handled.push(e.durationMs));
      c.latency({ ms: 5, jitterMs: 40 });
      for (let i = 0; i < 6; i++) await producer.send({ topic, messages: [{ value: `m${i}` }] });
      await producer.disconnect();
      const delays = seen.filter((e) => e.source === 'latency' && e.api === 'Produce').map((e) => e.delayMs!);
      expect(handled).toHaveLength(6);
      handled.forEach((took, i) => expect(took).toBeGreaterThanOrEqual(delays[i] - 1));
      expect(c.describe().faults.latency).toEqual([{ brokerId: null, ms: 5, jitterMs: 40 }]);
      return delays;
    };
    const first = await delaysWithSeed(7);
    expect(first).toHaveLength(6);
    for (const delay of first) expect(delay).toBeGreaterThanOrEqual(5);
    for (const delay of first) expect(delay).toBeLessThanOrEqual(45);
    expect(await delaysWithSeed(7)).toEqual(first);
    expect(await delaysWithSeed(8)).not.toEqual(first);
  });

  it('dropConnections closes clients’ connections now, only those of the client id asked for', async () => {
    const c = await cluster();
    const producerA = producerFor(kafkaFor(c, { clientId: 'client-a' }));
    const producerB = producerFor(kafkaFor(c, { clientId: 'client-b' }));
    await producerA.connect();
    await producerB.connect();
    const clientIds = () => c.describe().clients.map((client) => client.clientId);
    expect(clientIds()).toEqual(expect.arrayContaining(['client-a', 'client-b']));
    expect(c.dropConnections({ clientId: 'client-a' })).toBeGreaterThan(0);
    await eventually(() => !clientIds().includes('client-a'), 'client-a disconnected');
    expect(clientIds()).toContain('client-b');
    await producerA.disconnect();
    await producerB.disconnect();
  });

  it('a full disk refuses Produce with KAFKA_STORAGE_ERROR until it is freed', async () => {
    const c = await cluster();
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('disk-full');
    await createTopic(kafka, topic);
    const seen = firings(c);
    c.diskFull(1);
    expect(c.describe().faults.diskFull).toEqual([1]);
    const producer = producerFor(kafka, 1);
    await producer.connect();
    await expect(producer.send({ topic, messages: [{ value: 'no room' }] })).rejects.toThrow(/disk/i);
    expect(seen.map((e) => [e.source, e.errorCode, e.parts])).toContainEqual(['disk-full', 56, [`${topic}[0]`]]);
    expect(partitionOf(c, topic).logEndOffset).toBe(0);

    c.diskFull(1, false);
    const [acked] = await producer.send({ topic, messages: [{ value: 'room again' }] });
    await producer.disconnect();
    expect(acked.errorCode).toBe(0);
    expect((await fetchMessages(kafka, topic, 0)).map((m) => m.value?.toString())).toEqual(['room again']);
  });

  it('a follower with a full disk copies nothing, leaves the ISR, and catches up once freed', async () => {
    const c = await cluster({ brokers: 2, replicaLagTimeMaxMs: 200 });
    const kafka = kafkaFor(c);
    const topic = uniqueTopic('follower-disk');
    await createTopic(kafka, topic, 1, 2);
    const { leader, replicas } = partitionOf(c, topic);
    const follower = replicas.find((id) => id !== leader)!;
    c.diskFull(follower);
    const producer = producerFor(kafka);
    await producer.connect();
    await producer.send({ topic, acks: 1, messages: [{ value: 'leader only' }] });
    await c.events.waitFor('isr-changed', (e) => e.topic === topic && !e.isr.includes(follower));
    expect(partitionOf(c, topic).replicaStates.find((r) => r.brokerId === follower)!.logEndOffset).toBe(0);
    c.diskFull(follower, false);
    await eventually(() => partitionOf(c, topic).isr.includes(follower), 'the follower back in the ISR');
    expect(partitionOf(c, topic).replicaStates.map((r) => r.logEndOffset)).toEqual([1, 1]);
    await producer.disconnect();
  });
});
