// A client's current leader epoch (KIP-320: Fetch v9+, ListOffsets v4+, OffsetForLeaderEpoch),
// checked as Kafka's Partition does before anything else about the partition: an epoch newer than
// this broker knows is UNKNOWN_LEADER_EPOCH (the broker is behind: a zombie leader cut off by a
// split), an older one FENCED_LEADER_EPOCH (the client is behind); -1 skips the check.

import type { Partition } from '../cluster/topic.ts';
import { ErrorCode } from '../protocol/errors.ts';

/** The error Kafka answers for the client's epoch, or null when it matches (or is -1). */
export function leaderEpochError(partition: Partition, brokerId: number, currentLeaderEpoch: number): number | null {
  if (currentLeaderEpoch < 0) return null;
  const known = partition.replica(brokerId)?.knownLeaderEpoch ?? partition.leaderEpoch;
  if (currentLeaderEpoch > known) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  if (currentLeaderEpoch < known) return ErrorCode.FENCED_LEADER_EPOCH;
  return null;
}
