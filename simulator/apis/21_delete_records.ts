// DeleteRecords (21): moves a partition's log start offset (its low watermark) forward, on the
// partition's leader. Offset -1 means the high watermark; beyond it is OFFSET_OUT_OF_RANGE.
// Records of Kafka's internal topics and of compact-only topics cannot be deleted.

import type { RequestServices } from './api.ts';
import { ErrorCode, KafkaError } from '../protocol/errors.ts';
import { DeleteRecordsRequest } from '../protocol/messages/DeleteRecordsRequest.ts';
import { DeleteRecordsPartitionResult, DeleteRecordsResponse } from '../protocol/messages/DeleteRecordsResponse.ts';
import type { EncodableType } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

type PartitionResult = EncodableType<typeof DeleteRecordsPartitionResult>;

export const deleteRecords = defineApi({
  request: DeleteRecordsRequest,
  response: DeleteRecordsResponse,
  versions: '0-2',
  handle(req, { topics, records, broker, authorize }) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const deletable = authorize('DELETE', 'TOPIC', t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) =>
            deletable
              ? deleteBefore({ topics, records }, broker.id, t.name, p.partitionIndex, p.offset)
              : { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED },
          ),
        };
      }),
    };
  },
  describe: (req) =>
    req.topics.map((t) => `${t.name}[${t.partitions.map((p) => `${p.partitionIndex}<${p.offset === -1 ? 'hw' : p.offset}`).join(',')}]`).join(' '),
  names: (req) => ({ topics: req.topics.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })) }),
});

function deleteBefore({ topics, records }: Pick<RequestServices, 'topics' | 'records'>, brokerId: number, topic: string, index: number, offset: number): PartitionResult {
  const failed = (errorCode: number) => ({ partitionIndex: index, lowWatermark: -1, errorCode });
  const partition = topics.partition(topic, index);
  if (!partition) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (partition.topic.internal) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!partition.isLedBy(brokerId)) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  const policies = partition.topic.config.get('cleanup.policy').split(',').map((s) => s.trim());
  if (!policies.includes('delete')) return failed(ErrorCode.POLICY_VIOLATION);
  try {
    return { partitionIndex: index, lowWatermark: records.deleteBefore(partition, offset), errorCode: ErrorCode.NONE };
  } catch (error) {
    if (error instanceof KafkaError) return failed(error.code);
    throw error;
  }
}
