// DescribeAcls (29): the ACLs a filter selects, grouped by resource pattern. Needs DESCRIBE on the
// cluster; without an authorizer Kafka answers SECURITY_DISABLED.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeAclsRequest } from '../protocol/messages/DescribeAclsRequest.ts';
import { DescribeAclsResponse } from '../protocol/messages/DescribeAclsResponse.ts';
import { OPERATIONS, PATTERN_TYPES, PERMISSIONS, RESOURCE_TYPES, type AclBinding } from '../security/acl.ts';
import { filterFromWire, filterLabel, refusal } from './acls.ts';
import { defineApi } from './api.ts';

export const describeAcls = defineApi({
  request: DescribeAclsRequest,
  response: DescribeAclsResponse,
  versions: '1-3',
  handle(req, context) {
    const filter = filterFromWire(req);
    const refused = refusal(context, 'DescribeAcls', 'DESCRIBE', 'No Authorizer is configured on the broker');
    if (refused) return { throttleTimeMs: 0, ...refused, resources: [] };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: byResource(context.security.acls.list(filter)) };
  },
  describe: filterLabel,
});

function byResource(acls: AclBinding[]) {
  const resources = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>();
  for (const acl of acls) {
    const key = JSON.stringify([acl.resourceType, acl.resourceName, acl.patternType]);
    let resource = resources.get(key);
    if (!resource) {
      resource = { resourceType: RESOURCE_TYPES[acl.resourceType], resourceName: acl.resourceName, patternType: PATTERN_TYPES[acl.patternType], acls: [] };
      resources.set(key, resource);
    }
    resource.acls.push({ principal: acl.principal, host: acl.host, operation: OPERATIONS[acl.operation], permissionType: PERMISSIONS[acl.permission] });
  }
  return [...resources.values()];
}
