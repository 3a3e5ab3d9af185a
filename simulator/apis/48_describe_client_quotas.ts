// DescribeClientQuotas (48): the client quotas a filter selects. kafka-lab keeps no quotas, so a
// valid filter selects none; Kafka's checks of the filter still apply, each answered with its
// error. kafka-configs --describe --entity-type users asks for quotas beside SCRAM credentials.
// Needs DESCRIBE_CONFIGS on the cluster.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeClientQuotasRequest } from '../protocol/messages/DescribeClientQuotasRequest.ts';
import { DescribeClientQuotasResponse } from '../protocol/messages/DescribeClientQuotasResponse.ts';
import { DENIED_MESSAGE } from '../security/authorizer.ts';
import type { Outcome } from './admin.ts';
import { defineApi } from './api.ts';

const ENTITY_TYPES = ['user', 'client-id', 'ip'];
const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_SPECIFIED = 2;

/** Kafka's ClientQuotasImage checks of a filter: the refusal of the first problem, or null. */
function invalidFilter(components: readonly { entityType: string; matchType: number; match: string | null }[]): Outcome | null {
  const invalid = (errorMessage: string): Outcome => ({ errorCode: ErrorCode.INVALID_REQUEST, errorMessage });
  const seen = new Set<string>();
  for (const { entityType, matchType, match } of components) {
    if (entityType === '') return invalid('Invalid empty entity type.');
    if (seen.has(entityType)) return invalid(`Entity type ${entityType} cannot appear more than once in the filter.`);
    if (!ENTITY_TYPES.includes(entityType)) return { errorCode: ErrorCode.UNSUPPORTED_VERSION, errorMessage: `Unsupported entity type ${entityType}` };
    if (matchType === MATCH_EXACT && match === null) return invalid('Request specified MATCH_TYPE_EXACT, but set match string to null.');
    if (matchType === MATCH_DEFAULT && match !== null) return invalid('Request specified MATCH_TYPE_DEFAULT, but also specified a match string.');
    if (matchType === MATCH_SPECIFIED && match !== null) return invalid('Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.');
    if (![MATCH_EXACT, MATCH_DEFAULT, MATCH_SPECIFIED].includes(matchType)) return invalid(`Unknown match type ${matchType}`);
    seen.add(entityType);
  }
  if (seen.has('ip') && (seen.has('user') || seen.has('client-id'))) {
    return invalid('Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.');
  }
  return null;
}

export const describeClientQuotas = defineApi({
  request: DescribeClientQuotasRequest,
  response: DescribeClientQuotasResponse,
  versions: '0-1',
  handle(req, { authorize }) {
    if (!authorize('DESCRIBE_CONFIGS', 'CLUSTER')) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: DENIED_MESSAGE.CLUSTER_AUTHORIZATION_FAILED, entries: null };
    }
    const refused = invalidFilter(req.components);
    if (refused) return { throttleTimeMs: 0, ...refused, entries: null };
    // Kafka answers "", not null, when there is no error.
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: '', entries: [] };
  },
  describe: (req) => req.components.map((c) => `${c.entityType}${c.match === null ? '' : `=${c.match}`}`).join(',') || '(all)',
});
