// DeleteTopics (20): deletes topics by name, with their logs. As on a KRaft controller, a name
// listed twice is refused with INVALID_REQUEST and an unknown one gets UNKNOWN_TOPIC_OR_PARTITION.

import { ErrorCode } from '../protocol/errors.ts';
import { DeleteTopicsRequest } from '../protocol/messages/DeleteTopicsRequest.ts';
import { DeletableTopicResult, DeleteTopicsResponse } from '../protocol/messages/DeleteTopicsResponse.ts';
import type { DecodedType, EncodableType } from '../protocol/schema.ts';
import { deadlinePassed, namesGivenTwice, outcomeOf } from './admin.ts';
import { defineApi } from './api.ts';
import { ZERO_UUID } from './topic-ids.ts';

type TopicResult = EncodableType<typeof DeletableTopicResult>;

type Request = DecodedType<typeof DeleteTopicsRequest>;

/** v6+ name topics by name or id (resolved by the dispatcher); before, by name. */
const asked = (req: Request, version: number): { name: string | null; topicId: string }[] =>
  version >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));

const everyTopicFailed = (req: Request, errorCode: number, version: number) => ({
  throttleTimeMs: 0,
  responses: asked(req, version).map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null })),
});

export const deleteTopics = defineApi({
  request: DeleteTopicsRequest,
  response: DeleteTopicsResponse,
  versions: '1-6',
  handle(req, { topics, authorize, version }) {
    if (deadlinePassed(req.timeoutMs)) return everyTopicFailed(req, ErrorCode.REQUEST_TIMED_OUT, version);
    const requested = asked(req, version);
    const named = requested.flatMap((t) => (t.name === null ? [] : [t.name]));
    const twice = namesGivenTwice(named);
    const responses: TopicResult[] = [...twice].map((name) => ({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }));
    for (const t of requested) if (t.name === null) responses.push({ name: null, topicId: t.topicId, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' });
    for (const name of new Set(named)) {
      if (twice.has(name)) continue;
      const id = topics.get(name)?.id;
      // v5+ carry the reason with the error.
      const outcome = authorize('DELETE', 'TOPIC', name) ? outcomeOf(() => topics.delete(name)) : { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null };
      responses.push({ name, topicId: id, ...outcome });
    }
    return { throttleTimeMs: 0, responses };
  },
  describe: (req) => [...req.topicNames, ...req.topics.map((t) => t.name ?? t.topicId)].join(','),
  names: (req) => ({ topics: [...req.topicNames, ...req.topics.flatMap((t) => (t.name === null ? [] : [t.name]))].map((topic) => ({ topic })) }),
  narrow: (req, keep) => ({ ...req, topicNames: req.topicNames.filter((name) => keep(name)), topics: req.topics.filter((t) => t.name === null || keep(t.name)) }),
  errorResponse: (req, errorCode, { version }) => everyTopicFailed(req, errorCode, version),
});
