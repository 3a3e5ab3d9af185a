import { describe, expect, it } from 'vitest';
import { ConfigResourceTypes, Partitioners, type Admin, type Kafka } from 'kafkajs';
import { TOPIC_CONFIGS } from '../index.ts';
import { kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { internalCluster } from '../testkit/kafkajs-internal.ts';

const cluster = useCluster({ brokers: 3, seed: 11 });

async function withAdmin<T>(use: (admin: Admin, kafka: Kafka) => Promise<T>, kafka = kafkaFor(cluster(), { retry: { retries: 0 } })): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin, kafka);
  } finally {
    await admin.disconnect();
  }
}

/** kafkajs's own connection to one broker, for requests its admin client checks or routes itself. */
interface KafkajsBroker {
  createTopics(request: object): Promise<unknown>;
  describeConfigs(request: object): Promise<unknown>;
  deleteRecords(request: object): Promise<unknown>;
}

async function withBroker<T>(kafka: Kafka, nodeId: number, use: (broker: KafkajsBroker) => Promise<T>): Promise<T> {
  const internal = internalCluster(kafka);
  await internal.connect();
  try {
    await internal.refreshMetadata();
    return await use((await internal.findBroker({ nodeId: String(nodeId) })) as unknown as KafkajsBroker);
  } finally {
    await internal.disconnect();
  }
}

async function produce(kafka: Kafka, topic: string, messages: { value: string; partition?: number; timestamp?: string }[]) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

const topicSnapshot = (name: string) => cluster().describe().topics.find((t) => t.name === name);

