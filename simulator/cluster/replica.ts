// One broker's copy of a partition: its own log, its own high watermark (a follower learns the
// leader's as it fetches), and what this broker believes about leadership. A broker cut off from
// the controller keeps believing it leads — the zombie leader of a network split.

import type { PartitionLog } from '../log/partition-log.ts';

export class Replica {
  highWatermark = 0;
  /** When this follower last had everything the leader had (replica.lag.time.max.ms counts from it). */
  lastCaughtUpAt = Date.now();
  /** This broker's view: does it lead the partition, and in which epoch. */
  believesLeader = false;
  knownLeaderEpoch = 0;

  constructor(
    readonly brokerId: number,
    readonly log: PartitionLog,
  ) {}

  get logEndOffset(): number {
    return this.log.endOffset;
  }
}

/** The leader epoch the batch holding `offset` was written in (-1 before the first batch), from a log's leader epochs. */
export function epochAt(ranges: readonly { epoch: number; startOffset: number }[], offset: number): number {
  let epoch = -1;
  for (const r of ranges) if (r.startOffset <= offset) epoch = r.epoch;
  return epoch;
}

/**
 * Where a follower's log stops agreeing with its leader's (Kafka's truncation by leader epoch,
 * KIP-101/279): the first offset whose epoch differs, or the shorter log's end.
 */
export function divergenceOffset(follower: PartitionLog, leader: PartitionLog): number {
  const ours = follower.leaderEpochs;
  const theirs = leader.leaderEpochs;
  const end = Math.min(follower.endOffset, leader.endOffset);
  const boundaries = [...new Set([...ours, ...theirs].map((r) => r.startOffset))].filter((o) => o < end).sort((a, b) => a - b);
  for (const offset of boundaries) {
    if (epochAt(ours, offset) !== epochAt(theirs, offset)) return offset;
  }
  return end;
}
