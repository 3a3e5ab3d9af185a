// ListPartitionReassignments (46): the reassignments still running, each with its whole replica
// list and the replicas being added and removed (kafka-reassign-partitions --verify, kafka-topics
// --describe, admin clients). Every running one without topics named; only partitions with one
// running are listed. Needs DESCRIBE on the cluster.

import { ErrorCode } from '../protocol/errors.ts';
import { ListPartitionReassignmentsRequest } from '../protocol/messages/ListPartitionReassignmentsRequest.ts';
import { ListPartitionReassignmentsResponse } from '../protocol/messages/ListPartitionReassignmentsResponse.ts';
import type { Partition } from '../cluster/topic.ts';
import { clusterDenied } from './admin.ts';
import { defineApi } from './api.ts';

const ongoing = (p: Partition) => ({ partitionIndex: p.index, replicas: [...p.replicas], addingReplicas: [...p.adding], removingReplicas: [...p.removing] });

export const listPartitionReassignments = defineApi({
  request: ListPartitionReassignmentsRequest,
  response: ListPartitionReassignmentsResponse,
  versions: '0',
  handle(req, context) {
    const denied = clusterDenied(context, 'ListPartitionReassignments', 'DESCRIBE');
    if (denied) return { throttleTimeMs: 0, ...denied, topics: [] };
    const wanted = req.topics ?? [...context.topics.values()].map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((p) => p.index) }));
    const topics = wanted.flatMap(({ name, partitionIndexes }) => {
      const topic = context.topics.get(name);
      const partitions = partitionIndexes.flatMap((index) => {
        const partition = topic?.partitions[index];
        return partition?.reassigning ? [ongoing(partition)] : [];
      });
      return partitions.length > 0 ? [{ name, partitions }] : [];
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
  },
  describe: (req) => (req.topics === null ? '(all)' : req.topics.map((t) => `${t.name}[${t.partitionIndexes.join(',')}]`).join(' ')),
});