/** What a rejected promise threw, for assertions on kafkajs's error classes. */
async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('kafkajs admin: topics', () => {
  it('creates a 6-partition topic with 3 replicas each and leaders on more than one broker', async () => {
    const topic = uniqueTopic('spread');
    const created = await withAdmin((admin) => admin.createTopics({ topics: [{ topic, numPartitions: 6, replicationFactor: 3 }] }));

    expect(created).toBe(true);
    const snapshot = topicSnapshot(topic)!;
    expect(snapshot.partitions).toHaveLength(6);
    for (const p of snapshot.partitions) expect([...p.replicas].sort()).toEqual([1, 2, 3]);
    expect(new Set(snapshot.partitions.map((p) => p.leader)).size).toBeGreaterThan(1);
    const metadata = await withAdmin((admin) => admin.fetchTopicMetadata({ topics: [topic] }));
    expect(metadata.topics[0].partitions.map((p) => p.leader).sort()).toEqual(snapshot.partitions.map((p) => p.leader).sort());
  });

  it('uses the broker defaults when partitions and replication factor are left out', async () => {
    const topic = uniqueTopic('defaults');
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic }] }));

    expect(topicSnapshot(topic)!.partitions).toHaveLength(1);
    expect(topicSnapshot(topic)!.partitions[0].replicas).toHaveLength(1);
  });

  it('checks a topic without creating it when validateOnly is set', async () => {
    const topic = uniqueTopic('validate-only');
    await withAdmin((admin) => admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic, numPartitions: 2 }] }));

    expect(topicSnapshot(topic)).toBeUndefined();
    const error = await rejection(
      withAdmin((admin) => admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic, replicationFactor: 4 }] })),
    );
    expect(error.errors[0].type).toBe('INVALID_REPLICATION_FACTOR');
  });

  it('answers an existing topic with TOPIC_ALREADY_EXISTS, which kafkajs reports as false', async () => {
    const topic = uniqueTopic('exists');
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic }] }));

    expect(await withAdmin((admin) => admin.createTopics({ topics: [{ topic }] }))).toBe(false);
    const error = await rejection(withAdmin((admin) => admin.createTopics({ topics: [{ topic }, { topic: 'not allowed!' }] })));
    expect(error.name).toBe('KafkaJSAggregateError');
    expect(Object.fromEntries(error.errors.map((e: any) => [e.topic, e.type]))).toEqual({
      'not allowed!': 'INVALID_TOPIC_EXCEPTION',
      [topic]: 'TOPIC_ALREADY_EXISTS',
    });
  });

  it.each([
    ['an illegal name', { topic: 'bad/name' }, 'INVALID_TOPIC_EXCEPTION'],
    ['a name longer than 249 characters', { topic: 'x'.repeat(250) }, 'INVALID_TOPIC_EXCEPTION'],
    ['more replicas than brokers', { topic: uniqueTopic('rf'), replicationFactor: 4 }, 'INVALID_REPLICATION_FACTOR'],
    ['zero partitions', { topic: uniqueTopic('zero'), numPartitions: 0 }, 'INVALID_PARTITIONS'],
    ['an unknown config', { topic: uniqueTopic('cfg'), configEntries: [{ name: 'retention.weeks', value: '1' }] }, 'INVALID_CONFIG'],
    ['a config value of the wrong type', { topic: uniqueTopic('cfg'), configEntries: [{ name: 'retention.ms', value: 'soon' }] }, 'INVALID_CONFIG'],
    ['more partitions than one request may create', { topic: uniqueTopic('huge'), numPartitions: 2_000_000_000 }, 'POLICY_VIOLATION'],
    ['a replica on a broker that does not exist', { topic: uniqueTopic('assign'), replicaAssignment: [{ partition: 0, replicas: [1, 9] }] }, 'INVALID_REPLICA_ASSIGNMENT'],
  ])('refuses a topic with %s', async (_what, spec, type) => {
    const error = await rejection(withAdmin((admin) => admin.createTopics({ topics: [spec] })));

    expect(error.name).toBe('KafkaJSAggregateError');
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({ name: 'KafkaJSCreateTopicError', type, topic: spec.topic });
    expect(topicSnapshot(spec.topic)).toBeUndefined();
  });

  it('places partitions on the replicas a manual assignment names', async () => {
    const topic = uniqueTopic('manual');
    await withAdmin((admin) =>
      admin.createTopics({ topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [3, 1] }, { partition: 1, replicas: [2, 3] }] }] }),
    );

    expect(topicSnapshot(topic)!.partitions.map((p) => [p.leader, p.replicas])).toEqual([
      [3, [3, 1]],
      [2, [2, 3]],
    ]);
  });

  it('refuses a topic named twice in one request with INVALID_REQUEST and creates neither', async () => {
    const topic = uniqueTopic('twice');
    const kafka = kafkaFor(cluster());
    const error = await rejection(
      withBroker(kafka, cluster().controllerId, (broker) => broker.createTopics({ topics: [{ topic, numPartitions: 1 }, { topic, numPartitions: 2 }] })),
    );

    expect(error.errors.map((e: any) => [e.topic, e.type])).toEqual([[topic, 'INVALID_REQUEST']]);
    expect(topicSnapshot(topic)).toBeUndefined();
  });

  it('deletes a topic and its records', async () => {
    const topic = uniqueTopic('doomed');
    await withAdmin(async (admin, kafka) => {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await produce(kafka, topic, [{ value: 'a' }, { value: 'b' }]);
      await admin.deleteTopics({ topics: [topic] });

      expect(await admin.listTopics()).not.toContain(topic);
    });
    expect(topicSnapshot(topic)).toBeUndefined();
  });

  it('answers deleting an unknown topic with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const error = await rejection(withAdmin((admin) => admin.deleteTopics({ topics: [uniqueTopic('never-created')] })));

    expect(error.name).toBe('KafkaJSNumberOfRetriesExceeded');
    expect(error.cause).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});

