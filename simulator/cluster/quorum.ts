// The metadata quorum as DescribeQuorum reports it (kafka-metadata-quorum, admin clients), honest
// about kafka-lab's controller model: there is no Raft quorum and no metadata log. The active
// controller is the lowest-id running broker, and any broker can take over, so every broker is
// listed as a voter (as in a KRaft cluster of combined broker+controller nodes) and none as an
// observer. The leader epoch counts controller changes; offsets count metadata changes (topics,
// configs, ACLs, credentials, leaders and ISRs saved); a voter's last fetch is the controller's
// last heartbeat from it, and a stopped broker's log end stays where it was when it stopped.

import type { Broker } from './broker.ts';
import type { Controller } from './controller.ts';

export interface QuorumVoter {
  brokerId: number;
  logEndOffset: number;
  /** -1 for the leader and for a voter never heard from. */
  lastFetchTimestamp: number;
  lastCaughtUpTimestamp: number;
}

export interface QuorumState {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: number;
  voters: QuorumVoter[];
  /** The voters, with the listener clients reach them on. */
  nodes: { nodeId: number; host: string; port: number }[];
}

export interface MetadataQuorum {
  describe(): QuorumState;
}

export class QuorumView implements MetadataQuorum {
  /** Each broker's metadata offset when the controller last heard from it. */
  private readonly seenOffset = new Map<number, number>();

  constructor(
    private readonly brokers: ReadonlyMap<number, Broker>,
    private readonly controller: Controller,
    /** How many metadata changes the cluster has made. */
    private readonly metadataOffset: () => number,
  ) {}

  describe(now = Date.now()): QuorumState {
    const leaderId = this.controller.id;
    const offset = this.metadataOffset();
    const voters = [...this.brokers.values()].map((broker): QuorumVoter => {
      if (broker.state === 'up') this.seenOffset.set(broker.id, offset);
      const heard = this.controller.heardAt(broker.id);
      if (broker.id === leaderId) return { brokerId: broker.id, logEndOffset: offset, lastFetchTimestamp: -1, lastCaughtUpTimestamp: now };
      return { brokerId: broker.id, logEndOffset: this.seenOffset.get(broker.id) ?? -1, lastFetchTimestamp: heard ?? -1, lastCaughtUpTimestamp: heard ?? -1 };
    });
    return {
      leaderId,
      leaderEpoch: this.controller.epoch,
      highWatermark: offset,
      voters,
      nodes: [...this.brokers.values()].map((b) => ({ nodeId: b.id, host: b.host, port: b.port })),
    };
  }
}
