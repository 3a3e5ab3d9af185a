// Topic configs: the names, defaults and valid values of Apache Kafka's topic-level configs.
// A topic stores only its overrides; describing it fills in the rest from these defaults.

import { KafkaError } from '../protocol/errors.ts';

type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list';

interface ConfigDefinition {
  type: ConfigType;
  default: string;
  /** Allowed values (string/list types) or an inclusive minimum (numbers). */
  oneOf?: readonly string[];
  min?: number;
  /** An inclusive maximum (numbers). */
  max?: number;
  /** A value allowed outside [min, max], and how Kafka's validator then words the range. */
  orEqualTo?: number;
  /** Every item of a list must match, else Kafka's `message` (a validator of its own). */
  items?: { pattern: RegExp; message: string };
}

/** Kafka's ThrottledReplicaListValidator: "*", or partition:broker pairs. */
const THROTTLED_REPLICAS = { pattern: /^(\*|\d+:\d+)$/, message: "must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..." };

const LONG_MAX = '9223372036854775807';

export const TOPIC_CONFIGS: Record<string, ConfigDefinition> = {
  'cleanup.policy': { type: 'list', default: 'delete', oneOf: ['compact', 'delete'] },
  'compression.gzip.level': { type: 'int', default: '-1', min: 1, max: 9, orEqualTo: -1 },
  'compression.lz4.level': { type: 'int', default: '9', min: 1, max: 17 },
  'compression.zstd.level': { type: 'int', default: '3', min: -131072, max: 22 },
  'compression.type': { type: 'string', default: 'producer', oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] },
  'delete.retention.ms': { type: 'long', default: '86400000', min: 0 },
  'file.delete.delay.ms': { type: 'long', default: '60000', min: 0 },
  'follower.replication.throttled.replicas': { type: 'list', default: '', items: THROTTLED_REPLICAS },
  'flush.messages': { type: 'long', default: LONG_MAX, min: 1 },
  'flush.ms': { type: 'long', default: LONG_MAX, min: 0 },
  'index.interval.bytes': { type: 'int', default: '4096', min: 0 },
  'leader.replication.throttled.replicas': { type: 'list', default: '', items: THROTTLED_REPLICAS },
  'local.retention.bytes': { type: 'long', default: '-2', min: -2 },
  'local.retention.ms': { type: 'long', default: '-2', min: -2 },
  'max.compaction.lag.ms': { type: 'long', default: LONG_MAX, min: 1 },
  'max.message.bytes': { type: 'int', default: '1048588', min: 0 },
  'message.timestamp.after.max.ms': { type: 'long', default: '3600000', min: 0 },
  'message.timestamp.before.max.ms': { type: 'long', default: LONG_MAX, min: 0 },
  'message.timestamp.type': { type: 'string', default: 'CreateTime', oneOf: ['CreateTime', 'LogAppendTime'] },
  'min.cleanable.dirty.ratio': { type: 'double', default: '0.5', min: 0 },
  'min.compaction.lag.ms': { type: 'long', default: '0', min: 0 },
  'min.insync.replicas': { type: 'int', default: '1', min: 1 },
  preallocate: { type: 'boolean', default: 'false' },
  'remote.log.copy.disable': { type: 'boolean', default: 'false' },
  'remote.log.delete.on.disable': { type: 'boolean', default: 'false' },
  'remote.storage.enable': { type: 'boolean', default: 'false' },
  'retention.bytes': { type: 'long', default: '-1' },
  'retention.ms': { type: 'long', default: '604800000', min: -1 },
  'segment.bytes': { type: 'int', default: '1073741824', min: 1_048_576 },
  'segment.index.bytes': { type: 'int', default: '10485760', min: 4 },
  'segment.jitter.ms': { type: 'long', default: '0', min: 0 },
  'segment.ms': { type: 'long', default: '604800000', min: 1 },
  'unclean.leader.election.enable': { type: 'boolean', default: 'false' },
};

/** Checks one config against Kafka's definition; throws INVALID_CONFIG with Kafka's wording. */
export function validateTopicConfig(name: string, value: string | null): void {
  const definition = TOPIC_CONFIGS[name];
  if (!definition) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${name}`);
  if (value === null) throw new KafkaError('INVALID_CONFIG', `Invalid value null for configuration ${name}`);
  const invalid = (why: string) => new KafkaError('INVALID_CONFIG', `Invalid value ${value} for configuration ${name}: ${why}`);
  switch (definition.type) {
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) throw invalid(`Not a number of type ${definition.type.toUpperCase()}`);
      if (definition.type === 'int' && Math.abs(Number(value)) > 2 ** 31) throw invalid('Not a number of type INT');
      const { min, max, orEqualTo } = definition;
      if (orEqualTo !== undefined && Number(value) === orEqualTo) return;
      if (orEqualTo !== undefined && (Number(value) < min! || Number(value) > max!)) throw invalid(`Value must be between ${min} and ${max} or equal to ${orEqualTo}`);
      if (min !== undefined && Number(value) < min) throw invalid(`Value must be at least ${min}`);
      if (max !== undefined && Number(value) > max) throw invalid(`Value must be no more than ${max}`);
      return;
    }
    case 'double':
      if (Number.isNaN(Number(value)) || value.trim() === '') throw invalid('Not a number of type DOUBLE');
      if (definition.min !== undefined && Number(value) < definition.min) throw invalid(`Value must be at least ${definition.min}`);
      return;
    case 'boolean':
      if (!/^(true|false)$/i.test(value.trim())) throw invalid('Expected value to be either true or false');
      return;
    case 'string':
      if (definition.oneOf && !definition.oneOf.includes(value)) throw invalid(`String must be one of: ${definition.oneOf.join(', ')}`);
      return;
    case 'list': {
      const items = value.split(',').map((s) => s.trim());
      for (const item of items) {
        if (definition.oneOf && !definition.oneOf.includes(item)) throw invalid(`String must be one of: ${definition.oneOf.join(', ')}`);
      }
      const { items: rule } = definition;
      // Kafka's validator shows the parsed list, as Java prints one, and names the config again.
      if (rule && value.trim() !== '' && !items.every((item) => rule.pattern.test(item))) {
        throw new KafkaError('INVALID_CONFIG', `Invalid value [${items.join(', ')}] for configuration ${name}: ${name} ${rule.message}`);
      }
      return;
    }
  }
}

export function validateTopicConfigs(configs: Record<string, string | null>): Record<string, string> {
  for (const [name, value] of Object.entries(configs)) validateTopicConfig(name, value);
  // No broker here has tiered storage (remote.log.storage.system.enable is false), as Kafka's default.
  if (configs['remote.storage.enable']?.trim().toLowerCase() === 'true') {
    throw new KafkaError('INVALID_CONFIG', 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.');
  }
  return configs as Record<string, string>;
}

/** A topic's effective configs: its overrides over Kafka's defaults. */
export class TopicConfig {
  constructor(public overrides: Record<string, string> = {}) {}

  get(name: string): string {
    return this.overrides[name] ?? TOPIC_CONFIGS[name]?.default ?? '';
  }

  number(name: string): number {
    return Number(this.get(name));
  }

  isOverridden(name: string): boolean {
    return name in this.overrides;
  }

  get maxMessageBytes(): number {
    return this.number('max.message.bytes');
  }

  get logAppendTime(): boolean {
    return this.get('message.timestamp.type') === 'LogAppendTime';
  }
}