describe('kafkajs admin: partitions and offsets', () => {
  it('adds partitions to a topic, and refuses to shrink it or keep its count', async () => {
    const topic = uniqueTopic('grow');
    await withAdmin(async (admin) => {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 2 }] });
      await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic, count: 4 }] });
      expect(topicSnapshot(topic)!.partitions).toHaveLength(2);

      await admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] });
      const shrink = await rejection(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }));
      const same = await rejection(admin.createPartitions({ topicPartitions: [{ topic, count: 5 }] }));
      const badAssignment = await rejection(admin.createPartitions({ topicPartitions: [{ topic, count: 6, assignments: [[1]] }] }));

      expect(shrink).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_PARTITIONS' });
      expect(same).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_PARTITIONS' });
      expect(badAssignment).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_REPLICA_ASSIGNMENT' });
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions).toHaveLength(5);
    });
    const snapshot = topicSnapshot(topic)!;
    expect(snapshot.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4]);
    for (const p of snapshot.partitions) expect(p.replicas).toHaveLength(2);
  });

  it('reports each partition\'s low and high offsets', async () => {
    const topic = uniqueTopic('offsets');
    await withAdmin(async (admin, kafka) => {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await produce(kafka, topic, [{ value: 'a', partition: 0 }, { value: 'b', partition: 0 }, { value: 'c', partition: 1 }]);
      const offsets = await admin.fetchTopicOffsets(topic);

      expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: '2', high: '2', low: '0' },
        { partition: 1, offset: '1', high: '1', low: '0' },
      ]);
    });
  });

  it('finds the first offset at or after a timestamp, and the end when none is that late', async () => {
    const topic = uniqueTopic('by-time');
    await withAdmin(async (admin, kafka) => {
      await admin.createTopics({ topics: [{ topic }] });
      await produce(kafka, topic, [1_000, 2_000, 3_000].map((t) => ({ value: `at ${t}`, timestamp: String(1_700_000_000_000 + t) })));

      expect(await admin.fetchTopicOffsetsByTimestamp(topic, 1_700_000_001_500)).toEqual([{ partition: 0, offset: '1' }]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, 1_700_000_002_000)).toEqual([{ partition: 0, offset: '1' }]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, 1_600_000_000_000)).toEqual([{ partition: 0, offset: '0' }]);
      expect(await admin.fetchTopicOffsetsByTimestamp(topic, 1_800_000_000_000)).toEqual([{ partition: 0, offset: '3' }]);
    });
  });

  it('deletes records below an offset, after which fetching below it is OFFSET_OUT_OF_RANGE', async () => {
    const topic = uniqueTopic('trim');
    await withAdmin(async (admin, kafka) => {
      await admin.createTopics({ topics: [{ topic, replicationFactor: 3 }] });
      await produce(kafka, topic, Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })));
      // kafkajs looks the leader up in metadata it already holds, so make it hold this topic's.
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });

      expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '10', high: '10', low: '4' }]);
      expect(topicSnapshot(topic)!.partitions[0].logStartOffset).toBe(4);
      const belowStart = await rejection(fetchMessages(kafka, topic, 0, { fromOffset: 0 }));
      expect(belowStart).toMatchObject({ name: 'KafkaJSOffsetOutOfRange', type: 'OFFSET_OUT_OF_RANGE' });
      const rest = await fetchMessages(kafka, topic, 0, { fromOffset: 4 });
      expect(rest.map((m) => m.value?.toString())).toEqual(['m4', 'm5', 'm6', 'm7', 'm8', 'm9']);

      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '-1' }] });
      expect(await admin.fetchTopicOffsets(topic)).toEqual([{ partition: 0, offset: '10', high: '10', low: '10' }]);
    });
  });

  it('refuses to delete records beyond the high watermark with OFFSET_OUT_OF_RANGE', async () => {
    const topic = uniqueTopic('trim-far');
    await withAdmin(async (admin, kafka) => {
      await admin.createTopics({ topics: [{ topic }] });
      await produce(kafka, topic, [{ value: 'only' }]);
      await admin.fetchTopicMetadata({ topics: [topic] });
      const error = await rejection(admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] }));

      expect(error.cause).toMatchObject({ name: 'KafkaJSDeleteTopicRecordsError' });
      expect(error.cause.partitions.map((p: any) => [p.partition, p.error.type])).toEqual([[0, 'OFFSET_OUT_OF_RANGE']]);
      expect(topicSnapshot(topic)!.partitions[0].logStartOffset).toBe(0);
    });
  });

  it('answers DeleteRecords sent to a broker that does not lead the partition with NOT_LEADER_OR_FOLLOWER', async () => {
    const topic = uniqueTopic('trim-follower');
    await withAdmin((admin) => admin.createTopics({ topics: [{ topic, replicationFactor: 3 }] }));
    const follower = topicSnapshot(topic)!.partitions[0].replicas.find((id) => id !== topicSnapshot(topic)!.partitions[0].leader)!;
    const error = await rejection(
      withBroker(kafkaFor(cluster()), follower, (broker) => broker.deleteRecords({ topics: [{ topic, partitions: [{ partition: 0, offset: '0' }] }] })),
    );

    // kafkajs still calls error 6 by its old name.
    expect(error.partitions.map((p: any) => [p.error.code, p.error.type])).toEqual([[6, 'NOT_LEADER_FOR_PARTITION']]);
  });
});

