// CreatePartitions (37): grows a topic to a larger partition count, placing the new partitions'
// replicas as topic creation does, or as the request assigns them. A topic can never shrink.

import { ErrorCode } from '../protocol/errors.ts';
import { CreatePartitionsRequest } from '../protocol/messages/CreatePartitionsRequest.ts';
import { CreatePartitionsResponse, CreatePartitionsTopicResult } from '../protocol/messages/CreatePartitionsResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import { deadlinePassed, MAX_RECORDS_PER_REQUEST, namesGivenTwice, outcomeOf, TOO_LARGE } from './admin.ts';
import { defineApi } from './api.ts';

type TopicResult = EncodableType<typeof CreatePartitionsTopicResult>;

export const createPartitions = defineApi({
  request: CreatePartitionsRequest,
  response: CreatePartitionsResponse,
  versions: '0-3',
  handle(req, { topics, authorize }) {
    if (deadlinePassed(req.timeoutMs)) return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: null })) };
    const added = req.topics.reduce((sum, t) => sum + Math.max(0, t.count - (topics.get(t.name)?.partitions.length ?? t.count)), 0);
    if (added > MAX_RECORDS_PER_REQUEST) return { throttleTimeMs: 0, results: req.topics.map((t) => ({ name: t.name, ...TOO_LARGE })) };
    const twice = namesGivenTwice(req.topics.map((t) => t.name));
    const results: TopicResult[] = [...twice].map((name) => ({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic name.' }));
    for (const t of req.topics) {
      if (twice.has(t.name)) continue;
      if (!authorize('ALTER', 'TOPIC', t.name)) {
        results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'The topic authorization is failed.' });
        continue;
      }
      if (!topics.has(t.name)) {
        // Kafka's controller answers an unknown topic with the bare error code, no message.
        results.push({ name: t.name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null });
        continue;
      }
      const assignments = t.assignments?.map((a) => a.brokerIds) ?? null;
      results.push({ name: t.name, ...outcomeOf(() => topics.createPartitions(t.name, t.count, assignments, req.validateOnly)) });
    }
    return { throttleTimeMs: 0, results };
  },
  describe: (req) => req.topics.map((t) => `${t.name}->${t.count}`).join(' ') + (req.validateOnly ? ' validateOnly' : ''),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name })) }),
});
