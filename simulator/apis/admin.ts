// Shared by the admin APIs: how a refusal becomes a result's error fields, which names a request
// lists more than once (Kafka answers those INVALID_REQUEST rather than act on either), and who may
// see or change a resource's configs.

import { ConfigResource } from '../cluster/broker-configs.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import type { RequestContext } from './api.ts';

export interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

export const SUCCESS: Outcome = { errorCode: ErrorCode.NONE, errorMessage: null };

/** Runs `act`; a KafkaError it throws becomes the error code and message of this one result. */
export function outcomeOf(act: () => void): Outcome {
  try {
    act();
    return SUCCESS;
  } catch (error) {
    if (error instanceof KafkaError) return { errorCode: error.code, errorMessage: error.message };
    throw error;
  }
}

/**
 * A KRaft controller writes at most 10,000 metadata records per request (a topic, each partition and
 * each config is one) and refuses a larger request whole, each result with this outcome.
 */
export const MAX_RECORDS_PER_REQUEST = 10_000;
export const TOO_LARGE: Outcome = { errorCode: ErrorCode.POLICY_VIOLATION, errorMessage: 'Unable to perform excessively large batch operation.' };

/**
 * A KRaft controller takes a request's timeout as its deadline, and one of zero or less as passed
 * already: it answers every topic REQUEST_TIMED_OUT, with no message, and does nothing.
 */
export const deadlinePassed = (timeoutMs: number): boolean => timeoutMs <= 0;

export function namesGivenTwice(names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const name of names) (seen.has(name) ? twice : seen).add(name);
  return twice;
}

/**
 * AlterConfigs' and IncrementalAlterConfigs' answer: each resource altered on its own (`alter`
 * throws the KafkaError of its refusal), after the checks both make — a resource named twice is
 * INVALID_REQUEST, and the client must be allowed to alter its configs.
 */
export function alterEachResource<R extends { resourceType: number; resourceName: string }>(
  resources: readonly R[],
  authorize: RequestContext['authorize'],
  alter: (resource: R) => void,
): (Outcome & { resourceType: number; resourceName: string })[] {
  const key = (r: R) => `${r.resourceType}:${r.resourceName}`;
  const twice = namesGivenTwice(resources.map(key));
  return resources.map((r) => ({
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    ...(twice.has(key(r))
      ? { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Each resource must appear at most once.' }
      : (configsDenied(r.resourceType, r.resourceName, 'ALTER_CONFIGS', authorize) ?? outcomeOf(() => alter(r)))),
  }));
}

/**
 * Whether DescribeConfigs / AlterConfigs may see or change a resource's configs: a topic's need the
 * operation on the topic, a broker's on the cluster. The refusal Kafka answers, or null when allowed.
 */
export function configsDenied(resourceType: number, name: string, operation: 'DESCRIBE_CONFIGS' | 'ALTER_CONFIGS', authorize: RequestContext['authorize']): Outcome | null {
  if (resourceType === ConfigResource.TOPIC && !authorize(operation, 'TOPIC', name)) {
    return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: DENIED_MESSAGE.TOPIC_AUTHORIZATION_FAILED };
  }
  if (resourceType === ConfigResource.BROKER && !authorize(operation, 'CLUSTER')) {
    return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: DENIED_MESSAGE.CLUSTER_AUTHORIZATION_FAILED };
  }
  return null;
}

/** Kafka's refusal of an admin request that needs an operation on the cluster, or null when allowed. */
export function clusterDenied(context: Pick<RequestContext, 'authorize' | 'session'>, apiName: string, operation: 'DESCRIBE' | 'ALTER'): Outcome | null {
  if (context.authorize(operation, 'CLUSTER')) return null;
  return { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: `Request ${apiName} from ${context.session.principal} is not authorized.` };
}