describe('kafkajs admin: configs', () => {
  const configOf = (entries: { configName: string }[], name: string) => entries.find((e) => e.configName === name);

  it('describes every topic config, telling overrides from defaults, with synonyms', async () => {
    const topic = uniqueTopic('described');
    const { resources } = await withAdmin(async (admin) => {
      await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
      return admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    });

    const [resource] = resources;
    expect(resource).toMatchObject({ errorCode: 0, resourceName: topic, resourceType: ConfigResourceTypes.TOPIC });
    expect(resource.configEntries.map((e) => e.configName).sort()).toEqual(Object.keys(TOPIC_CONFIGS).sort());
    expect(configOf(resource.configEntries, 'retention.ms')).toMatchObject({
      configValue: '60000',
      isDefault: false,
      configSource: 1, // DYNAMIC_TOPIC_CONFIG
      readOnly: false,
      isSensitive: false,
      configSynonyms: [{ configName: 'retention.ms', configValue: '60000', configSource: 1 }],
    });
    expect(configOf(resource.configEntries, 'cleanup.policy')).toMatchObject({
      configValue: 'delete',
      isDefault: true,
      configSource: 5, // DEFAULT_CONFIG
      configSynonyms: [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }],
    });
    expect(configOf(resource.configEntries, 'max.message.bytes')).toMatchObject({ configValue: '1048588', isDefault: true });
  });

  it('describes only the configs asked for, and answers an unknown topic with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = uniqueTopic('some-configs');
    await withAdmin(async (admin) => {
      await admin.createTopics({ topics: [{ topic }] });
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['segment.bytes', 'min.insync.replicas'] }],
      });
      expect(resources[0].configEntries.map((e) => [e.configName, e.configValue]).sort()).toEqual([
        ['min.insync.replicas', '1'],
        ['segment.bytes', '1073741824'],
      ]);

      const error = await rejection(admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: uniqueTopic('nope') }] }));
      expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    });
  });

  it('describes a broker\'s configs from that broker, reflecting the cluster options', async () => {
    const { resources } = await withAdmin((admin) =>
      admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.BROKER, name: '2' }] }),
    );

    const entries = resources[0].configEntries;
    expect(resources[0]).toMatchObject({ errorCode: 0, resourceName: '2' });
    expect(configOf(entries, 'node.id')).toMatchObject({ configValue: '2', readOnly: true, configSource: 4 }); // STATIC_BROKER_CONFIG
    expect(configOf(entries, 'num.partitions')).toMatchObject({
      configValue: '1',
      readOnly: true,
      configSynonyms: [
        { configName: 'num.partitions', configValue: '1', configSource: 4 },
        { configName: 'num.partitions', configValue: '1', configSource: 5 },
      ],
    });
    expect(configOf(entries, 'default.replication.factor')).toMatchObject({ configValue: '1' });
    expect(configOf(entries, 'auto.create.topics.enable')).toMatchObject({ configValue: 'true' });
    expect(configOf(entries, 'message.max.bytes')).toMatchObject({ configValue: '1048588', readOnly: false, isDefault: true });
    expect(configOf(entries, 'log.retention.hours')).toMatchObject({ configValue: '168' });
    expect(configOf(entries, 'min.insync.replicas')).toMatchObject({ configValue: '1' });
  });

  it('answers a broker resource naming another broker with INVALID_REQUEST', async () => {
    const error = await rejection(
      withBroker(kafkaFor(cluster()), 1, (broker) => broker.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '3' }] })),
    );

    expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_REQUEST' });
  });

  it('replaces a topic\'s overrides, resetting those left out, and only checks them when validateOnly is set', async () => {
    const topic = uniqueTopic('altered');
    const describe = (admin: Admin) =>
      admin
        .describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'segment.ms'] }] })
        .then(({ resources }) => Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, [e.configValue, e.isDefault]])));
    await withAdmin(async (admin) => {
      await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'segment.ms', value: '100000' }] }] });
      const change = { type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '5000' }] };

      await admin.alterConfigs({ validateOnly: true, resources: [change] });
      expect(await describe(admin)).toEqual({ 'retention.ms': ['604800000', true], 'segment.ms': ['100000', false] });

      await admin.alterConfigs({ validateOnly: false, resources: [change] });
      expect(await describe(admin)).toEqual({ 'retention.ms': ['5000', false], 'segment.ms': ['604800000', true] });
    });
    expect(topicSnapshot(topic)!.overrides).toEqual({ 'retention.ms': '5000' });
  });

  it.each([
    ['an unknown config', { name: 'retention.weeks', value: '2' }, 'INVALID_CONFIG'],
    ['a bad value', { name: 'cleanup.policy', value: 'shred' }, 'INVALID_CONFIG'],
  ])('refuses to alter a topic with %s', async (_what, entry, type) => {
    const topic = uniqueTopic('alter-bad');
    await withAdmin(async (admin) => {
      await admin.createTopics({ topics: [{ topic, configEntries: [{ name: 'retention.ms', value: '1000' }] }] });
      const error = await rejection(admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [entry] }] }));

      expect(error).toMatchObject({ name: 'KafkaJSProtocolError', type });
    });
    expect(topicSnapshot(topic)!.overrides).toEqual({ 'retention.ms': '1000' });
  });

  it('refuses to alter an unknown topic with UNKNOWN_TOPIC_OR_PARTITION, and broker configs with INVALID_REQUEST', async () => {
    await withAdmin(async (admin) => {
      const unknownTopic = await rejection(
        admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: uniqueTopic('ghost'), configEntries: [{ name: 'retention.ms', value: '1' }] }] }),
      );
      const brokerConfig = await rejection(
        admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'num.partitions', value: '3' }] }] }),
      );

      expect(unknownTopic).toMatchObject({ name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      expect(brokerConfig).toMatchObject({ name: 'KafkaJSProtocolError', type: 'INVALID_REQUEST' });
    });
  });
});

describe('kafkajs admin: a cluster with a create-topic policy', () => {
  const policed = useCluster({ createTopicPolicy: (t) => (t.name.startsWith('tmp-') ? 'Topic names starting with tmp- are not allowed' : undefined) });

  it('refuses a topic the policy rejects with POLICY_VIOLATION and creates others', async () => {
    const kafka = kafkaFor(policed(), { retry: { retries: 0 } });
    const ok = uniqueTopic('kept');
    const error = await rejection(withAdmin((admin) => admin.createTopics({ topics: [{ topic: 'tmp-scratch' }, { topic: ok }] }), kafka));

    expect(error.errors.map((e: any) => [e.topic, e.type])).toEqual([['tmp-scratch', 'POLICY_VIOLATION']]);
    expect(policed().describe().topics.map((t) => t.name)).toEqual([ok]);
  });
});
