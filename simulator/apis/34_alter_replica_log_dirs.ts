// AlterReplicaLogDirs (34): moves replicas between the log directories of the broker it is sent to.
// A kafka-lab broker has one log dir (simulator/cluster/log-dirs.ts), so a replica can only be
// "moved" where it already is, which succeeds at once, as Kafka answers a move to the current
// dir; any other path is LOG_DIR_NOT_FOUND, and a partition the broker does not hold
// REPLICA_NOT_AVAILABLE. Needs ALTER on the cluster.

import path from 'node:path';
import { ErrorCode } from '../protocol/errors.ts';
import { AlterReplicaLogDirsRequest } from '../protocol/messages/AlterReplicaLogDirsRequest.ts';
import { AlterReplicaLogDirsResponse } from '../protocol/messages/AlterReplicaLogDirsResponse.ts';
import { defineApi } from './api.ts';

export const alterReplicaLogDirs = defineApi({
  request: AlterReplicaLogDirsRequest,
  response: AlterReplicaLogDirsResponse,
  versions: '1-2',
  handle(req, { broker, topics, logDirs, authorize }) {
    const allowed = authorize('ALTER', 'CLUSTER');
    const here = logDirs.of(broker.id).path;
    const results = new Map<string, { partitionIndex: number; errorCode: number }[]>();
    for (const dir of req.dirs) {
      for (const topic of dir.topics) {
        for (const partitionIndex of topic.partitions) {
          const errorCode = !allowed
            ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED
            : path.resolve(dir.path) !== here
              ? ErrorCode.LOG_DIR_NOT_FOUND
              : topics.partition(topic.name, partitionIndex)?.replica(broker.id)
                ? ErrorCode.NONE
                : ErrorCode.REPLICA_NOT_AVAILABLE;
          results.set(topic.name, [...(results.get(topic.name) ?? []), { partitionIndex, errorCode }]);
        }
      }
    }
    return { throttleTimeMs: 0, results: [...results].map(([topicName, partitions]) => ({ topicName, partitions })) };
  },
  describe: (req) => req.dirs.map((d) => `${d.path}:${d.topics.map((t) => `${t.name}[${t.partitions.join(',')}]`).join(',')}`).join(' '),
});
