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

export interface ClusterSnapshot {
  clusterId: string;
  controllerId: number;
  brokers: BrokerSnapshot[];
  topics: TopicSnapshot[];
  clients: ClientSnapshot[];
}
