// DeleteAcls (31): removes the ACLs each filter selects and lists them, per filter. Needs ALTER on
// the cluster; without an authorizer Kafka answers SECURITY_DISABLED.

import { ErrorCode } from '../protocol/errors.ts';
import { array, int16, int32, int8, nullableString, since, string, struct } from '../protocol/schema.ts';
import { OPERATIONS, PATTERN_TYPES, PERMISSIONS, RESOURCE_TYPES } from '../security/acl.ts';
import { aclFilter, filterFromWire, filterLabel, refusal } from './acls.ts';
import { defineApi } from './api.ts';

const request = struct({ filters: array(aclFilter) });

const matchingAcl = struct({
  errorCode: int16,
  errorMessage: nullableString,
  resourceType: int8,
  resourceName: string,
  patternType: since('1+', int8, PATTERN_TYPES.LITERAL),
  principal: string,
  host: string,
  operation: int8,
  permissionType: int8,
});

const response = struct({
  throttleTimeMs: int32,
  filterResults: array(struct({ errorCode: int16, errorMessage: nullableString, matchingAcls: array(matchingAcl) })),
});

export const deleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  versions: '0-1',
  request,
  response,
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
