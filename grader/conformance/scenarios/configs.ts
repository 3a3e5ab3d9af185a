// DescribeConfigs and AlterConfigs of topics.

import kafkajs from 'kafkajs';
import type { Scenario } from '../scenario.ts';
import { outcome } from '../normalise.ts';
import { rawRequest } from '../raw.ts';
import { python } from './support.ts';

// kafkajs is CommonJS; Node's ESM loader does not see this export by name.
const { ConfigResourceTypes } = kafkajs;

/** Topic configs every Kafka since 2.x knows, with defaults students meet in the labs. */
const NAMES = ['cleanup.policy', 'retention.ms', 'retention.bytes', 'max.message.bytes', 'min.insync.replicas', 'segment.bytes', 'message.timestamp.type', 'compression.type', 'delete.retention.ms', 'min.compaction.lag.ms'];

export const configScenarios: Scenario[] = [
  {
    name: "describe configs: a new topic's defaults, read-only flags and sources",
    async run(ctx) {
      const topic = await ctx.createTopic('defaults');
      const { resources } = await (await ctx.admin()).describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: NAMES }], includeSynonyms: false });
      return resources.map((r) => ({ ...r, configEntries: [...r.configEntries].sort((a, b) => a.configName.localeCompare(b.configName)) }));
    },
  },
  {
    name: 'describe configs: overrides given at creation show as TOPIC_CONFIG with the broker default as synonym',
    async run(ctx) {
      const topic = await ctx.createTopic('overridden', { configs: { 'retention.ms': '60000', 'cleanup.policy': 'compact', 'max.message.bytes': '2000' } });
      const { resources } = await (await ctx.admin()).describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy', 'max.message.bytes', 'segment.bytes', 'min.insync.replicas', 'message.timestamp.type'] }],
        includeSynonyms: true,
      });
      return resources.map((r) => ({ ...r, configEntries: [...r.configEntries].sort((a, b) => a.configName.localeCompare(b.configName)) }));
    },
  },
  {
    name: 'describe configs: a broker and the cluster-wide defaults, with sources and synonyms',
    async run(ctx) {
      const names = ['min.insync.replicas', 'num.partitions', 'auto.create.topics.enable', 'default.replication.factor', 'log.retention.hours', 'message.max.bytes', 'log.cleanup.policy', 'delete.topic.enable'];
      // kafkajs refuses the empty name (the cluster-wide defaults), so ask over a bare socket.
      const BROKER = 4;
      const response = await rawRequest(ctx.bootstrapServers[0], 32, 1, {
        resources: [
          { resourceType: BROKER, resourceName: '1', configurationKeys: names },
          { resourceType: BROKER, resourceName: '', configurationKeys: names },
        ],
        includeSynonyms: true,
      });
      const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
      return (response.results as { configs: { name: string }[] }[]).map((r) => ({ ...r, configs: [...r.configs].sort(byName) }));
    },
  },
  {
    name: 'describe configs: an unknown topic answers UNKNOWN_TOPIC_OR_PARTITION',
    async run(ctx) {
      return outcome((async () => (await ctx.admin()).describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: ctx.topic('nope') }], includeSynonyms: false }))());
    },
  },
  {
    name: "alter configs: replaces a topic's overrides, refuses bad values and unknown topics",
    async run(ctx) {
      const admin = await ctx.admin();
      const topic = await ctx.createTopic('altered', { configs: { 'retention.ms': '60000' } });
      const alter = (name: string, entries: Record<string, string>, validateOnly = false) =>
        outcome(admin.alterConfigs({ validateOnly, resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: Object.entries(entries).map(([n, value]) => ({ name: n, value })) }] }));
      const changed = await alter(topic, { 'cleanup.policy': 'compact', 'segment.bytes': '1048576' });
      const badValue = await alter(topic, { 'retention.ms': 'forever' });
      const unknownName = await alter(topic, { 'no.such.config': '1' });
      const checkedOnly = await alter(topic, { 'retention.ms': '1000' }, true);
      const unknownTopic = await alter(ctx.topic('missing'), { 'retention.ms': '1000' });
      const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'segment.bytes', 'retention.ms'] }], includeSynonyms: false });
      return {
        changed,
        badValue,
        unknownName,
        checkedOnly,
        unknownTopic,
        after: resources[0].configEntries.map((e) => ({ name: e.configName, value: e.configValue, isDefault: e.isDefault, source: e.configSource })).sort((a, b) => a.name.localeCompare(b.name)),
      };
    },
  },
  {
    name: 'kafka-python describe_configs: a topic and a broker with each filter, synonyms, sources and sensitive values; DescribeConfigs v4 answers "" as its message',
    clients: ['kafka-python'],
    async run(ctx) {
      const topic = await ctx.createTopic('described', { configs: { 'retention.ms': '60000', 'cleanup.policy': 'compact', 'compression.gzip.level': '5' } });
      const topicNames = [...NAMES, 'compression.gzip.level', 'local.retention.ms', 'remote.storage.enable', 'message.timestamp.after.max.ms', 'unclean.leader.election.enable'];
      const brokerNames = ['num.partitions', 'auto.create.topics.enable', 'default.replication.factor', 'log.retention.hours', 'message.max.bytes', 'min.insync.replicas', 'log.cleanup.policy', 'compression.type', 'node.id', 'broker.id', 'delete.topic.enable'];
      const sensitive = ['ssl.keystore.password', 'ssl.key.password', 'ssl.truststore.password', 'sasl.jaas.config'];
      const describe = (type: string, name: string, filter: string, synonyms: boolean, configs?: string[]) => ({ op: 'describe_configs', filter, synonyms, resources: [{ type, name, configs }] });
      const described = await python(
        ctx,
        'admin_steps.py',
        '-',
        JSON.stringify([
          // kafka-python's default: the overrides only.
          describe('topic', topic, 'modified', false),
          describe('topic', topic, 'all', true, topicNames),
          describe('topic', topic, 'default', false, topicNames),
          describe('topic', topic, 'all', false),
          describe('broker', '1', 'all', true, brokerNames),
          describe('broker', '1', 'dynamic', false, brokerNames),
          describe('broker', '1', 'static', false, brokerNames),
          describe('broker', '1', 'all', false, sensitive),
          // kafka-python drops a resource's error: an unknown topic shows no configs.
          describe('topic', ctx.topic('nope'), 'all', false),
        ]),
      );
      const TOPIC = 2;
      const BROKER = 4;
      const v4 = await rawRequest(ctx.bootstrapServers[0], 32, 4, {
        resources: [
          { resourceType: TOPIC, resourceName: topic, configurationKeys: ['retention.ms'] },
          { resourceType: TOPIC, resourceName: ctx.topic('missing'), configurationKeys: ['retention.ms'] },
          { resourceType: BROKER, resourceName: '1', configurationKeys: ['num.partitions'] },
          { resourceType: BROKER, resourceName: '', configurationKeys: ['min.insync.replicas'] },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      return { described, v4 };
    },
  },
  {
    name: 'client quotas: none are set; DescribeClientQuotas checks its filter (kafka-configs --describe --entity-type users asks it)',
    async run(ctx) {
      const describe = async (components: { entityType: string; matchType: number; match: string | null }[], strict = false) => {
        const answer = await rawRequest(ctx.bootstrapServers[0], 48, 1, { components, strict });
        return { errorCode: answer.errorCode, errorMessage: answer.errorMessage, entries: answer.entries };
      };
      return {
        all: await describe([]),
        oneUser: await describe([{ entityType: 'user', matchType: 0, match: 'alice' }], true),
        defaultUser: await describe([{ entityType: 'user', matchType: 1, match: null }]),
        emptyType: await describe([{ entityType: '', matchType: 0, match: 'x' }]),
        twice: await describe([{ entityType: 'user', matchType: 2, match: null }, { entityType: 'user', matchType: 0, match: 'a' }]),
        unknownType: await describe([{ entityType: 'group', matchType: 0, match: 'g' }]),
        exactWithoutMatch: await describe([{ entityType: 'client-id', matchType: 0, match: null }]),
        defaultWithMatch: await describe([{ entityType: 'client-id', matchType: 1, match: 'x' }]),
        unknownMatchType: await describe([{ entityType: 'client-id', matchType: 7, match: null }]),
        ipWithUser: await describe([{ entityType: 'ip', matchType: 2, match: null }, { entityType: 'user', matchType: 2, match: null }]),
      };
    },
  },
  {
    name: "incremental alter configs: deleting replication throttles nobody set succeeds, as kafka-reassign-partitions --verify does; a bad throttled-replicas list is refused",
    async run(ctx) {
      const topic = await ctx.createTopic('throttled');
      const alter = (resources: object[]) => rawRequest(ctx.bootstrapServers[0], 44, 1, { resources, validateOnly: false });
      const DELETE = 1;
      const SET = 0;
      const cleared = await alter([
        {
          resourceType: 4,
          resourceName: '1',
          configs: ['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second'].map((name) => ({ name, configOperation: DELETE, value: null })),
        },
        { resourceType: 2, resourceName: topic, configs: ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'].map((name) => ({ name, configOperation: DELETE, value: null })) },
      ]);
      const setReplicas = await alter([{ resourceType: 2, resourceName: topic, configs: [{ name: 'leader.replication.throttled.replicas', configOperation: SET, value: '0:1' }] }]);
      const badReplicas = await alter([{ resourceType: 2, resourceName: topic, configs: [{ name: 'follower.replication.throttled.replicas', configOperation: SET, value: 'broker one' }] }]);
      const { resources } = await (await ctx.admin()).describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['leader.replication.throttled.replicas', 'follower.replication.throttled.replicas'] }],
        includeSynonyms: false,
      });
      return { cleared, setReplicas, badReplicas, described: resources.map((r) => ({ ...r, configEntries: [...r.configEntries].sort((a, b) => a.configName.localeCompare(b.configName)) })) };
    },
  },
];
