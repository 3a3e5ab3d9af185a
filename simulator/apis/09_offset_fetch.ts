// OffsetFetch (9): a group's committed offsets; -1 where nothing was committed. From v2 a null
// topic list asks for every partition the group has committed; v7+ may require stable offsets
// (none an open transaction holds); v8+ ask for several groups at once.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { OffsetFetchRequest } from '../protocol/messages/OffsetFetchRequest.ts';
import { OffsetFetchResponse } from '../protocol/messages/OffsetFetchResponse.ts';
import type { DecodedType } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

type Request = DecodedType<typeof OffsetFetchRequest>;
interface GroupAsked {
  groupId: string;
  /** null: every partition the group has committed. */
  topics: { name: string; topicId?: string; partitionIndexes: number[] }[] | null;
}

/** v8+ (KIP-709) ask for several groups at once; before, the request is the one group. */
const groupsAsked = (req: Request, version: number): GroupAsked[] => (version >= 8 ? req.groups : [{ groupId: req.groupId, topics: req.topics }]);

export const offsetFetch = defineApi({
  request: OffsetFetchRequest,
  response: OffsetFetchResponse,
  versions: '1-10',
  handle(req, { groups, broker, version, authorize }) {
    const fetchGroup = ({ groupId, topics: asked }: GroupAsked) => {
      const failAll = (errorCode: number) => {
        // v1 has no top-level error: the error goes in every partition.
        const topics = (asked ?? []).map((t) => ({
          name: t.name,
          topicId: t.topicId,
          partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode: version < 2 ? errorCode : ErrorCode.NONE })),
        }));
        return { groupId, topics: version < 2 ? topics : [], errorCode };
      };
      if (!authorize('DESCRIBE', 'GROUP', groupId)) return failAll(ErrorCode.GROUP_AUTHORIZATION_FAILED);
      try {
        groups.requireCoordinator(groupId, broker.id);
      } catch (error) {
        if (!(error instanceof KafkaError)) throw error;
        return failAll(error.code);
      }
      const described = (topic: string) => authorize('DESCRIBE', 'TOPIC', topic);
      const committed = groups.committed(groupId);
      // Asked for everything, the group's offsets for topics the client may not describe are left out.
      const wanted = asked ?? [...committed].filter(([name]) => described(name)).map(([name, partitions]) => ({ name, topicId: undefined, partitionIndexes: [...partitions.keys()] }));
      return {
        groupId,
        errorCode: ErrorCode.NONE,
        topics: wanted.map((t) => ({
          name: t.name,
          topicId: t.topicId,
          partitions: t.partitionIndexes.map((partitionIndex) => {
            const answer = (errorCode: number) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode });
            if (!described(t.name)) return answer(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            // v7+ may ask for stable offsets only: one an open transaction holds is not yet known.
            if (req.requireStable && groups.hasPendingCommit(groupId, t.name, partitionIndex)) return answer(ErrorCode.UNSTABLE_OFFSET_COMMIT);
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
    };
    if (version >= 8) return { throttleTimeMs: 0, groups: req.groups.map(fetchGroup) };
    const { groupId: _groupId, ...one } = fetchGroup(groupsAsked(req, version)[0]);
    return { throttleTimeMs: 0, ...one };
  },
  describe: (req) =>
    [...req.groups.map((g) => ({ groupId: g.groupId, topics: g.topics })), ...(req.groupId ? [{ groupId: req.groupId, topics: req.topics }] : [])]
      .map((g) => `group=${g.groupId} ${g.topics === null ? 'all' : g.topics.map((t) => `${t.name}[${t.partitionIndexes.join(',')}]`).join(' ')}`)
      .join('; '),
  // A rule matches a batched request by its first group.
  names: (req) => {
    const group = req.groupId || req.groups[0]?.groupId || null;
    const topics = req.groupId ? req.topics : (req.groups[0]?.topics ?? null);
    return { group, topics: (topics ?? []).map((t) => ({ topic: t.name, partitions: t.partitionIndexes })) };
  },
  narrow: (req, keep) => {
    const narrowTopics = <T extends { name: string; partitionIndexes: number[] }>(topics: T[] | null) =>
      topics && topics.map((t) => ({ ...t, partitionIndexes: t.partitionIndexes.filter((p) => keep(t.name, p)) })).filter((t) => t.partitionIndexes.length > 0);
    return { ...req, topics: narrowTopics(req.topics), groups: req.groups.map((g) => ({ ...g, topics: narrowTopics(g.topics) })) };
  },
  // The group's error at the top (v2+) and in each partition (v1 has only those; a rule failing some
  // partitions shows there, as the top-level error of a partly handled request is the real one).
  errorResponse: (req, errorCode, { version }) => {
    const failed = ({ groupId, topics }: GroupAsked) => ({
      groupId,
      errorCode,
      topics: (topics ?? []).map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: -1, metadata: '', errorCode })),
      })),
    });
    if (version >= 8) return { throttleTimeMs: 0, groups: req.groups.map(failed) };
    const { groupId: _groupId, ...one } = failed(groupsAsked(req, version)[0]);
    return { throttleTimeMs: 0, ...one };
  },
});
