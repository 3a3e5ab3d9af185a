// Reading partitions with kafkajs's own Fetch encoder and decoder, without a consumer group:
// kafkajs's consumer needs the group APIs, and here kafkajs is the oracle for our Fetch codec.

import type { Kafka } from 'kafkajs';

interface FetchedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  headers: Record<string, Buffer | undefined>;
}

interface KafkajsBroker {
  fetch(request: object): Promise<{ responses: { topicName: string; partitions: { partition: number; errorCode: number; highWatermark: string; messages: FetchedMessage[] }[] }[] }>;
}

interface KafkajsCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(topics?: string[]): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string }): Promise<KafkajsBroker>;
}

export function internalCluster(kafka: Kafka): KafkajsCluster {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!symbol) throw new Error('kafkajs internals changed: no createCluster');
  const create = (kafka as unknown as Record<symbol, (o: object) => KafkajsCluster>)[symbol];
  return create({ metadataMaxAge: 300000, allowAutoTopicCreation: false, maxInFlightRequests: null });
}

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
