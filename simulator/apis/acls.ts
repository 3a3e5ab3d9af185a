// Shared by the ACL APIs (DescribeAcls, CreateAcls, DeleteAcls): how a filter arrives on the wire,
// and the checks Kafka makes before acting on any of them. A request naming an unknown resource
// type, pattern type, operation or permission fails Kafka's request parsing, which closes the
// connection; asking without an authorizer gets SECURITY_DISABLED.

import { ErrorCode } from '../protocol/errors.ts';
import { MalformedFrameError } from '../protocol/wire.ts';
import { OPERATIONS, operationName, patternTypeName, permissionName, resourceTypeName, type AclFilter, type AclOperation, type AclResourceType } from '../security/acl.ts';
import { clusterDenied, type Outcome } from './admin.ts';
import type { RequestContext } from './api.ts';

/** An ACL filter as DescribeAcls' request and each DeleteAcls filter carry it. */
export interface WireAclFilter {
  resourceTypeFilter: number;
  resourceNameFilter: string | null;
  patternTypeFilter: number;
  principalFilter: string | null;
  hostFilter: string | null;
  operation: number;
  permissionType: number;
}

export function filterFromWire(wire: WireAclFilter): AclFilter {
  const filter = readFilter(wire);
  if (Object.values(filter).includes('UNKNOWN')) throw new MalformedFrameError(`ACL filter contains UNKNOWN elements: ${aclLabel(filter)}`);
  return filter;
}

function readFilter(wire: WireAclFilter): AclFilter {
  return {
    resourceType: resourceTypeName(wire.resourceTypeFilter),
    resourceName: wire.resourceNameFilter,
    patternType: patternTypeName(wire.patternTypeFilter),
    principal: wire.principalFilter,
    host: wire.hostFilter,
    operation: operationName(wire.operation),
    permission: permissionName(wire.permissionType),
  };
}

/** "TOPIC:PREFIXED:orders- User:alice@* WRITE ALLOW", for --trace; "(any)" where a filter matches anything. */
export function aclLabel(acl: AclFilter): string {
  const any = (value: string | null | undefined) => value ?? '(any)';
  return `${any(acl.resourceType)}:${any(acl.patternType)}:${any(acl.resourceName)} ${any(acl.principal)}@${any(acl.host)} ${any(acl.operation)} ${any(acl.permission)}`;
}

export const filterLabel = (wire: WireAclFilter) => aclLabel(readFilter(wire));

/**
 * Why an ACL request cannot be served at all, or null when it can: the client must be allowed the
 * operation on the cluster (DESCRIBE to list ACLs, ALTER to change them), and an authorizer must be
 * configured.
 */
export function refusal(context: RequestContext, apiName: string, operation: 'DESCRIBE' | 'ALTER', noAuthorizerMessage: string): Outcome | null {
  const denied = clusterDenied(context, apiName, operation);
  if (denied) return denied;
  if (!context.security.authorizer.enabled) return { errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: noAuthorizerMessage };
  return null;
}

/** The operations Kafka reports as authorised for each resource type (authorizedOperations bitfields). */
const REPORTED_OPERATIONS = {
  TOPIC: ['READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'],
  GROUP: ['READ', 'DELETE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS'],
  CLUSTER: ['CREATE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION', 'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE'],
  TRANSACTIONAL_ID: ['WRITE', 'DESCRIBE'],
} as const satisfies Partial<Record<AclResourceType, readonly AclOperation[]>>;

/** Kafka's "no authorized operations asked for" value of the authorizedOperations fields. */
export const OPERATIONS_NOT_ASKED = -2147483648;

/**
 * The authorizedOperations bitfield of a resource (Metadata v8+, DescribeGroups v3+,
 * DescribeCluster, ConsumerGroupDescribe): bit n set when the client may perform operation code n.
 */
export function authorizedOperations(authorize: RequestContext['authorize'], type: keyof typeof REPORTED_OPERATIONS, name?: string): number {
  let bits = 0;
  for (const operation of REPORTED_OPERATIONS[type]) if (authorize(operation, type, name)) bits |= 1 << OPERATIONS[operation];
  return bits;
}
