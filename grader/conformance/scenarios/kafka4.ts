// What Kafka 4 clients ask that older ones did not: the flexible versions' new meanings (special
// ListOffsets timestamps, topic ids, leader epochs, batched groups) and the APIs added to the
// broker (OffsetForLeaderEpoch, IncrementalAlterConfigs, OffsetDelete, DescribeCluster,
// DescribeProducers, DescribeTransactions, ListTransactions, DescribeTopicPartitions), each asked
// over a bare socket at its highest version so every field of the answer is compared.

import type { Scenario } from '../scenario.ts';
import { rawRequest } from '../raw.ts';
import { produce, producer } from './support.ts';

const TOPIC = 2;
const [SET, DELETE, APPEND, SUBTRACT] = [0, 1, 2, 3];

type Answer = Record<string, any>;

export const kafka4Scenarios: Scenario[] = [
  {
    name: 'list offsets v11: max timestamp, earliest local, latest tiered and earliest pending upload, each with its leader epoch',
    async run(ctx) {
      const topic = await ctx.createTopic('special-times');
      const base = 1_700_000_000_000;
      await produce(ctx, topic, [
        { value: 'a', timestamp: String(base) },
        { value: 'b', timestamp: String(base + 9000) },
        { value: 'c', timestamp: String(base + 1) },
      ]);
      const [broker] = ctx.bootstrapServers;
      const ask = async (timestamp: number) => {
        const answer = await rawRequest(broker, 2, 11, { replicaId: -1, isolationLevel: 0, timeoutMs: 5000, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] });
        return (answer.topics as Answer[])[0].partitions[0];
      };
      return { maxTimestamp: await ask(-3), earliestLocal: await ask(-4), latestTiered: await ask(-5), earliestPendingUpload: await ask(-6), latest: await ask(-1), earliest: await ask(-2) };
    },
  },
  {
    name: 'offset for leader epoch v4: the current epoch ends at the log end, a later one too, an undefined one is undefined, a future current epoch is unknown',
    async run(ctx) {
      const topic = await ctx.createTopic('epochs');
      await produce(ctx, topic, [{ value: 'a' }, { value: 'b' }]);
      const [broker] = ctx.bootstrapServers;
      const ask = async (leaderEpoch: number, currentLeaderEpoch: number) => {
        const answer = await rawRequest(broker, 23, 4, { replicaId: -1, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch, leaderEpoch }] }] });
        return (answer.topics as Answer[])[0].partitions[0];
      };
      return { current: await ask(0, 0), unchecked: await ask(0, -1), later: await ask(5, -1), future: await ask(0, 3), undefinedEpoch: await ask(-1, -1) };
    },
  },
  {
    name: 'incremental alter configs: set, delete, append and subtract keep the other overrides; list operations on other configs and unknown names are refused',
    async run(ctx) {
      const topic = await ctx.createTopic('incremental', { configs: { 'retention.ms': '100000', 'segment.ms': '600000' } });
      const [broker] = ctx.bootstrapServers;
      const alter = async (configs: { name: string; configOperation: number; value: string | null }[]) =>
        ((await rawRequest(broker, 44, 1, { resources: [{ resourceType: TOPIC, resourceName: topic, configs }], validateOnly: false })).responses as Answer[])[0];
      const overrides = async () => {
        const described = await rawRequest(broker, 32, 4, { resources: [{ resourceType: TOPIC, resourceName: topic, configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
        return ((described.results as Answer[])[0].configs as Answer[]).filter((c) => c.configSource === 1).map((c) => `${c.name}=${c.value}`).sort();
      };
      return {
        setAndDelete: await alter([{ name: 'max.message.bytes', configOperation: SET, value: '2048' }, { name: 'retention.ms', configOperation: DELETE, value: null }]),
        afterSetAndDelete: await overrides(),
        append: await alter([{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }]),
        afterAppend: await overrides(),
        subtract: await alter([{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }]),
        afterSubtract: await overrides(),
        appendToNumber: await alter([{ name: 'retention.ms', configOperation: APPEND, value: '5' }]),
        unknownName: await alter([{ name: 'no.such.config', configOperation: SET, value: '1' }]),
        unknownTopic: ((await rawRequest(broker, 44, 1, { resources: [{ resourceType: TOPIC, resourceName: ctx.topic('never-made'), configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }] }], validateOnly: false })).responses as Answer[])[0],
      };
    },
  },
  {
    name: 'describe topic partitions: topics in name order, pages of at most the partition limit, a cursor to the next, unknown topics named',
    async run(ctx) {
      const first = await ctx.createTopic('paged-a', { partitions: 3 });
      const second = await ctx.createTopic('paged-b', { partitions: 2 });
      const [broker] = ctx.bootstrapServers;
      const pages: unknown[] = [];
      let cursor: Answer | null = null;
      for (let page = 0; page < 4; page++) {
        const answer = await rawRequest(broker, 75, 0, { topics: [{ name: second }, { name: first }, { name: ctx.topic('paged-missing') }], responsePartitionLimit: 2, cursor });
        pages.push(answer);
        cursor = answer.nextCursor as Answer | null;
        if (!cursor) break;
      }
      return { pages };
    },
  },
  {
    name: 'describe cluster v2: the cluster id, the controller and the brokers; a controller endpoint type is refused by a broker',
    async run(ctx) {
      const [broker] = ctx.bootstrapServers;
      const { brokers, ...cluster } = await rawRequest(broker, 60, 2, { includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: true });
      const controllers = await rawRequest(broker, 60, 2, { includeClusterAuthorizedOperations: false, endpointType: 2, includeFencedBrokers: false });
      // Ports are each cluster's own: the broker is named by its address instead.
      const named = (brokers as Answer[]).map(({ host, port, ...b }) => ({ ...b, address: `${host}:${port}` }));
      return { cluster, brokers: named, controllers: { errorCode: controllers.errorCode, errorMessage: controllers.errorMessage } };
    },
  },
  {
    name: 'offset delete: an empty group loses the offsets asked for and keeps the rest; an unknown group is GROUP_ID_NOT_FOUND',
    async run(ctx) {
      const topic = await ctx.createTopic('offsets-deleted', { partitions: 2 });
      const group = ctx.group('offset-deleter');
      const admin = await ctx.admin();
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
      const [broker] = ctx.bootstrapServers;
      const deleted = await rawRequest(broker, 47, 0, { groupId: group, topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }, { name: ctx.topic('offsets-nowhere'), partitions: [{ partitionIndex: 0 }] }] });
      const left = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const unknown = await rawRequest(broker, 47, 0, { groupId: ctx.group('never-was'), topics: [{ name: topic, partitions: [{ partitionIndex: 0 }] }] });
      return { deleted, left, unknown };
    },
  },
  {
    name: 'transactions: list, describe and describe producers show an open transaction; an unknown transactional id is not found',
    async run(ctx) {
      const topic = await ctx.createTopic('txn-visible');
      const transactionalId = ctx.name('visible-txn');
      const p = await producer(ctx, { transactionalId, maxInFlightRequests: 1, idempotent: true });
      const txn = await p.transaction();
      await txn.send({ topic, messages: [{ value: 'pending' }] });
      const [broker] = ctx.bootstrapServers;
      const listed = ((await rawRequest(broker, 66, 2, { stateFilters: ['Ongoing', 'NoSuchState'], producerIdFilters: [], durationFilter: -1, transactionalIdPattern: null })) as Answer);
      const described = await rawRequest(broker, 65, 0, { transactionalIds: [transactionalId, ctx.name('never-began')] });
      const producers = await rawRequest(broker, 61, 0, { topics: [{ name: topic, partitionIndexes: [0] }] });
      // (After EndTxn, Kafka's coordinator shows PrepareCommit until its markers are written, for a
      // moment that depends on the machine: not compared.)
      await txn.commit();
      const strip = (state: Answer) => ({ ...state, transactionStartTimeMs: state.transactionStartTimeMs > 0 ? '<time>' : state.transactionStartTimeMs });
      const producerStates = ((producers.topics as Answer[])[0].partitions as Answer[]).map((partition) => ({
        ...partition,
        activeProducers: (partition.activeProducers as Answer[]).map((a) => ({ ...a, lastTimestamp: a.lastTimestamp > 0 ? '<time>' : a.lastTimestamp })),
      }));
      return {
        listed: { ...listed, transactionStates: (listed.transactionStates as Answer[]).filter((t) => t.transactionalId === transactionalId) },
        described: (described.transactionStates as Answer[]).map(strip),
        producers: producerStates,
      };
    },
  },
  {
    name: 'topic ids: metadata v12 by id, and an id no topic has; delete topics v6 by an unknown id',
    async run(ctx) {
      const topic = await ctx.createTopic('by-id');
      const [broker] = ctx.bootstrapServers;
      const byName = await rawRequest(broker, 3, 12, { topics: [{ topicId: '0'.repeat(32), name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true });
      const id = (byName.topics as Answer[])[0].topicId as string;
      const byId = await rawRequest(broker, 3, 12, { topics: [{ topicId: id, name: null }, { topicId: 'ab'.repeat(16), name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const deleteUnknown = await rawRequest(broker, 20, 6, { topics: [{ name: null, topicId: 'cd'.repeat(16) }], timeoutMs: 5000 });
      // Clients match the answers by id: their order is not part of the protocol.
      const byIdAnswers = [...(byId.topics as Answer[])].sort((a, b) => a.errorCode - b.errorCode);
      return { byName: byName.topics, byId: byIdAnswers, deleteUnknown: deleteUnknown.responses };
    },
  },
  {
    name: 'groups: describe groups v6 answers an unknown group GROUP_ID_NOT_FOUND; offset fetch v9 asks for two groups at once',
    async run(ctx) {
      const topic = await ctx.createTopic('two-groups');
      const [one, two] = [ctx.group('batched-one'), ctx.group('batched-two')];
      const admin = await ctx.admin();
      await admin.setOffsets({ groupId: one, topic, partitions: [{ partition: 0, offset: '0' }] });
      const [broker] = ctx.bootstrapServers;
      const described = await rawRequest(broker, 15, 6, { groups: [ctx.group('no-such-group')], includeAuthorizedOperations: false });
      const fetched = await rawRequest(broker, 9, 9, {
        groups: [
          { groupId: one, memberId: null, memberEpoch: -1, topics: [{ name: topic, partitionIndexes: [0] }] },
          { groupId: two, memberId: null, memberEpoch: -1, topics: null },
        ],
        requireStable: true,
      });
      return { described, fetched };
    },
  },
];
