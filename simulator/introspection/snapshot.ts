// Typed snapshots of the cluster's state: what labs, checks, the chaos view and the grader read.

export interface BrokerSnapshot {
  id: number;
  host: string;
  port: number;
  state: 'up' | 'down';
}

export interface PartitionSnapshot {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  sizeInBytes: number;
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
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';
  generationId: number;
  protocolType: string | null;
  protocol: string | null;
  leader: string | null;
  coordinator: number;
  members: GroupMemberSnapshot[];
  offsets: CommittedOffsetSnapshot[];
}

export interface ClusterSnapshot {
  clusterId: string;
  controllerId: number;
  brokers: BrokerSnapshot[];
  topics: TopicSnapshot[];
  clients: ClientSnapshot[];
  groups: GroupSnapshot[];
}
