// DeleteAcls (31): removes the ACLs each filter selects and lists them, per filter. Needs ALTER on
// the cluster; without an authorizer Kafka answers SECURITY_DISABLED.

import { ErrorCode } from '../protocol/errors.ts';
import { DeleteAclsRequest } from '../protocol/messages/DeleteAclsRequest.ts';
import { DeleteAclsResponse } from '../protocol/messages/DeleteAclsResponse.ts';
import { OPERATIONS, PATTERN_TYPES, PERMISSIONS, RESOURCE_TYPES } from '../security/acl.ts';
import { filterFromWire, filterLabel, refusal } from './acls.ts';
import { defineApi } from './api.ts';

export const deleteAcls = defineApi({
  request: DeleteAclsRequest,
  response: DeleteAclsResponse,
  versions: '1-3',
  handle(req, context) {
    const filters = req.filters.map(filterFromWire);
    const refused = refusal(context, 'DeleteAcls', 'ALTER', 'No Authorizer is configured.');
    if (refused) return { throttleTimeMs: 0, filterResults: filters.map(() => ({ ...refused, matchingAcls: [] })) };
    return {
      throttleTimeMs: 0,
      filterResults: filters.map((filter) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: context.security.acls.remove(filter).map((acl) => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType: RESOURCE_TYPES[acl.resourceType],
          resourceName: acl.resourceName,
          patternType: PATTERN_TYPES[acl.patternType],
          principal: acl.principal,
          host: acl.host,
          operation: OPERATIONS[acl.operation],
          permissionType: PERMISSIONS[acl.permission],
        })),
      })),
    };
  },
  describe: (req) => req.filters.map(filterLabel).join(', '),
});
