// CreateAcls (30): adds ACL bindings, each with its own outcome, validated as Kafka's controller
// does. Needs ALTER on the cluster; without an authorizer Kafka answers SECURITY_DISABLED.

import { CreateAclsRequest } from '../protocol/messages/CreateAclsRequest.ts';
import { CreateAclsResponse } from '../protocol/messages/CreateAclsResponse.ts';
import { MalformedFrameError } from '../protocol/wire.ts';
import { InvalidAclError, operationName, patternTypeName, permissionName, resourceTypeName, validAcl } from '../security/acl.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { SUCCESS, type Outcome } from './admin.ts';
import { aclLabel, refusal } from './acls.ts';
import { defineApi } from './api.ts';

export const createAcls = defineApi({
  request: CreateAclsRequest,
  response: CreateAclsResponse,
  versions: '1-3',
  handle(req, context) {
    const creations = req.creations.map((c) => ({
      resourceType: resourceTypeName(c.resourceType),
      resourceName: c.resourceName,
      patternType: patternTypeName(c.resourcePatternType),
      principal: c.principal,
      host: c.host,
      operation: operationName(c.operation),
      permission: permissionName(c.permissionType),
    }));
    const unknown = creations.find((c) => [c.resourceType, c.patternType, c.operation, c.permission].includes('UNKNOWN'));
    if (unknown) throw new MalformedFrameError(`CreatableAcls contain unknown elements: ${aclLabel(unknown)}`);
    const refused = refusal(context, 'CreateAcls', 'ALTER', 'No Authorizer is configured.');
    if (refused) return { throttleTimeMs: 0, results: creations.map(() => refused) };
    return {
      throttleTimeMs: 0,
      results: creations.map((creation): Outcome => {
        try {
          context.security.acls.add([validAcl(creation)]);
          return SUCCESS;
        } catch (error) {
          if (error instanceof InvalidAclError) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: error.message };
          throw error;
        }
      }),
    };
  },
  describe: (req) =>
    req.creations
      .map((c) =>
        aclLabel({
          resourceType: resourceTypeName(c.resourceType),
          resourceName: c.resourceName,
          patternType: patternTypeName(c.resourcePatternType),
          principal: c.principal,
          host: c.host,
          operation: operationName(c.operation),
          permission: permissionName(c.permissionType),
        }),
      )
      .join(', '),
});
