// Partition reassignments (AlterPartitionReassignments, kafka-reassign-partitions), run as Kafka's
// controller runs them (ReplicationControlManager, PartitionReassignmentReplicas):
//
// 1. The target replicas not yet in the list are added to it (`adding`), the ones leaving are
//    marked (`removing`): replicas = target + removing. The new replicas get empty logs, which
//    replication fills from the leader like any follower's.
// 2. Each new replica joins the ISR once it has caught up to the high watermark.
// 3. When the ISR, less the leaving replicas, holds every target replica, the leaving ones go:
//    out of the replica list and the ISR, their logs deleted; if the leader was one of them, the
//    first in-sync target replica takes over.
//
// A reassignment that only reorders replicas, or only removes some, completes at once. A
// cancellation (replicas null) reverts to the original replicas, dropping the added ones.
// The state lives on the partitions (`adding`, `removing`), saved with the cluster metadata.

import type { EventStream } from '../introspection/events.ts';
import { KafkaError } from '../protocol/errors.ts';
import type { ElectionReason } from './controller.ts';
import type { Partition, PartitionLogSetup } from './topic.ts';
import type { Topics } from './topics.ts';

export interface ReassignmentDependencies {
  topics: Topics;
  /** A fresh, empty log for a new replica. */
  logs: () => PartitionLogSetup;
  /** The controller's election, once the replica list no longer holds the leader. */
  elect: (partition: Partition, reason: ElectionReason) => void;
  /** Whether a broker may lead (running and not fenced). */
  canLead: (brokerId: number) => boolean;
  events: EventStream;
  /** The cluster metadata changed: save it. */
  changed: () => void;
}

/** Partition reassignments: what handlers may ask for (AlterPartitionReassignments, ListPartitionReassignments). */
export interface PartitionReassignments {
  /** Starts moving the partition to `target`, or throws the KafkaError Kafka would answer with. */
  reassign(partition: Partition, target: number[], allowReplicationFactorChange: boolean): void;
  /** Reverts a running reassignment to the original replicas; throws NO_REASSIGNMENT_IN_PROGRESS when none runs. */
  cancel(partition: Partition): void;
}

const difference = (a: readonly number[], b: readonly number[]) => a.filter((id) => !b.includes(id));

export class Reassignments implements PartitionReassignments {
  constructor(private readonly deps: ReassignmentDependencies) {}

  reassign(partition: Partition, target: number[], allowReplicationFactorChange: boolean): void {
    this.deps.topics.validateAssignments([target]);
    const current = partition.replicas;
    const original = difference(current, partition.adding);
    if (!allowReplicationFactorChange && target.length !== original.length) {
      throw new KafkaError('INVALID_REPLICATION_FACTOR', `The replication factor is changed from ${original.length} to ${target.length}`);
    }
    const removing = difference(current, target).sort((a, b) => a - b);
    const adding = difference(target, current).sort((a, b) => a - b);
    const replicas = [...target, ...removing];
    const started = adding.length > 0 || removing.length > 0;
    if (!started && replicas.join() === current.join()) return; // already there: nothing to record
    for (const id of adding) partition.addReplicaLog(id, this.deps.logs());
    partition.replicas = replicas;
    partition.adding = adding;
    partition.removing = removing;
    this.deps.events.emit({ type: 'reassignment-changed', topic: partition.topic.name, partition: partition.index, replicas: [...replicas], adding: [...adding], removing: [...removing], state: started ? 'started' : 'completed' });
    this.deps.changed();
    this.complete(partition);
    partition.notifyAppend();
  }

  cancel(partition: Partition): void {
    if (!partition.reassigning) throw new KafkaError('NO_REASSIGNMENT_IN_PROGRESS', 'No partition reassignment is in progress.');
    const original = difference(partition.replicas, partition.adding);
    let isr = partition.isr.filter((id) => original.includes(id));
    if (isr.length === 0) {
      if (partition.topic.config.get('unclean.leader.election.enable') !== 'true') {
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Unable to revert partition assignment for ${partition.topic.name}:${partition.index} because it would require an unclean leader election.`);
      }
      isr = original.filter((id) => this.deps.canLead(id)).slice(0, 1);
    }
    const added = partition.adding;
    partition.replicas = original;
    partition.isr = isr.length > 0 ? isr : [original[0]];
    partition.adding = [];
    partition.removing = [];
    if (!original.includes(partition.leader)) this.deps.elect(partition, 'reassigned');
    for (const id of added) partition.removeReplicaLog(id);
    this.deps.events.emit({ type: 'reassignment-changed', topic: partition.topic.name, partition: partition.index, replicas: [...original], adding: [], removing: [], state: 'cancelled' });
    this.deps.changed();
    partition.notifyAppend();
  }

  /** Partitions whose reassignment runs. */
  *running(): Generator<Partition> {
    for (const topic of this.deps.topics.values()) for (const partition of topic.partitions) if (partition.reassigning) yield partition;
  }

  /** Completes the reassignments whose new replicas have all joined the ISR. */
  tick(): void {
    for (const partition of [...this.running()]) this.complete(partition);
  }

  /** Kafka's maybeCompleteReassignment: once the ISR without the leaving replicas holds every remaining one, they leave. */
  private complete(partition: Partition): void {
    if (!partition.reassigning) return;
    const { removing } = partition;
    const isr = difference(partition.isr, removing);
    const replicas = difference(partition.replicas, removing);
    if (isr.length === 0 || replicas.length === 0 || !replicas.every((id) => isr.includes(id))) return;
    partition.replicas = replicas;
    partition.isr = isr;
    partition.adding = [];
    partition.removing = [];
    if (!replicas.includes(partition.leader)) this.deps.elect(partition, 'reassigned');
    for (const id of removing) partition.removeReplicaLog(id);
    this.deps.events.emit({ type: 'reassignment-changed', topic: partition.topic.name, partition: partition.index, replicas: [...replicas], adding: [], removing: [], state: 'completed' });
    this.deps.events.emit({ type: 'isr-changed', topic: partition.topic.name, partition: partition.index, isr: [...isr] });
    this.deps.changed();
    partition.notifyAppend();
  }
}
