// The live picture a lab step shows while the student's programs run: each topic's partitions with
// their offsets, each consumer group's committed position and lag. From the embedded cluster it is
// read straight from introspection and refreshed on its events; from any other cluster it is polled
// through the admin API.

import type { ClusterHandle, ClusterSnapshot } from '../../simulator/index.ts';
import type { FaultsView } from './step-run.ts';
import type { KafkaAccess } from '../checks/kafka-access.ts';

export interface LivePartition {
  partition: number;
  low: number;
  high: number;
}

export interface LiveTopic {
  name: string;
  exists: boolean;
  partitions: LivePartition[];
}

export interface LiveGroupPosition {
  topic: string;
  partition: number;
  committed: number;
  high: number;
}

export interface LiveMember {
  clientId: string;
  host: string;
  /** topic → partitions it owns. */
  assignment: Record<string, number[]>;
}

export interface LiveGroup {
  group: string;
  /** Members right now, when the source knows (introspection does). */
  members?: number;
  state?: string;
  /** Known from introspection only (DescribeGroups does not tell it). */
  generation?: number;
  /** Who owns what, when the source could tell. */
  owners?: LiveMember[];
  positions: LiveGroupPosition[];
}

export interface LivePicture {
  topics: LiveTopic[];
  groups: LiveGroup[];
  /** The embedded cluster as it is, for the picture of brokers and replicas while faults run. */
  snapshot?: ClusterSnapshot;
  /** The step's faults, when it has some and the lab watches the cluster. */
  faults?: FaultsView;
}

export interface LiveWatch {
  topics: string[];
  groups: string[];
}

export interface LiveSource {
  picture(watch: LiveWatch): Promise<LivePicture>;
  /** Calls `listener` when the picture may have changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

const CHANGES = new Set(['records-appended', 'records-deleted', 'offsets-committed', 'topic-created', 'topic-deleted', 'partitions-created', 'group-changed', 'broker-state-changed', 'leader-changed', 'isr-changed', 'network-changed']);

/** The embedded cluster's picture, exact and immediate. */
export function introspectionSource(cluster: Pick<ClusterHandle, 'describe' | 'events'>): LiveSource {
  return {
    async picture(watch) {
      const snapshot = cluster.describe();
      const ends = new Map<string, Map<number, number>>();
      const topics = watch.topics.map((name): LiveTopic => {
        const topic = snapshot.topics.find((t) => t.name === name);
        const partitions = (topic?.partitions ?? []).map((p) => ({ partition: p.partition, low: p.logStartOffset, high: p.highWatermark }));
        return { name, exists: topic !== undefined, partitions };
      });
      for (const t of snapshot.topics) ends.set(t.name, new Map(t.partitions.map((p) => [p.partition, p.highWatermark])));
      const groups = watch.groups.map((group): LiveGroup => {
        const g = snapshot.groups.find((x) => x.groupId === group);
        if (!g) return { group, positions: [] };
        return {
          group,
          members: g.members.length,
          state: g.state,
          generation: g.generationId,
          owners: g.members.map((m) => ({ clientId: m.clientId, host: m.clientHost, assignment: m.assignment ?? {} })),
          positions: g.offsets.map((o) => ({ topic: o.topic, partition: o.partition, committed: o.committed, high: ends.get(o.topic)?.get(o.partition) ?? o.highWatermark })),
        };
      });
      return { topics, groups, snapshot };
    },
    onChange(listener) {
      return cluster.events.subscribe((event) => {
        if (CHANGES.has(event.type)) listener();
      });
    },
  };
}

/** Any cluster's picture, through the admin API; the caller polls it (it has no events). */
export function adminSource(kafka: KafkaAccess): LiveSource {
  return {
    async picture(watch) {
      const existing = new Set(await kafka.topicNames());
      const ends = new Map<string, LivePartition[]>();
      const offsetsOf = async (topic: string) => {
        if (!ends.has(topic)) ends.set(topic, existing.has(topic) ? await kafka.offsets(topic) : []);
        return ends.get(topic)!;
      };
      const topics: LiveTopic[] = [];
      for (const name of watch.topics) topics.push({ name, exists: existing.has(name), partitions: await offsetsOf(name) });
      const groups: LiveGroup[] = [];
      for (const group of watch.groups) {
        const committed = await kafka.committedAll(group);
        const positions: LiveGroupPosition[] = [];
        for (const [topic, partitions] of committed) {
          const topicEnds = await offsetsOf(topic);
          for (const [partition, offset] of partitions) {
            if (offset < 0) continue;
            positions.push({ topic, partition, committed: offset, high: topicEnds.find((p) => p.partition === partition)?.high ?? offset });
          }
        }
        const described = await kafka.describeGroup(group);
        const owners = described.members.map((m) => ({ clientId: m.clientId, host: m.host, assignment: m.assignment }));
        groups.push({ group, members: owners.length, state: described.state, owners, positions });
      }
      return { topics, groups };
    },
    onChange: () => () => {},
  };
}
