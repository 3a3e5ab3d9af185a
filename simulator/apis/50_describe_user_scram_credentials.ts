// DescribeUserScramCredentials (50): which SCRAM mechanisms each user has a credential for, with
// its iteration count (never a salt or key). Every user with a credential when no users are named;
// a named user without one is RESOURCE_NOT_FOUND, and one named twice DUPLICATE_RESOURCE. Needs
// DESCRIBE on the cluster.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeUserScramCredentialsRequest } from '../protocol/messages/DescribeUserScramCredentialsRequest.ts';
import { DescribeUserScramCredentialsResponse } from '../protocol/messages/DescribeUserScramCredentialsResponse.ts';
import { SCRAM_MECHANISM_TYPE } from '../security/users.ts';
import { clusterDenied, namesGivenTwice } from './admin.ts';
import { defineApi } from './api.ts';

export const describeUserScramCredentials = defineApi({
  request: DescribeUserScramCredentialsRequest,
  response: DescribeUserScramCredentialsResponse,
  versions: '0',
  handle(req, context) {
    const named = (req.users ?? []).map((u) => u.name);
    const denied = clusterDenied(context, 'DescribeUserScramCredentials', 'DESCRIBE');
    if (denied) {
      // Kafka's error response: the error on top and once per user named, without the user's name.
      return { throttleTimeMs: 0, ...denied, results: named.map(() => ({ user: '', ...denied, credentialInfos: [] })) };
    }
    const users = context.security.users;
    const twice = namesGivenTwice(named);
    const results = [...new Set(named.length > 0 ? named : users.scramUsers)].map((user) => {
      if (twice.has(user)) {
        return { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] };
      }
      const credentialInfos = users.scramCredentialInfo(user).map((c) => ({ mechanism: SCRAM_MECHANISM_TYPE[c.mechanism], iterations: c.iterations }));
      if (credentialInfos.length === 0) {
        return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos };
      }
      return { user, errorCode: ErrorCode.NONE, errorMessage: '', credentialInfos };
    });
    // Kafka answers "", not null, where there is no error (unlike AlterUserScramCredentials' null).
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', results };
  },
  describe: (req) => (req.users?.length ? req.users.map((u) => u.name).join(',') : '(all users)'),
});
