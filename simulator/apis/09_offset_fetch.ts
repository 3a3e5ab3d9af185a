// OffsetFetch (9): a group's committed offsets; -1 where nothing was committed. From v2 a null
// topic list asks for every partition the group has committed.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { OffsetFetchRequest } from '../protocol/messages/OffsetFetchRequest.ts';
import { OffsetFetchResponse } from '../protocol/messages/OffsetFetchResponse.ts';
import { defineApi } from './api.ts';

export const offsetFetch = defineApi({
  request: OffsetFetchRequest,
  response: OffsetFetchResponse,
  versions: '1-5',
  handle(req, { groups, broker, version, authorize }) {
    const failAll = (errorCode: number) => {
      // v1 has no top-level error: the error goes in every partition.
      const topics = (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode: version < 2 ? errorCode : ErrorCode.NONE })),
      }));
      return { throttleTimeMs: 0, topics: version < 2 ? topics : [], errorCode };
    };
    if (!authorize('DESCRIBE', 'GROUP', req.groupId)) return failAll(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    try {
      groups.requireCoordinator(req.groupId, broker.id);
    } catch (error) {
      if (!(error instanceof KafkaError)) throw error;
      return failAll(error.code);
    }
    const described = (topic: string) => authorize('DESCRIBE', 'TOPIC', topic);
    const committed = groups.committed(req.groupId);
    // Asked for everything, the group's offsets for topics the client may not describe are left out.
    const wanted = req.topics ?? [...committed].filter(([name]) => described(name)).map(([name, partitions]) => ({ name, partitionIndexes: [...partitions.keys()] }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          if (!described(t.name)) return { partitionIndex, committedOffset: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
          const offset = committed.get(t.name)?.get(partitionIndex);
          return {
            partitionIndex,
            committedOffset: offset?.offset ?? -1,
            committedLeaderEpoch: offset?.leaderEpoch ?? -1,
            metadata: offset?.metadata ?? '',
            errorCode: ErrorCode.NONE,
          };
        }),
      })),
    };
  },
  describe: (req) => `group=${req.groupId} ${req.topics === null ? 'all' : req.topics.map((t) => `${t.name}[${t.partitionIndexes.join(',')}]`).join(' ')}`,
  names: (req) => ({ group: req.groupId, topics: (req.topics ?? []).map((t) => ({ topic: t.name, partitions: t.partitionIndexes })) }),
  narrow: (req, keep) => ({
    ...req,
    topics: req.topics && req.topics.map((t) => ({ ...t, partitionIndexes: t.partitionIndexes.filter((p) => keep(t.name, p)) })).filter((t) => t.partitionIndexes.length > 0),
  }),
  // The group's error at the top (v2+) and in each partition (v1 has only those; a rule failing some
  // partitions shows there, as the top-level error of a partly handled request is the real one).
  errorResponse: (req, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    topics: (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode })),
    })),
  }),
});
