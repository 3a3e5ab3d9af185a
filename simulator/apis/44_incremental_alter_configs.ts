// IncrementalAlterConfigs (44): changes some of a resource's configs and leaves the rest as they
// are, each config by one operation: SET a value, DELETE the override (back to the default),
// APPEND to or SUBTRACT from a list config. What `kafka-configs --alter` and the Java admin
// client's incrementalAlterConfigs send. Checked as AlterConfigs is: the request's shape, then the
// resulting configs, then the topic's existence; broker configs cannot be changed here (deleting
// a dynamic one, which is never set, succeeds).

import { ConfigResource, isDynamicBrokerConfig, resourceLabel } from '../cluster/broker-configs.ts';
import type { Broker } from '../cluster/broker.ts';
import { TOPIC_CONFIGS } from '../cluster/configs.ts';
import { invalidTopicName } from '../cluster/topic.ts';
import { KafkaError } from '../protocol/errors.ts';
import { AlterConfigsResource, IncrementalAlterConfigsRequest } from '../protocol/messages/IncrementalAlterConfigsRequest.ts';
import { IncrementalAlterConfigsResponse } from '../protocol/messages/IncrementalAlterConfigsResponse.ts';
import type { DecodedType } from '../protocol/schema.ts';
import { refuseBrokerConfigs } from './33_alter_configs.ts';
import { alterEachResource, namesGivenTwice } from './admin.ts';
import { defineApi, type RequestServices } from './api.ts';

type Resource = DecodedType<typeof AlterConfigsResource>;

/** Kafka's AlterConfigOp.OpType codes. */
const OPERATIONS = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const;

export const incrementalAlterConfigs = defineApi({
  request: IncrementalAlterConfigsRequest,
  response: IncrementalAlterConfigsResponse,
  versions: '0-1',
  handle(req, { cluster, topics, broker, authorize }) {
    return { throttleTimeMs: 0, responses: alterEachResource(req.resources, authorize, (r) => alter({ cluster, topics }, broker, r, req.validateOnly)) };
  },
  describe: (req) =>
    req.resources
      .map((r) => `${resourceLabel(r.resourceType, r.resourceName)}{${r.configs.map((c) => `${OPERATIONS[c.configOperation] ?? c.configOperation} ${c.name}${c.value === null ? '' : `=${c.value}`}`).join(',')}}`)
      .join(' ') + (req.validateOnly ? ' validateOnly' : ''),
});

function alter({ cluster, topics }: Pick<RequestServices, 'cluster' | 'topics'>, broker: Broker, resource: Resource, validateOnly: boolean): void {
  if (namesGivenTwice(resource.configs.map((c) => c.name)).size > 0) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
  const unknown = resource.configs.find((c) => OPERATIONS[c.configOperation] === undefined);
  if (unknown) throw new KafkaError('INVALID_REQUEST', `Unknown alter config operation ${unknown.configOperation} for ${unknown.name}`);
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ConfigResource.TOPIC: {
      if (name === '') throw new KafkaError('INVALID_REQUEST', 'Default topic resources are not allowed.');
      const invalid = invalidTopicName(name);
      if (invalid) throw new KafkaError('INVALID_TOPIC_EXCEPTION', invalid);
      const topic = topics.get(name);
      const overrides = applyOperations(topic?.config.overrides ?? {}, (config) => topic?.config.get(config) ?? TOPIC_CONFIGS[config].default, resource.configs);
      if (!topic) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
      return topics.setConfigs(name, overrides, validateOnly);
    }
    case ConfigResource.BROKER: {
      // No broker config is set at run time here, so deleting a dynamic one changes nothing and
      // succeeds, as in Kafka: kafka-reassign-partitions --verify clears its throttles this way.
      const changes = resource.configs.filter((c) => !(OPERATIONS[c.configOperation] === 'DELETE' && isDynamicBrokerConfig(cluster, broker.id, c.name)));
      return refuseBrokerConfigs(cluster, broker, name, changes.map((c) => c.name));
    }
    default:
      throw new KafkaError('INVALID_REQUEST', `Unknown resource type ${resource.resourceType}`);
  }
}

/** The overrides after the operations (Topics.setConfigs validates the values). */
function applyOperations(overrides: Record<string, string>, effective: (name: string) => string, changes: Resource['configs']): Record<string, string> {
  const next = { ...overrides };
  const items = (text: string) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  for (const { name, configOperation, value } of changes) {
    const operation = OPERATIONS[configOperation];
    if (!(name in TOPIC_CONFIGS)) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${name}`);
    if (operation === 'DELETE') {
      delete next[name];
      continue;
    }
    if (value === null) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${name}`);
    if (operation === 'SET') {
      next[name] = value;
      continue;
    }
    if (TOPIC_CONFIGS[name].type !== 'list') {
      throw new KafkaError('INVALID_CONFIG', `Can't ${operation} to key ${name} because its type is not LIST.`);
    }
    const before = items(name in next ? next[name] : effective(name));
    const given = items(value);
    next[name] = (operation === 'APPEND' ? [...before, ...given.filter((v) => !before.includes(v))] : before.filter((v) => !given.includes(v))).join(',');
  }
  return next;
}
