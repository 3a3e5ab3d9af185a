// DescribeConfigs (32): a topic's every config (its overrides over Kafka's defaults), or the
// receiving broker's configs. v0 says whether each value is a default; v1+ says where it comes
// from and, when asked, lists its synonyms: the topic override, then the broker config it falls
// back to.

import { BROKER_SYNONYM, brokerConfigs, CLUSTER_DEFAULTS, ConfigResource, ConfigSource, resourceLabel, type BrokerConfig } from '../cluster/broker-configs.ts';
import type { Broker } from '../cluster/broker.ts';
import { TOPIC_CONFIGS } from '../cluster/configs.ts';
import { invalidTopicName, type Topic } from '../cluster/topic.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DescribeConfigsRequest } from '../protocol/messages/DescribeConfigsRequest.ts';
import { DescribeConfigsResourceResult, DescribeConfigsResponse, DescribeConfigsSynonym } from '../protocol/messages/DescribeConfigsResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import { configsDenied, outcomeOf, type Outcome } from './admin.ts';
import { defineApi, type RequestServices } from './api.ts';

type ConfigEntry = EncodableType<typeof DescribeConfigsResourceResult>;
type Synonym = EncodableType<typeof DescribeConfigsSynonym>;

export const describeConfigs = defineApi({
  request: DescribeConfigsRequest,
  response: DescribeConfigsResponse,
  versions: '1-4',
  handle(req, { cluster, topics, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      results: req.resources.map(({ resourceType, resourceName, configurationKeys }) => {
        const denied = configsDenied(resourceType, resourceName, 'DESCRIBE_CONFIGS', authorize);
        if (denied) return { resourceType, resourceName, ...denied, configs: [] };
        const { configs, ...outcome } = describeResource({ cluster, topics }, broker, resourceType, resourceName, req.includeSynonyms);
        // An empty key list means every config, as null does.
        const wanted = configurationKeys?.length ? new Set(configurationKeys) : null;
        return { resourceType, resourceName, ...outcome, configs: wanted ? configs.filter((c) => wanted.has(c.name)) : configs };
      }),
    };
  },
  describe: (req) => req.resources.map((r) => resourceLabel(r.resourceType, r.resourceName)).join(' '),
});

function describeResource(services: Pick<RequestServices, 'cluster' | 'topics'>, broker: Broker, type: number, name: string, includeSynonyms: boolean): Outcome & { configs: ConfigEntry[] } {
  // Kafka answers an unknown topic with the bare error code, and an empty message (not null).
  if (type === ConfigResource.TOPIC && !invalidTopicName(name) && !services.topics.has(name)) {
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: '', configs: [] };
  }
  let configs: ConfigEntry[] = [];
  const outcome = outcomeOf(() => {
    configs = configsOf(services, broker, type, name, includeSynonyms);
  });
  // A described resource comes with the message "", as Kafka 4 sends it.
  return { ...outcome, errorMessage: outcome.errorCode === ErrorCode.NONE ? '' : outcome.errorMessage, configs };
}

function configsOf({ cluster, topics }: Pick<RequestServices, 'cluster' | 'topics'>, broker: Broker, type: number, name: string, includeSynonyms: boolean): ConfigEntry[] {
  if (type === ConfigResource.TOPIC) {
    const invalid = invalidTopicName(name);
    if (invalid) throw new KafkaError('INVALID_TOPIC_EXCEPTION', invalid);
    const topic = topics.require(name);
    return topicConfigEntries(topic, includeSynonyms);
  }
  if (type === ConfigResource.BROKER) {
    // The empty name means the cluster-wide dynamic defaults.
    if (name === '') {
      return Object.entries(CLUSTER_DEFAULTS).map(([config, value]) => ({
        ...entry(config, value, false, [{ name: config, value, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }], includeSynonyms),
        configType: brokerConfigType(config),
      }));
    }
    if (!/^-?\d+$/.test(name)) throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is: ${name}`);
    if (Number(name) !== broker.id) {
      throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${broker.id} or empty string, but received ${name}`);
    }
    return brokerConfigs(cluster, broker.id).map((config) => brokerEntry(config, includeSynonyms));
  }
  throw new KafkaError('INVALID_REQUEST', `Unsupported resource type: ${type}`);
}

/** Every config of a topic as DescribeConfigs lists it (CreateTopics v5+ answers them too). */
export function topicConfigEntries(topic: Topic, includeSynonyms = false): ConfigEntry[] {
  return Object.keys(TOPIC_CONFIGS).map((config) => topicEntry(topic, config, includeSynonyms));
}

