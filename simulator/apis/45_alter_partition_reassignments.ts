// AlterPartitionReassignments (45): moves partitions to other brokers, or cancels a move (replicas
// null). The new replicas copy the log through replication and join the ISR; then the old ones
// leave (simulator/cluster/reassignments.ts). Each partition is answered on its own; the request
// needs ALTER on the cluster. kafkajs's alterPartitionReassignments and kafka-reassign-partitions
// --execute send it.

import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { AlterPartitionReassignmentsRequest } from '../protocol/messages/AlterPartitionReassignmentsRequest.ts';
import { AlterPartitionReassignmentsResponse } from '../protocol/messages/AlterPartitionReassignmentsResponse.ts';
import { clusterDenied, SUCCESS, type Outcome } from './admin.ts';
import { defineApi, type RequestContext } from './api.ts';

function alter(context: RequestContext, topic: string, index: number, replicas: number[] | null, allowReplicationFactorChange: boolean): Outcome {
  const unknown = (errorMessage: string): Outcome => ({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage });
  if (!context.topics.has(topic)) return unknown(`Unable to find a topic named ${topic}.`);
  const partition = context.topics.partition(topic, index);
  if (!partition) return unknown(`Unable to find partition ${topic}:${index}.`);
  try {
    if (replicas === null) context.reassignments.cancel(partition);
    else context.reassignments.reassign(partition, replicas, allowReplicationFactorChange);
    return SUCCESS;
  } catch (error) {
    // Kafka's ApiError.fromThrowable drops a message that only repeats the error's own.
    if (error instanceof KafkaError) return { errorCode: error.code, errorMessage: error.code === ErrorCode.NO_REASSIGNMENT_IN_PROGRESS ? null : error.message };
    throw error;
  }
}

export const alterPartitionReassignments = defineApi({
  request: AlterPartitionReassignmentsRequest,
  response: AlterPartitionReassignmentsResponse,
  versions: '0-1',
  handle(req, context) {
    const denied = clusterDenied(context, 'AlterPartitionReassignments', 'ALTER');
    const allowReplicationFactorChange = context.version === 0 || req.allowReplicationFactorChange;
    const responses = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        ...(denied ?? alter(context, t.name, p.partitionIndex, p.replicas, allowReplicationFactorChange)),
      })),
    }));
    return { throttleTimeMs: 0, allowReplicationFactorChange, ...(denied ?? SUCCESS), responses };
  },
  describe: (req) => req.topics.flatMap((t) => t.partitions.map((p) => `${t.name}[${p.partitionIndex}]->${p.replicas === null ? 'cancel' : p.replicas.join(',')}`)).join(' '),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })) }),
});
