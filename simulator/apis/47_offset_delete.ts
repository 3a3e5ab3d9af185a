// OffsetDelete (47): removes some of a group's committed offsets (kafka-consumer-groups
// --delete-offsets). A group with members keeps the offsets of topics it reads; an unknown group
// is GROUP_ID_NOT_FOUND. Needs DELETE on the group and READ on each topic.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { OffsetDeleteRequest } from '../protocol/messages/OffsetDeleteRequest.ts';
import { OffsetDeleteResponse } from '../protocol/messages/OffsetDeleteResponse.ts';
import { defineApi } from './api.ts';

export const offsetDelete = defineApi({
  request: OffsetDeleteRequest,
  response: OffsetDeleteResponse,
  versions: '0',
  handle(req, { groups, topics, broker, authorize }) {
    const failed = (errorCode: number) => ({ errorCode, throttleTimeMs: 0, topics: [] });
    if (!authorize('DELETE', 'GROUP', req.groupId)) return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const problem = (topic: string, partition: number) =>
      !authorize('READ', 'TOPIC', topic) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : !topics.partition(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : null;
    const deletable = req.topics.flatMap((t) => t.partitions.filter((p) => problem(t.name, p.partitionIndex) === null).map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    let outcome: Map<string, string>;
    try {
      outcome = groups.deleteOffsets(req.groupId, deletable, broker.id);
    } catch (error) {
      if (error instanceof KafkaError) return failed(error.code);
      throw error;
    }
    // As Kafka answers: the topics refused before reaching the group first, then the others.
    const refusedFirst = [...req.topics].sort((a, b) => Number(problem(b.name, b.partitions[0]?.partitionIndex ?? 0) !== null) - Number(problem(a.name, a.partitions[0]?.partitionIndex ?? 0) !== null));
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: refusedFirst.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: problem(t.name, p.partitionIndex) ?? ErrorCode[outcome.get(`${t.name}\0${p.partitionIndex}`) as keyof typeof ErrorCode],
        })),
      })),
    };
  },
  describe: (req) => `group=${req.groupId} ${req.topics.map((t) => `${t.name}[${t.partitions.map((p) => p.partitionIndex).join(',')}]`).join(' ')}`,
  names: (req) => ({ group: req.groupId, topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })) }),
});
