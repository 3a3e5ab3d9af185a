// The tests' shorthand for the one partition reader (simulator/testkit/read-partition.ts): the
// messages of a partition as kafkajs decodes them, without a consumer group.

import type { Kafka } from 'kafkajs';
import { readPartition, type FetchedMessage } from '../../testkit/read-partition.ts';

export interface FetchMessagesOptions {
  fromOffset?: number;
  /** Wait until this many messages have come (rejecting after `timeoutMs`); without it, read to the end. */
  count?: number;
  timeoutMs?: number;
  isolationLevel?: 0 | 1;
  maxBytes?: number;
}

/** Messages of a partition from `fromOffset`: `count` of them, or all that are readable now. */
export async function fetchMessages(kafka: Kafka, topic: string, partition: number, options: FetchMessagesOptions = {}): Promise<FetchedMessage[]> {
  const { fromOffset = 0, count, timeoutMs = 5000, ...fetchOptions } = options;
  const read = await readPartition(kafka, topic, partition, { ...fetchOptions, from: fromOffset, limit: count, waitForLimit: count !== undefined, timeoutMs });
  return read.messages;
}
