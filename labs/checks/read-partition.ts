// Reading a partition's records without a consumer group. kafkajs's public consumer must join a group
// (and would then show up in the student's `describe groups`), so this uses kafkajs's own cluster
// and Fetch request under the hood: its protocol code, no group, nothing committed.

import type { Kafka } from 'kafkajs';
import { internalCluster } from './kafkajs-internal.ts';

export interface ReadRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

const READ_COMMITTED = 1;

/** Records of one partition from offset `from` up to (not including) `to`, at most `limit`. */
export async function readPartition(
  kafka: Kafka,
  topic: string,
  partition: number,
  { from, to, limit, timeoutMs = 10_000 }: { from: number; to: number; limit: number; timeoutMs?: number },
): Promise<ReadRecord[]> {
  const cluster = internalCluster(kafka);
  await cluster.connect();
  try {
    await cluster.addTargetTopic(topic);
    await cluster.refreshMetadata([topic]);
    const [leader] = Object.keys(cluster.findLeaderForPartitions(topic, [partition]));
    if (leader === undefined) throw new Error(`partition ${topic}[${partition}] has no leader`);
    const broker = await cluster.findBroker({ nodeId: leader });
    const records: ReadRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    let offset = from;
    while (offset < to && records.length < limit) {
      if (Date.now() > deadline) throw new Error(`reading ${topic}[${partition}] took longer than ${timeoutMs} ms`);
      const response = await broker.fetch({
        maxWaitTime: 100,
        isolationLevel: READ_COMMITTED,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: 4 * 1024 * 1024 }] }],
      });
      const fetched = response.responses[0]?.partitions[0];
      if (!fetched) break;
      if (fetched.errorCode !== 0) throw new Error(`fetching ${topic}[${partition}] at offset ${offset} failed with error code ${fetched.errorCode}`);
      let next = offset;
      for (const m of fetched.messages) {
        const at = Number(m.offset);
        // A batch comes back whole, even the records before the offset asked for.
        if (at < offset || at >= to || records.length >= limit) continue;
        records.push({ partition, offset: at, key: m.key, value: m.value, timestamp: Number(m.timestamp) });
        next = at + 1;
      }
      // Nothing readable here (aborted records, control batches): the rest is beyond the last stable offset.
      if (next === offset) break;
      offset = next;
    }
    return records;
  } finally {
    await cluster.disconnect();
  }
}