function topicEntry(topic: Topic, name: string, includeSynonyms: boolean): ConfigEntry {
  const value = canonical(name, topic.config.get(name));
  const brokerName = BROKER_SYNONYM[name];
  const synonyms: Synonym[] = [];
  if (topic.config.isOverridden(name)) synonyms.push({ name, value, source: ConfigSource.TOPIC_CONFIG });
  const clusterDefault = brokerName ? CLUSTER_DEFAULTS[brokerName] : undefined;
  if (clusterDefault !== undefined) synonyms.push({ name: brokerName, value: clusterDefault, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  if (brokerName) synonyms.push({ name: brokerName, value: TOPIC_CONFIGS[name].default, source: ConfigSource.DEFAULT_CONFIG });
  return { ...entry(name, value, false, synonyms, includeSynonyms), configType: CONFIG_TYPE[TOPIC_CONFIGS[name].type] };
}

/** Kafka's ConfigDef.Type codes, which v3+ answer for each config (documentation stays null: there is none here). */
const CONFIG_TYPE = { boolean: 1, string: 2, int: 3, short: 4, long: 5, double: 6, list: 7, password: 9 } as const;

/** The types of the broker configs that are no topic config's synonym. */
const BROKER_CONFIG_TYPES: Record<string, keyof typeof CONFIG_TYPE> = {
  'node.id': 'int',
  'broker.id': 'int',
  listeners: 'list',
  'advertised.listeners': 'string',
  'num.partitions': 'int',
  'default.replication.factor': 'int',
  'auto.create.topics.enable': 'boolean',
  'offsets.topic.replication.factor': 'short',
  'group.initial.rebalance.delay.ms': 'int',
  'group.min.session.timeout.ms': 'int',
  'group.max.session.timeout.ms': 'int',
  'delete.topic.enable': 'boolean',
  'log.retention.hours': 'int',
  'log.roll.hours': 'int',
  'sasl.jaas.config': 'password',
  'ssl.key.password': 'password',
  'ssl.keystore.password': 'password',
  'ssl.truststore.password': 'password',
};
const TOPIC_CONFIG_OF = Object.fromEntries(Object.entries(BROKER_SYNONYM).map(([topicConfig, broker]) => [broker, topicConfig]));

const brokerConfigType = (name: string): number => {
  const type = BROKER_CONFIG_TYPES[name] ?? TOPIC_CONFIGS[TOPIC_CONFIG_OF[name]]?.type;
  return type ? CONFIG_TYPE[type] : 0;
};

function brokerEntry(config: BrokerConfig, includeSynonyms: boolean): ConfigEntry {
  // Kafka's precedence: cluster-wide dynamic default, then server.properties, then Kafka's default.
  const synonyms: Synonym[] = [];
  if (config.clusterDefault !== undefined) synonyms.push({ name: config.name, value: config.clusterDefault, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG });
  if (config.isStatic) synonyms.push({ name: config.name, value: config.value, source: ConfigSource.STATIC_BROKER_CONFIG });
  if (config.kafkaDefault !== undefined) synonyms.push({ name: config.name, value: config.kafkaDefault, source: ConfigSource.DEFAULT_CONFIG });
  return { ...entry(config.name, config.value, !config.dynamic, synonyms, includeSynonyms), isSensitive: config.sensitive ?? false, configType: brokerConfigType(config.name) };
}

/** As Kafka builds an entry: its source is that of its first synonym, DEFAULT_CONFIG without any. */
function entry(name: string, value: string | null, readOnly: boolean, synonyms: Synonym[], includeSynonyms: boolean): ConfigEntry {
  const configSource = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
  return {
    name,
    value,
    readOnly,
    configSource,
    isSensitive: false,
    documentation: null,
    synonyms: includeSynonyms ? synonyms : [],
  };
}

/** A value as Kafka prints it once parsed: "delete, compact" is "delete,compact", " 007" is "7". */
function canonical(name: string, value: string): string {
  switch (TOPIC_CONFIGS[name]?.type) {
    case 'int':
    case 'long':
      return BigInt(value.trim()).toString();
    case 'double': {
      // Java prints whole doubles with a fraction: 1 is "1.0".
      const n = Number(value);
      return Number.isInteger(n) && Math.abs(n) < 1e7 ? n.toFixed(1) : String(n);
    }
    case 'boolean':
      return value.trim().toLowerCase();
    case 'list':
      return value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .join(',');
    default:
      return value;
  }
}
