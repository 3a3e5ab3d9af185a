// DescribeTopicPartitions (75, KIP-966): topics' partitions, leaders, replicas and ISR, as Metadata
// has them, page by page: at most `responsePartitionLimit` partitions per answer, topics in name
// order, and a cursor where the next page starts (the Java admin client's describeTopics). An
// empty topic list means every topic the client may describe; an unknown topic is never created.
// This cluster has no eligible leader replicas: those lists come back empty.

import type { Topic } from '../cluster/topic.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { DescribeTopicPartitionsRequest } from '../protocol/messages/DescribeTopicPartitionsRequest.ts';
import { DescribeTopicPartitionsResponse } from '../protocol/messages/DescribeTopicPartitionsResponse.ts';
import { topicMetadataOf } from './03_metadata.ts';
import { authorizedOperations } from './acls.ts';
import { defineApi } from './api.ts';
import { ZERO_UUID } from './topic-ids.ts';

export const describeTopicPartitions = defineApi({
  request: DescribeTopicPartitionsRequest,
  response: DescribeTopicPartitionsResponse,
  versions: '0',
  handle(req, { cluster, topics, broker, authorize }) {
    const described = (name: string) => authorize('DESCRIBE', 'TOPIC', name);
    const failed = (name: string, errorCode: number) => ({ errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [] });
    const everyTopic = req.topics.length === 0;
    const names = [...new Set(everyTopic ? [...topics.keys()].filter(described) : req.topics.map((t) => t.name))].sort();
    const cursor = req.cursor;
    const limit = Math.max(1, req.responsePartitionLimit);
    const answers = [];
    let budget = limit;
    let nextCursor: { topicName: string; partitionIndex: number } | null = null;
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue;
      if (!described(name)) {
        answers.push(failed(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        continue;
      }
      const topic = topics.get(name);
      if (!topic) {
        // Kafka reports what the client could do with the topic even when it does not exist.
        answers.push({ ...failed(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), topicAuthorizedOperations: authorizedOperations(authorize, 'TOPIC', name) });
        continue;
      }
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const first = cursor && name === cursor.topicName ? cursor.partitionIndex : 0;
      const page = pageOf(topic, first, budget);
      const { partitions } = topicMetadataOf(cluster, topic, broker.id);
      answers.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.id,
        isInternal: topic.internal,
        partitions: partitions.slice(first, first + page).map((p) => ({ ...p, offlineReplicas: p.offlineReplicas ?? [], eligibleLeaderReplicas: [], lastKnownElr: [] })),
        topicAuthorizedOperations: authorizedOperations(authorize, 'TOPIC', name),
      });
      budget -= page;
      if (first + page < topic.partitions.length) {
        nextCursor = { topicName: name, partitionIndex: first + page };
        break;
      }
    }
    return { throttleTimeMs: 0, topics: answers, nextCursor };
  },
  describe: (req) => (req.topics.length === 0 ? 'all topics' : req.topics.map((t) => t.name).join(',')),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name })) }),
});

/** How many of a topic's partitions from `first` fit in the page. */
const pageOf = (topic: Topic, first: number, budget: number) => Math.min(budget, Math.max(0, topic.partitions.length - first));
