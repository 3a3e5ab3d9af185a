// Who may do what on a SASL class cluster. The server logs in as the TA (a super user: ACLs do
// not restrict it) and grants each group's user exactly what a verifier needs:
//
//   topic transaction         READ (and the DESCRIBE it implies)
//   topic submit              WRITE
//   topic result              READ; with private results only result-<vid>, so no group reads
//                             another's verdicts
//   groups <vid>-*            READ: join, commit, fetch offsets of its own consumer groups only
//   transactional ids <vid>-* WRITE: exactly-once verifiers
//
// Nothing else: no group may write transaction or result, read submit, create topics, or use
// another group's consumer group. A group writing submit under another's vid is refused by the
// signature (403), since only the vid's own token signs for it.

import kafkajs, { type AclEntry, type Admin } from 'kafkajs';

// kafkajs's enums, read from its default export: Node's ESM loader does not see them as named exports.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclResourceTypes = kafkajs.AclResourceTypes;
type AclOperationTypes = kafkajs.AclOperationTypes;
import { groupPrefix, resultTopicFor, type AssignmentConfig, type GroupState } from './state.ts';

function allow(principal: string, resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, prefixed = false): AclEntry {
  return {
    resourceType,
    resourceName,
    resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  };
}

export function groupAcls(config: AssignmentConfig, group: GroupState): AclEntry[] {
  if (!group.login) return [];
  const principal = `User:${group.login.username}`;
  const prefix = groupPrefix(group.vid);
  return [
    allow(principal, AclResourceTypes.TOPIC, config.topics.transaction, AclOperationTypes.READ),
    allow(principal, AclResourceTypes.TOPIC, config.topics.submit, AclOperationTypes.WRITE),
    allow(principal, AclResourceTypes.TOPIC, resultTopicFor(config, group.vid), AclOperationTypes.READ),
    allow(principal, AclResourceTypes.GROUP, prefix, AclOperationTypes.READ, true),
    allow(principal, AclResourceTypes.TRANSACTIONAL_ID, prefix, AclOperationTypes.WRITE, true),
  ];
}

/**
 * Grants every group its ACLs (creating an ACL that exists changes nothing, so this runs at every
 * start and covers groups added since). False when the cluster has no authorizer to hold them.
 */
export async function grantGroupAcls(admin: Admin, config: AssignmentConfig): Promise<boolean> {
  const acl = config.groups.flatMap((g) => groupAcls(config, g));
  if (acl.length === 0) return true;
  try {
    await admin.createAcls({ acl });
    return true;
  } catch (error) {
    if (/SECURITY_DISABLED|security features are disabled/i.test(`${(error as { type?: string }).type ?? ''} ${(error as Error).message}`)) return false;
    throw error;
  }
}
