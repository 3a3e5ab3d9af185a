// Kafka's StandardAuthorizer decisions over the cluster's ACLs: super users may do anything; a
// matching DENY wins over any ALLOW; ALLOW for READ, WRITE, DELETE or ALTER also allows DESCRIBE
// and ALLOW for ALTER_CONFIGS allows DESCRIBE_CONFIGS (implications never extend a DENY); a
// resource with no ACL at all is denied unless allow.everyone.if.no.acl.found. With no authorizer
// configured every request is allowed, as on a Kafka broker without authorizer.class.name.

import { AclStore, patternApplies, WILDCARD, WILDCARD_PRINCIPAL, type AclBinding, type AclOperation, type AclResourceType } from './acl.ts';

export const ANONYMOUS = 'User:ANONYMOUS';

export interface AuthorizerOptions {
  enabled: boolean;
  /** Principals ("User:alice") that bypass ACLs: Kafka's super.users. */
  superUsers: readonly string[];
  /** Kafka's allow.everyone.if.no.acl.found (default false). */
  allowEveryoneIfNoAclFound: boolean;
}

/** Who asks, from where: the authenticated principal and the client's address. */
export interface Requester {
  principal: string;
  host: string;
}

const IMPLIES_DESCRIBE: ReadonlySet<AclOperation> = new Set(['DESCRIBE', 'READ', 'WRITE', 'DELETE', 'ALTER']);
const IMPLIES_DESCRIBE_CONFIGS: ReadonlySet<AclOperation> = new Set(['DESCRIBE_CONFIGS', 'ALTER_CONFIGS']);

export class Authorizer {
  private readonly superUsers: ReadonlySet<string>;

  constructor(
    readonly acls: AclStore,
    readonly options: AuthorizerOptions,
  ) {
    this.superUsers = new Set(options.superUsers);
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** May `who` perform `operation` on the resource of this type and name? */
  authorize(who: Requester, operation: AclOperation, type: AclResourceType, name: string): boolean {
    if (!this.enabled || this.superUsers.has(who.principal)) return true;
    let allowed = false;
    let resourceHasAcls = false;
    for (const acl of this.acls.all) {
      if (acl.resourceType !== type || !patternApplies(acl, name)) continue;
      resourceHasAcls = true;
      const result = verdict(acl, who, operation);
      if (result === 'DENY') return false;
      if (result === 'ALLOW') allowed = true;
    }
    return allowed || (!resourceHasAcls && this.options.allowEveryoneIfNoAclFound);
  }

  /**
   * May `who` perform `operation` on at least one resource of this type? Kafka's
   * authorizeByResourceType, which lets an idempotent producer in with WRITE on any topic (KIP-679):
   * some ALLOW pattern must survive the DENY patterns that cover it.
   */
  authorizeAny(who: Requester, operation: AclOperation, type: AclResourceType): boolean {
    // A name no ACL is likely to mention: covers super users and allow.everyone.if.no.acl.found.
    if (this.authorize(who, operation, type, 'hardcode')) return true;
    const applies = this.acls.all.filter(
      (acl) =>
        acl.resourceType === type &&
        (acl.host === WILDCARD || acl.host === who.host) &&
        (acl.principal === who.principal || acl.principal === WILDCARD_PRINCIPAL) &&
        (acl.operation === operation || acl.operation === 'ALL'),
    );
    const denies = applies.filter((acl) => acl.permission === 'DENY');
    if (denies.some((acl) => acl.patternType === 'LITERAL' && acl.resourceName === WILDCARD)) return false;
    const allows = applies.filter((acl) => acl.permission === 'ALLOW');
    if (allows.some((acl) => acl.patternType === 'LITERAL' && acl.resourceName === WILDCARD)) return true;
    return allows.some(
      (allow) =>
        !denies.some(
          (deny) =>
            (deny.patternType === 'LITERAL' && allow.patternType === 'LITERAL' && deny.resourceName === allow.resourceName) ||
            (deny.patternType === 'PREFIXED' && allow.resourceName.startsWith(deny.resourceName)),
        ),
    );
  }
}

/** What one ACL says about this request: ALLOW, DENY, or nothing (null) when it does not apply. */
function verdict(acl: AclBinding, who: Requester, operation: AclOperation): 'ALLOW' | 'DENY' | null {
  if (acl.principal !== who.principal && acl.principal !== WILDCARD_PRINCIPAL) return null;
  if (acl.host !== WILDCARD && acl.host !== who.host) return null;
  if (acl.operation !== 'ALL' && acl.operation !== operation) {
    if (acl.permission === 'DENY') return null;
    const implied =
      (operation === 'DESCRIBE' && IMPLIES_DESCRIBE.has(acl.operation)) || (operation === 'DESCRIBE_CONFIGS' && IMPLIES_DESCRIBE_CONFIGS.has(acl.operation));
    if (!implied) return null;
  }
  return acl.permission;
}

/** Kafka's messages for its authorization errors (Errors.*.message()), where a response carries one. */
export const DENIED_MESSAGE = {
  TOPIC_AUTHORIZATION_FAILED: 'Topic authorization failed.',
  GROUP_AUTHORIZATION_FAILED: 'Group authorization failed.',
  CLUSTER_AUTHORIZATION_FAILED: 'Cluster authorization failed.',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'Transactional Id authorization failed.',
} as const;
