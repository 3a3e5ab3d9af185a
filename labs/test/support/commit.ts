// Committing an offset for a group that has no members, as a one-off OffsetCommit (generation -1,
// no member id: what Kafka accepts from tools). kafkajs's admin.setOffsets runs a whole consumer
// and waits out a fetch for it; this is the request alone, through kafkajs's protocol code.

import type { Kafka } from 'kafkajs';
import { internalCluster } from '../../../simulator/test/support/kafkajs-fetch.ts';

interface CoordinatorBroker {
  /** Rejects with the partition's error, as kafkajs parses it. */
  offsetCommit(request: object): Promise<unknown>;
}

export async function commitOffset(kafka: Kafka, groupId: string, topic: string, offset: number, partition = 0): Promise<void> {
  const cluster = internalCluster(kafka) as ReturnType<typeof internalCluster> & { findGroupCoordinator(args: { groupId: string }): Promise<CoordinatorBroker> };
  await cluster.connect();
  try {
    await cluster.refreshMetadata();
    const coordinator = await cluster.findGroupCoordinator({ groupId });
    await coordinator.offsetCommit({
      groupId,
      groupGenerationId: -1,
      memberId: '',
      topics: [{ topic, partitions: [{ partition, offset: String(offset) }] }],
    });
  } finally {
    await cluster.disconnect();
  }
}
