// Topics: auto-creation, unknown topics, names, and the admin API's create/delete/partitions.

import type { Scenario } from '../scenario.ts';
import { outcome } from '../normalise.ts';
import { rawRequest } from '../raw.ts';
import { leaderOf, producer, python, range, readPartition, until } from './support.ts';

const createTopicsV4 = (address: string, topics: object[], validateOnly = false) =>
  rawRequest(address, 19, 4, { topics: topics.map((t) => ({ numPartitions: 1, replicationFactor: 1, assignments: [], configs: [], ...t })), timeoutMs: 10_000, validateOnly });

const sortByName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));

export const topicScenarios: Scenario[] = [
  {
    name: "auto-creation: a producer's first send creates the topic with num.partitions and the default replication factor",
    async run(ctx) {
      const topic = ctx.topic('auto-by-producer');
      const p = await producer(ctx);
      const sent = await p.send({ topic, messages: [{ value: 'first' }] });
      const metadata = await (await ctx.admin()).fetchTopicMetadata({ topics: [topic] });
      return { sent, metadata, read: await readPartition(ctx, topic) };
    },
  },
  {
    name: 'auto-creation: a producer that may not create topics fails on an unknown topic, which stays unknown',
    async run(ctx) {
      const topic = ctx.topic('not-auto');
      const p = await producer(ctx, { allowAutoTopicCreation: false, retry: { retries: 1, initialRetryTime: 50 } });
      const sent = await outcome(p.send({ topic, messages: [{ value: 'nowhere' }] }));
      const listed = (await (await ctx.admin()).listTopics()).includes(topic);
      return { sent, listed };
    },
  },
  {
    name: 'metadata: an admin asking about an unknown topic gets UNKNOWN_TOPIC_OR_PARTITION and creates nothing',
    async run(ctx) {
      const topic = ctx.topic('unknown-to-admin');
      const admin = await ctx.admin();
      const metadata = await outcome(admin.fetchTopicMetadata({ topics: [topic] }));
      return { metadata, listed: (await admin.listTopics()).includes(topic) };
    },
  },
  {
    name: 'metadata: partitions, leaders, replicas and ISR of a new topic, and the cluster it lives in',
    async run(ctx) {
      const topic = await ctx.createTopic('described', { partitions: 3 });
      const admin = await ctx.admin();
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const { brokers, controller } = await admin.describeCluster();
      return {
        topics: topics.map((t) => ({ ...t, partitions: [...t.partitions].sort((a, b) => a.partitionId - b.partitionId) })),
        cluster: { brokers: brokers.map((b) => ({ nodeId: b.nodeId, address: `${b.host}:${b.port}` })), controller },
      };
    },
  },
  {
    name: 'create topics: success, a second create answered false, and an impossible replication factor',
    async run(ctx) {
      const admin = await ctx.admin();
      const topic = ctx.topic('twice');
      const first = await admin.createTopics({ topics: [{ topic }] });
      const second = await admin.createTopics({ topics: [{ topic }] });
      const tooManyReplicas = await outcome(admin.createTopics({ topics: [{ topic: ctx.topic('rf3'), replicationFactor: 3 }] }));
      return { first, second, tooManyReplicas };
    },
  },
  {
    name: 'create topics: the error codes and messages for duplicates, bad counts, bad configs and validate-only',
    async run(ctx) {
      const [broker] = ctx.bootstrapServers;
      const existing = await ctx.createTopic('exists');
      const created = await createTopicsV4(broker, [
        { name: existing },
        { name: ctx.topic('zero-partitions'), numPartitions: 0 },
        { name: ctx.topic('zero-replicas'), replicationFactor: 0 },
        { name: ctx.topic('three-replicas'), replicationFactor: 3 },
        { name: ctx.topic('unknown-config'), configs: [{ name: 'no.such.config', value: '1' }] },
        { name: ctx.topic('bad-policy'), configs: [{ name: 'cleanup.policy', value: 'shred' }] },
        { name: ctx.topic('bad-number'), configs: [{ name: 'retention.ms', value: 'soon' }] },
        { name: ctx.topic('defaults'), numPartitions: -1, replicationFactor: -1 },
      ]);
      const validateOnly = await createTopicsV4(broker, [{ name: ctx.topic('checked-only'), numPartitions: 2 }], true);
      const listed = await (await ctx.admin()).listTopics();
      return {
        created: { ...created, topics: sortByName(created.topics as { name: string }[]) },
        validateOnly,
        checkedOnlyExists: listed.includes(ctx.topic('checked-only')),
        defaultsExists: listed.includes(ctx.topic('defaults')),
      };
    },
  },
  {
    name: 'create topics: invalid and colliding names are refused with INVALID_TOPIC_EXCEPTION and their messages',
    async run(ctx) {
      const [broker] = ctx.bootstrapServers;
      const dotted = await ctx.createTopic('with.dot');
      const names = ['', '.', '..', 'has space', 'star*', 'é', 'x'.repeat(250), 'x'.repeat(249), dotted.replace('.', '_')];
      const response = await createTopicsV4(broker, names.map((name) => ({ name })), true);
      return (response.topics as { name: string }[]).map((t) => ({ ...t, name: t.name.length > 20 ? `${t.name.length} chars` : t.name }));
    },
  },
  {
    name: 'delete topics: a deleted topic disappears from the list; an unknown one is UNKNOWN_TOPIC_OR_PARTITION',
    async run(ctx) {
      const admin = await ctx.admin();
      const topic = await ctx.createTopic('doomed');
      const deleted = await outcome(admin.deleteTopics({ topics: [topic] }));
      const unknown = await outcome(admin.deleteTopics({ topics: [ctx.topic('never-was')] }));
      return { deleted, stillListed: (await admin.listTopics()).includes(topic), unknown };
    },
  },
  {
    name: 'create partitions: grows a topic, refuses shrinking, the same count and unknown topics',
    async run(ctx) {
      const admin = await ctx.admin();
      const topic = await ctx.createTopic('growing');
      const grow = await outcome(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }));
      const partitions = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;
      const [broker] = ctx.bootstrapServers;
      const refusals = await rawRequest(broker, 37, 1, {
        topics: [
          { name: topic, count: 2, assignments: null },
          { name: ctx.topic('never-created'), count: 2, assignments: null },
        ],
        timeoutMs: 10_000,
        validateOnly: false,
      });
      const same = await outcome(admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] }));
      return { grow, partitions, refusals: { ...refusals, results: sortByName(refusals.results as { name: string }[]) }, same };
    },
  },
  {
    name: "kafka-python admin: create_topics, create_partitions and delete_topics with validate_only, timeouts and each topic's own error",
    clients: ['kafka-python'],
    async run(ctx) {
      const existing = await ctx.createTopic('exists');
      const [made, assigned, checked] = [ctx.topic('made'), ctx.topic('assigned'), ctx.topic('checked-only')];
      const steps = (list: object[]) => python(ctx, 'admin_steps.py', '-', JSON.stringify(list));
      const created = await steps([
        { op: 'create_topics', validate_only: true, topics: [{ name: checked, partitions: 3, replication_factor: 1, configs: { 'cleanup.policy': 'compact' } }] },
        {
          op: 'create_topics',
          timeout_ms: 10_000,
          wait_for_metadata: true,
          topics: [
            { name: made, partitions: 2, replication_factor: 1, configs: { 'retention.ms': '60000', 'cleanup.policy': 'compact,delete' } },
            { name: assigned, assignments: [[1], [1]] },
          ],
        },
        // Each topic is answered on its own; none of these is created.
        {
          op: 'create_topics',
          topics: [
            { name: existing, partitions: 1, replication_factor: 1 },
            { name: ctx.topic('three-replicas'), partitions: 1, replication_factor: 3 },
            { name: ctx.topic('zero-partitions'), partitions: 0, replication_factor: 1 },
            { name: ctx.topic('unknown-config'), configs: { 'no.such.config': '1' } },
            { name: ctx.topic('bad-value'), configs: { 'retention.ms': 'soon' } },
            { name: ctx.topic('bad-policy'), configs: { 'cleanup.policy': 'shred' } },
            { name: ctx.topic('gzip-level'), configs: { 'compression.gzip.level': '10' } },
            { name: ctx.topic('lz4-level'), configs: { 'compression.lz4.level': '0' } },
            { name: ctx.topic('zstd-level'), configs: { 'compression.zstd.level': '23' } },
            { name: ctx.topic('local-retention'), configs: { 'local.retention.ms': '-3' } },
            { name: ctx.topic('tiered'), configs: { 'remote.storage.enable': 'true' } },
            { name: ctx.topic('no-such-broker'), assignments: [[7]] },
            { name: 'has space' },
          ],
        },
        // kafka-python sends a negative timeout as it is: no deadline, as Kafka's controller reads it.
        { op: 'create_topics', timeout_ms: -1, validate_only: true, topics: [{ name: ctx.topic('no-deadline'), partitions: 1, replication_factor: 1 }] },
      ]);
      const partitionsOf = async (topic: string) => (await (await ctx.admin()).fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length;
      const grown = await steps([
        { op: 'create_partitions', validate_only: true, topics: { [made]: { count: 5 } } },
        { op: 'create_partitions', timeout_ms: 10_000, topics: { [made]: { count: 3 }, [assigned]: { count: 3, assignments: [[1]] } } },
        {
          op: 'create_partitions',
          topics: {
            [existing]: { count: 1 },
            [made]: { count: 2 },
            [ctx.topic('never-created')]: { count: 2 },
            [assigned]: { count: 5, assignments: [[1]] },
          },
        },
        { op: 'create_partitions', topics: { [existing]: { count: 2, assignments: [[9]] } } },
        { op: 'create_partitions', timeout_ms: -1, topics: { [existing]: { count: 2 } } },
      ]);
      // A broker learns of new partitions a moment after the controller answers.
      await until(async () => (await partitionsOf(made)) === 3 && (await partitionsOf(assigned)) === 3);
      const partitions = { made: await partitionsOf(made), assigned: await partitionsOf(assigned), existing: await partitionsOf(existing) };
      const deleted = await steps([
        { op: 'delete_topics', timeout_ms: 10_000, topics: [made, ctx.topic('never-was')] },
        { op: 'delete_topics', topics: [made] },
        { op: 'delete_topics', timeout_ms: -1, topics: [existing] },
      ]);
      // kafka-python sends no timeout of 0 (it takes 0 for "the default"): over a bare socket.
      const [broker] = ctx.bootstrapServers;
      const zeroTimeout = {
        createTopics: await rawRequest(broker, 19, 7, { topics: [{ name: ctx.topic('zero-timeout'), numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 0, validateOnly: true }),
        createPartitions: await rawRequest(broker, 37, 3, { topics: [{ name: assigned, count: 4, assignments: null }], timeoutMs: 0, validateOnly: true }),
        deleteTopics: await rawRequest(broker, 20, 6, { topics: [{ name: ctx.topic('zero-timeout-delete'), topicId: '0'.repeat(32) }], timeoutMs: 0 }),
      };
      const admin = await ctx.admin();
      await until(async () => !(await admin.listTopics()).includes(made));
      const listed = await admin.listTopics();
      return { created, grown, partitions, deleted, zeroTimeout, listed: { made: listed.includes(made), checked: listed.includes(checked), assigned: listed.includes(assigned) } };
    },
  },
  {
    name: 'admin: requests naming an unknown topic answer UNKNOWN_TOPIC_OR_PARTITION, with the messages Kafka gives',
    async run(ctx) {
      const [broker] = ctx.bootstrapServers;
      const name = ctx.topic('missing');
      const TOPIC = 2;
      return {
        deleteTopics: await rawRequest(broker, 20, 1, { topicNames: [name], timeoutMs: 5000 }),
        createPartitions: await rawRequest(broker, 37, 1, { topics: [{ name, count: 2, assignments: null }], timeoutMs: 5000, validateOnly: false }),
        describeConfigs: await rawRequest(broker, 32, 1, {
          resources: [
            { resourceType: TOPIC, resourceName: name, configurationKeys: ['retention.ms'] },
            { resourceType: TOPIC, resourceName: 'bad name', configurationKeys: ['retention.ms'] },
          ],
          includeSynonyms: false,
        }),
        alterConfigs: await rawRequest(broker, 33, 0, { resources: [{ resourceType: TOPIC, resourceName: name, configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false }),
        deleteRecords: await rawRequest(broker, 21, 1, { topics: [{ name, partitions: [{ partitionIndex: 0, offset: 0 }] }], timeoutMs: 5000 }),
      };
    },
  },
  {
    name: 'produce: a batch for a partition the topic does not have is answered UNKNOWN_TOPIC_OR_PARTITION',
    async run(ctx) {
      const topic = await ctx.createTopic('two', { partitions: 2 });
      const broker = await leaderOf(ctx, topic);
      const sent = await outcome(
        broker.produce({ acks: -1, timeout: 5000, topicData: [{ topic, partitions: [{ partition: 7, messages: [{ value: 'lost' }] }] }] }),
      );
      const offsets = (await (await ctx.admin()).fetchTopicOffsets(topic)).map((p) => p.high);
      return { sent, offsets };
    },
  },
  {
    name: 'fetch: an unknown topic and an unknown partition are UNKNOWN_TOPIC_OR_PARTITION',
    async run(ctx) {
      const topic = await ctx.createTopic('one');
      await (await producer(ctx)).send({ topic, messages: range(2).map((i) => ({ value: `v${i}` })) });
      const broker = await leaderOf(ctx, topic);
      const fetch = (name: string, partition: number) =>
        outcome(broker.fetch({ maxWaitTime: 50, isolationLevel: 0, topics: [{ topic: name, partitions: [{ partition, fetchOffset: '0', maxBytes: 1024 }] }] }));
      return { unknownPartition: await fetch(topic, 4), unknownTopic: await fetch(ctx.topic('absent'), 0) };
    },
  },
];
