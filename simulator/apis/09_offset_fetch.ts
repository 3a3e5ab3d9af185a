// OffsetFetch (9): a group's committed offsets; -1 where nothing was committed. From v2 a null
// topic list asks for every partition the group has committed.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { array, int16, int32, int64, nullableArray, nullableString, since, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({
  groupId: string,
  topics: nullableArray(struct({ name: string, partitionIndexes: array(int32) })),
});

const partitionResponse = struct({
  partitionIndex: int32,
  committedOffset: int64,
  committedLeaderEpoch: since('5+', int32, -1),
  metadata: nullableString,
  errorCode: int16,
});

const response = struct({
  throttleTimeMs: since('3+', int32),
  topics: array(struct({ name: string, partitions: array(partitionResponse) })),
  errorCode: since('2+', int16),
});

export const offsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  versions: '1-5',
  request,
  response,
  handle(req, { cluster, broker, version }) {
    try {
      cluster.groups.requireCoordinator(req.groupId, broker.id);
    } catch (error) {
      if (!(error instanceof KafkaError)) throw error;
      // v1 has no top-level error: the coordinator error goes in every partition.
      const topics = (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode: version < 2 ? error.code : ErrorCode.NONE })),
      }));
      return { throttleTimeMs: 0, topics: version < 2 ? topics : [], errorCode: error.code };
    }
    const committed = cluster.groups.committed(req.groupId);
    const wanted = req.topics ?? [...committed].map(([name, partitions]) => ({ name, partitionIndexes: [...partitions.keys()] }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      topics: wanted.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
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
});
