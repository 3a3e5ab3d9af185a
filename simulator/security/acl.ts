// ACL bindings as Kafka models them: a resource pattern (type, name, LITERAL or PREFIXED) and an
// access control entry (principal, host, operation, ALLOW or DENY); filters that select bindings
// for DescribeAcls and DeleteAcls; and the store the authorizer reads. Names are Kafka's; the wire
// carries the enum codes below.

/** Kafka's org.apache.kafka.common.resource.ResourceType codes. */
export const RESOURCE_TYPES = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
/** Kafka's PatternType codes. ANY and MATCH exist only in filters. */
export const PATTERN_TYPES = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
/** Kafka's AclOperation codes. ANY exists only in filters. */
export const OPERATIONS = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
/** Kafka's AclPermissionType codes. ANY exists only in filters. */
export const PERMISSIONS = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

export type ResourceTypeName = keyof typeof RESOURCE_TYPES;
export type PatternTypeName = keyof typeof PATTERN_TYPES;
export type OperationName = keyof typeof OPERATIONS;
export type PermissionName = keyof typeof PERMISSIONS;

/** The resource types an ACL can name (and an authorization check can ask about). */
export type AclResourceType = 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'USER';
/** The operations an ACL can grant or deny. */
export type AclOperation = Exclude<OperationName, 'UNKNOWN' | 'ANY'>;

/** The one name a CLUSTER resource has. */
export const CLUSTER_NAME = 'kafka-cluster';
/** A LITERAL name matching every resource of its type, and a principal or host matching any. */
export const WILDCARD = '*';
export const WILDCARD_PRINCIPAL = 'User:*';

/** One ACL, as the cluster stores it and the admin APIs list it. */
export interface AclBinding {
  resourceType: AclResourceType;
  resourceName: string;
  patternType: 'LITERAL' | 'PREFIXED';
  /** "User:alice", or "User:*" for everyone. */
  principal: string;
  /** A client address, or "*" for any host. */
  host: string;
  operation: AclOperation;
  permission: 'ALLOW' | 'DENY';
}

/** What callers write: patternType defaults to LITERAL, host to "*", permission to ALLOW. */
export type AclBindingInput = Omit<AclBinding, 'patternType' | 'host' | 'permission'> & Partial<Pick<AclBinding, 'patternType' | 'host' | 'permission'>>;

/** Selects bindings: a missing (or null) field matches anything, as Kafka's AclBindingFilter. */
export interface AclFilter {
  resourceType?: ResourceTypeName;
  resourceName?: string | null;
  /** LITERAL/PREFIXED: that pattern exactly; ANY: any pattern of that name; MATCH: every pattern that applies to the name. */
  patternType?: PatternTypeName;
  principal?: string | null;
  host?: string | null;
  operation?: OperationName;
  permission?: PermissionName;
}

export class InvalidAclError extends Error {
  override name = 'InvalidAclError';
}

const nameOf = <T extends Record<string, number>>(codes: T, code: number): keyof T => {
  const found = Object.entries(codes).find(([, c]) => c === code);
  return (found?.[0] ?? 'UNKNOWN') as keyof T;
};

export const resourceTypeName = (code: number) => nameOf(RESOURCE_TYPES, code);
export const patternTypeName = (code: number) => nameOf(PATTERN_TYPES, code);
export const operationName = (code: number) => nameOf(OPERATIONS, code);
export const permissionName = (code: number) => nameOf(PERMISSIONS, code);

/** Kafka's checks of a new ACL (AclControlManager.validateNewAcl and the CreateAcls handler), with its messages. */
export function validAcl(input: {
  resourceType: string;
  resourceName: string;
  patternType?: string;
  principal: string;
  host?: string;
  operation: string;
  permission?: string;
}): AclBinding {
  const { resourceType, resourceName, principal } = input;
  const patternType = input.patternType ?? 'LITERAL';
  const operation = input.operation;
  const permission = input.permission ?? 'ALLOW';
  if (resourceType === 'CLUSTER' && resourceName !== CLUSTER_NAME) {
    throw new InvalidAclError(`The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`);
  }
  if (resourceName === '') throw new InvalidAclError('Invalid empty resource name');
  if (!(resourceType in RESOURCE_TYPES) || resourceType === 'UNKNOWN' || resourceType === 'ANY') throw new InvalidAclError(`Invalid resourceType ${resourceType}`);
  if (patternType !== 'LITERAL' && patternType !== 'PREFIXED') throw new InvalidAclError(`Invalid patternType ${patternType}`);
  if (!(operation in OPERATIONS) || operation === 'UNKNOWN' || operation === 'ANY') throw new InvalidAclError(`Invalid operation ${operation}`);
  if (permission !== 'ALLOW' && permission !== 'DENY') throw new InvalidAclError(`Invalid permissionType ${permission}`);
  if (!principal.includes(':')) {
    throw new InvalidAclError(`Could not parse principal from \`${principal}\` (no colon is present separating the principal type from the principal name)`);
  }
  return {
    resourceType: resourceType as AclResourceType,
    resourceName,
    patternType,
    principal,
    host: input.host ?? WILDCARD,
    operation: operation as AclOperation,
    permission,
  };
}

/** Kafka's AclBindingFilter.matches: does this filter select this binding? */
export function filterMatches(filter: AclFilter, acl: AclBinding): boolean {
  const { resourceType = 'ANY', resourceName = null, patternType = 'ANY', principal = null, host = null, operation = 'ANY', permission = 'ANY' } = filter;
  if (resourceType !== 'ANY' && resourceType !== acl.resourceType) return false;
  if (principal !== null && principal !== acl.principal) return false;
  if (host !== null && host !== acl.host) return false;
  if (operation !== 'ANY' && operation !== acl.operation) return false;
  if (permission !== 'ANY' && permission !== acl.permission) return false;
  if (patternType !== 'ANY' && patternType !== 'MATCH' && patternType !== acl.patternType) return false;
  if (resourceName === null) return true;
  if (patternType !== 'MATCH') return resourceName === acl.resourceName;
  return patternApplies(acl, resourceName);
}

/** Whether an ACL's resource pattern covers the resource with this name. */
export function patternApplies(acl: Pick<AclBinding, 'patternType' | 'resourceName'>, name: string): boolean {
  if (acl.patternType === 'PREFIXED') return name.startsWith(acl.resourceName);
  return acl.resourceName === name || acl.resourceName === WILDCARD;
}

const keyOf = (acl: AclBinding) => JSON.stringify([acl.resourceType, acl.resourceName, acl.patternType, acl.principal, acl.host, acl.operation, acl.permission]);

/** The cluster's ACLs: a set of bindings (adding one twice keeps one), in the order they were added. */
export class AclStore {
  private readonly bindings = new Map<string, AclBinding>();

  constructor(
    initial: readonly AclBinding[] = [],
    private readonly onChange: () => void = () => {},
  ) {
    for (const acl of initial) this.bindings.set(keyOf(acl), { ...acl });
  }

  get all(): readonly AclBinding[] {
    return [...this.bindings.values()];
  }

  add(acls: readonly AclBinding[]): void {
    for (const acl of acls) this.bindings.set(keyOf(acl), { ...acl });
    if (acls.length > 0) this.onChange();
  }

  list(filter: AclFilter = {}): AclBinding[] {
    return this.all.filter((acl) => filterMatches(filter, acl));
  }

  /** Removes and returns the bindings the filter selects. */
  remove(filter: AclFilter): AclBinding[] {
    const removed = this.list(filter);
    for (const acl of removed) this.bindings.delete(keyOf(acl));
    if (removed.length > 0) this.onChange();
    return removed;
  }
}
