// describe(): the cluster's state as one plain snapshot (types in snapshot.ts) — brokers, the
// network, topics with every replica's offsets, connected clients, groups and faults in force.

import type { Cluster } from '../cluster/cluster.ts';
import { TOPIC_CONFIGS } from '../cluster/configs.ts';
import type { ClusterSnapshot } from './snapshot.ts';

export function snapshotOf(cluster: Cluster): ClusterSnapshot {
  const { controller } = cluster;
  return {
    clusterId: cluster.id,
    controllerId: cluster.controllerId,
    brokers: [...cluster.brokers.values()].map((b) => ({ id: b.id, host: b.host, port: b.port, state: b.state, fenced: controller.fenced.has(b.id) })),
    network: { cut: cluster.network.cutLinks },
    topics: [...cluster.topics.values()].map((t) => ({
      name: t.name,
      id: t.id,
      internal: t.internal,
      configs: Object.fromEntries(Object.keys(TOPIC_CONFIGS).map((name) => [name, t.config.get(name)])),
      overrides: { ...t.config.overrides },
      partitions: t.partitions.map((p) => ({
        partition: p.index,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicas: [...p.replicas],
        isr: [...p.isr],
        adding: [...p.adding],
        removing: [...p.removing],
        logStartOffset: p.log.startOffset,
        logEndOffset: p.log.endOffset,
        highWatermark: p.highWatermark,
        sizeInBytes: p.log.sizeInBytes,
        segments: p.log.segmentCount,
        replicaStates: [...p.replicaLogs.values()].map((r) => ({
          brokerId: r.brokerId,
          logEndOffset: r.logEndOffset,
          highWatermark: r.highWatermark,
          inSync: p.isr.includes(r.brokerId),
          believesLeader: r.believesLeader,
        })),
      })),
    })),
    clients: [...cluster.brokers.values()].flatMap((b) =>
      b.connections.map((c) => ({
        connectionId: c.id,
        clientId: c.clientId,
        address: `${c.remoteAddress}:${c.remotePort}`,
        brokerId: b.id,
        connectedAt: c.connectedAt,
      })),
    ),
    groups: cluster.groups.describe(),
    faults: cluster.faults.describe(),
  };
}
