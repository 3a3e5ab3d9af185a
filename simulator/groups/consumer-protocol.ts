// The "consumer" protocol's assignment and subscription bytes (ConsumerProtocolAssignment and
// -Subscription), which the broker only reads to show people who owns which partition and to know
// which topics a group reads (OffsetDelete). Other protocol types stay opaque.

import { array, int16, int32, nullableBytes, string, struct } from '../protocol/schema.ts';
import { Reader } from '../protocol/wire.ts';

const assignmentSchema = struct({
  assignedPartitions: array(struct({ topic: string, partitions: array(int32) })),
  userData: nullableBytes,
});

/** topic → partitions, or null when the bytes are not a consumer assignment. */
export function decodeAssignment(bytes: Buffer): Record<string, number[]> | null {
  if (bytes.length === 0) return {};
  try {
    const r = new Reader(bytes);
    const version = int16.read(r, { version: 0, flexible: false });
    if (version < 0) return null; // Kafka's ConsumerProtocol refuses these; newer versions are read as the newest known
    const { assignedPartitions } = assignmentSchema.read(r, { version, flexible: false });
    return Object.fromEntries(assignedPartitions.map((a) => [a.topic, [...a.partitions].sort((x, y) => x - y)]));
  } catch {
    return null;
  }
}

/** The topics a member's subscription names (every version starts with them), or null when the bytes are not one. */
export function decodeSubscribedTopics(bytes: Buffer): string[] | null {
  try {
    const r = new Reader(bytes);
    const version = int16.read(r, { version: 0, flexible: false });
    if (version < 0) return null;
    return array(string).read(r, { version, flexible: false });
  } catch {
    return null;
  }
}
