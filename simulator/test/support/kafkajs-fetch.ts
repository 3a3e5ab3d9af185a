// Reading partitions with kafkajs's own Fetch encoder and decoder, without a consumer group:
// kafkajs's consumer needs the group APIs, and here kafkajs is the oracle for our Fetch codec.

import type { Kafka } from 'kafkajs';
import { internalCluster, type FetchedMessage } from '../../../labs/checks/kafkajs-internal.ts';

export { internalCluster };

/** Fetches a partition from `fromOffset` until `count` messages are read (or the deadline passes). */
export async function fetchMessages(
  kafka: Kafka,
  topic: string,
  partition: number,
  { fromOffset = 0, count = Infinity, timeoutMs = 5000, isolationLevel = 1, maxBytes = 10485760 } = {},
): Promise<FetchedMessage[]> {
  const cluster = internalCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadata([topic]);
    const [leader] = Object.keys(cluster.findLeaderForPartitions(topic, [partition]));
    const broker = await cluster.findBroker({ nodeId: leader });
    const messages: FetchedMessage[] = [];
    let offset = fromOffset;
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count && Date.now() < deadline) {
      const response = await broker.fetch({
        maxWaitTime: Math.min(500, Math.max(0, deadline - Date.now())),
        isolationLevel,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes }] }],
      });
      const p = response.responses[0].partitions[0];
      if (p.errorCode !== 0) throw Object.assign(new Error(`fetch error ${p.errorCode}`), { errorCode: p.errorCode });
      // A batch holding records below the fetch offset comes back whole; skip what was asked past.
      for (const m of p.messages) if (Number(m.offset) >= offset && messages.length < count) messages.push(m);
      if (messages.length > 0) offset = Number(messages[messages.length - 1].offset) + 1;
      if (count === Infinity && offset >= Number(p.highWatermark)) break;
    }
    return messages;
  } finally {
    await cluster.disconnect();
  }
}
