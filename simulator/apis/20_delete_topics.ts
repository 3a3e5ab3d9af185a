// DeleteTopics (20): deletes topics by name, with their logs. As on a KRaft controller, a name
// listed twice is refused with INVALID_REQUEST and an unknown one gets UNKNOWN_TOPIC_OR_PARTITION.

import { ErrorCode } from '../protocol/errors.ts';
import { DeleteTopicsRequest } from '../protocol/messages/DeleteTopicsRequest.ts';
import { DeletableTopicResult, DeleteTopicsResponse } from '../protocol/messages/DeleteTopicsResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import { namesGivenTwice, outcomeOf } from './admin.ts';
import { defineApi } from './api.ts';

type TopicResult = EncodableType<typeof DeletableTopicResult>;

export const deleteTopics = defineApi({
  request: DeleteTopicsRequest,
  response: DeleteTopicsResponse,
  versions: '1-3',
  handle(req, { topics, authorize }) {
    const twice = namesGivenTwice(req.topicNames);
    const responses: TopicResult[] = [...twice].map((name) => ({ name, errorCode: ErrorCode.INVALID_REQUEST }));
    for (const name of new Set(req.topicNames)) {
      if (twice.has(name)) continue;
      const errorCode = authorize('DELETE', 'TOPIC', name) ? outcomeOf(() => topics.delete(name)).errorCode : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      responses.push({ name, errorCode });
    }
    return { throttleTimeMs: 0, responses };
  },
  describe: (req) => req.topicNames.join(','),
  names: (req) => ({ topics: req.topicNames.map((topic) => ({ topic })) }),
  narrow: (req, keep) => ({ ...req, topicNames: req.topicNames.filter((name) => keep(name)) }),
  errorResponse: (req, errorCode) => ({ throttleTimeMs: 0, responses: req.topicNames.map((name) => ({ name, errorCode })) }),
});
