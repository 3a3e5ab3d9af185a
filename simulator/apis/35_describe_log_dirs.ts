// DescribeLogDirs (35): the broker's log directory, with the size of each replica it holds and how
// far its log end is below the high watermark (kafka-log-dirs --describe, kafka-python's
// describe_log_dirs, kafka-reassign-partitions). Every replica when topics is null, else those
// named that the broker has. Needs DESCRIBE on the cluster.

import { ErrorCode } from '../protocol/errors.ts';
import { DescribeLogDirsRequest } from '../protocol/messages/DescribeLogDirsRequest.ts';
import { DescribeLogDirsResponse } from '../protocol/messages/DescribeLogDirsResponse.ts';
import type { ReplicaInLogDir } from '../cluster/log-dirs.ts';
import { defineApi } from './api.ts';

export const describeLogDirs = defineApi({
  request: DescribeLogDirsRequest,
  response: DescribeLogDirsResponse,
  versions: '1-5',
  handle(req, { broker, logDirs, authorize }) {
    if (!authorize('DESCRIBE', 'CLUSTER')) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const dir = logDirs.of(broker.id);
    const wanted = req.topics === null ? null : new Set(req.topics.flatMap((t) => t.partitions.map((p) => `${t.topic}\0${p}`)));
    const byTopic = new Map<string, ReplicaInLogDir[]>();
    for (const replica of dir.replicas) {
      if (wanted && !wanted.has(`${replica.topic}\0${replica.partition}`)) continue;
      byTopic.set(replica.topic, [...(byTopic.get(replica.topic) ?? []), replica]);
    }
    const topics = [...byTopic].map(([name, replicas]) => ({
      name,
      partitions: replicas.map((r) => ({ partitionIndex: r.partition, partitionSize: r.size, offsetLag: r.offsetLag, isFutureKey: false })),
    }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir: dir.path, topics, totalBytes: dir.totalBytes, usableBytes: dir.usableBytes, isCordoned: false }],
    };
  },
  describe: (req) => (req.topics === null ? '(all replicas)' : req.topics.map((t) => `${t.topic}[${t.partitions.join(',')}]`).join(' ')),
});
