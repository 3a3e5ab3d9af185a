// AlterConfigs (33): replaces a topic's config overrides. It is not incremental: a config the
// request leaves out goes back to its default. The broker checks the request's shape, then the
// topic's configs are validated before its existence, as on a KRaft controller.
// Broker resources: Kafka refuses read-only configs with INVALID_REQUEST and applies dynamic ones
// (KIP-226); this cluster has no dynamic broker configs, so it refuses those too.

import { brokerConfigs, ConfigResource, resourceLabel } from '../cluster/broker-configs.ts';
import type { Broker } from '../cluster/broker.ts';
import { validateTopicConfigs } from '../cluster/configs.ts';
import { invalidTopicName } from '../cluster/topic.ts';
import { KafkaError } from '../protocol/errors.ts';
import { AlterConfigsRequest, AlterConfigsResource } from '../protocol/messages/AlterConfigsRequest.ts';
import { AlterConfigsResponse } from '../protocol/messages/AlterConfigsResponse.ts';
import type { DecodedType } from '../protocol/schema.ts';
import { alterEachResource, namesGivenTwice } from './admin.ts';
import { defineApi, type RequestServices } from './api.ts';

type Resource = DecodedType<typeof AlterConfigsResource>;

export const alterConfigs = defineApi({
  request: AlterConfigsRequest,
  response: AlterConfigsResponse,
  versions: '0-2',
  handle(req, { cluster, topics, broker, authorize }) {
    return { throttleTimeMs: 0, responses: alterEachResource(req.resources, authorize, (r) => alter({ cluster, topics }, broker, r, req.validateOnly)) };
  },
  describe: (req) =>
    req.resources
      .map((r) => `${resourceLabel(r.resourceType, r.resourceName)}{${r.configs.map((c) => `${c.name}=${c.value}`).join(',')}}`)
      .join(' ') + (req.validateOnly ? ' validateOnly' : ''),
});

function alter({ cluster, topics }: Pick<RequestServices, 'cluster' | 'topics'>, broker: Broker, resource: Resource, validateOnly: boolean): void {
  if (namesGivenTwice(resource.configs.map((c) => c.name)).size > 0) throw new KafkaError('INVALID_REQUEST', 'Error due to duplicate config keys');
  const nulls = resource.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nulls.length > 0) throw new KafkaError('INVALID_REQUEST', `Null value not supported for : ${nulls.join(', ')}`);
  const configs = Object.fromEntries(resource.configs.map((c) => [c.name, c.value as string]));
  const name = resource.resourceName;
  switch (resource.resourceType) {
    case ConfigResource.TOPIC: {
      if (name === '') throw new KafkaError('INVALID_REQUEST', 'Default topic resources are not allowed.');
      const invalid = invalidTopicName(name);
      if (invalid) throw new KafkaError('INVALID_TOPIC_EXCEPTION', invalid);
      validateTopicConfigs(configs);
      if (!topics.has(name)) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${name}' does not exist.`);
      return topics.setConfigs(name, configs, validateOnly);
    }
    case ConfigResource.BROKER:
      return refuseBrokerConfigs(cluster, broker, name, Object.keys(configs));
    default:
      throw new KafkaError('INVALID_REQUEST', `Unknown resource type ${resource.resourceType}`);
  }
}

export function refuseBrokerConfigs(cluster: RequestServices['cluster'], broker: Broker, name: string, configNames: string[]): void {
  if (name !== '') {
    if (!/^-?\d+$/.test(name)) throw new KafkaError('INVALID_REQUEST', `Node id must be an integer, but it is: ${name}`);
    if (Number(name) !== broker.id) throw new KafkaError('INVALID_REQUEST', `Unexpected broker id, expected ${broker.id}, but received ${name}`);
  }
  const known = new Map(brokerConfigs(cluster, broker.id).map((c) => [c.name, c]));
  const readOnly = configNames.filter((n) => known.has(n) && !known.get(n)!.dynamic);
  if (readOnly.length > 0) throw new KafkaError('INVALID_REQUEST', `Cannot update these configs dynamically: Set(${readOnly.join(', ')})`);
  if (configNames.length > 0) {
    throw new KafkaError('INVALID_REQUEST', `This cluster does not support dynamic broker configs (KIP-226): ${configNames.join(', ')}`);
  }
}
