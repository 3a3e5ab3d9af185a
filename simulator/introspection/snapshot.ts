// Typed snapshots of the cluster's state: what labs, checks, the chaos view and the grader read.

import type { FaultRuleSnapshot } from '../faults/rules.ts';

export type { FaultRuleSnapshot };

export interface BrokerSnapshot {
  id: number;
  host: string;
  port: number;
  state: 'up' | 'paused' | 'down';
  /** Fenced by the controller: stopped, or not heard from within the session timeout. */
  fenced: boolean;
}

export interface ReplicaSnapshot {
  brokerId: number;
  logEndOffset: number;
  highWatermark: number;
  inSync: boolean;
  /** This broker's own view; true on two brokers at once during a split (a zombie leader). */
  believesLeader: boolean;
}

export interface PartitionSnapshot {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  /** While a reassignment runs: the replicas being added (copying the log) and removed (once they are in sync). */
  adding: number[];
  removing: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  sizeInBytes: number;
  /** Segments of the leader's log (retention deletes and compaction rewrites whole segments). */
  segments: number;
  replicaStates: ReplicaSnapshot[];
}

export interface TopicSnapshot {
  name: string;
  id: string;
  internal: boolean;
  /** Every topic config with its effective value. */
  configs: Record<string, string>;
  /** Only the configs set on this topic. */
  overrides: Record<string, string>;
  partitions: PartitionSnapshot[];
}

export interface ClientSnapshot {
  connectionId: number;
  clientId: string | null;
  address: string;
  brokerId: number;
  connectedAt: number;
}

export interface GroupMemberSnapshot {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** topic → partitions, decoded for the "consumer" protocol; null when opaque. */
  assignment: Record<string, number[]> | null;
}

export interface CommittedOffsetSnapshot {
  topic: string;
  partition: number;
  committed: number;
  highWatermark: number;
  /** Records the group has yet to read: high watermark − committed offset. */
  lag: number;
}

export interface GroupSnapshot {
  groupId: string;
  /** Classic groups: Empty, PreparingRebalance, CompletingRebalance, Stable; consumer-protocol groups (KIP-848): Empty, Assigning, Reconciling, Stable. */
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';
  generationId: number;
  protocolType: string | null;
  protocol: string | null;
  leader: string | null;
  coordinator: number;
  members: GroupMemberSnapshot[];
  offsets: CommittedOffsetSnapshot[];
}

/** Injected faults in force (see simulator/faults): rules, latency, throttling, full disks. */
export interface FaultsSnapshot {
  rules: FaultRuleSnapshot[];
  latency: { brokerId: number | null; ms: number; jitterMs: number }[];
  throttle: { brokerId: number | null; ms: number }[];
  diskFull: number[];
}

export interface ClusterSnapshot {
  clusterId: string;
  controllerId: number;
  brokers: BrokerSnapshot[];
  /** Links cut by `partition()`, as pairs of broker ids or "clients". */
  network: { cut: [string, string][] };
  topics: TopicSnapshot[];
  clients: ClientSnapshot[];
  groups: GroupSnapshot[];
  faults: FaultsSnapshot;
}
