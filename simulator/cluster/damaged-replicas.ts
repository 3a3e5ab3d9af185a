// A replica whose log turned out to be damaged — recovery at start cut it at a batch that fails its
// checks, or a read met such bytes — has lost what followed the damage. As Kafka does, that is said
// aloud: a warning (stderr, and a `log-damaged` event) naming the broker, the partition, the offset
// and the bytes cut. And where another replica still holds those records, the damaged one is not
// left to spread its loss: it leaves the ISR (so it cannot be elected), a healthy replica leads,
// and the damaged one copies the records back from it, as any follower catching up would.

import type { LogCut } from '../log/partition-log.ts';
import type { Cluster } from './cluster.ts';
import type { Partition } from './topic.ts';

const replicaKey = (partition: Partition, brokerId: number) => `${partition.topic.name}\0${partition.index}\0${brokerId}`;
const number = (n: number) => n.toLocaleString('en-US');

/**
 * When the cluster starts over a data dir, before any broker serves: for each replica recovery
 * cut, a longer in-sync replica (if any) takes over leadership and the damaged one leaves the ISR.
 */
export function settleDamagedReplicasAtStart(cluster: Cluster, partition: Partition): void {
  const cuts = [...partition.replicaLogs.values()].map((r) => r.log.loadCut).filter((cut) => cut !== null);
  for (const cut of cuts) {
    const holder = longestOther(partition, cut);
    if (holder !== null) {
      partition.isr = partition.isr.filter((id) => id !== cut.brokerId);
      if (partition.leader === cut.brokerId) {
        // An election, as the controller would hold it once the brokers are up: the longest in-sync replica.
        const leader = [...partition.isr].sort((a, b) => partition.replica(b)!.logEndOffset - partition.replica(a)!.logEndOffset)[0];
        partition.leader = leader;
        partition.leaderEpoch++;
        for (const replica of partition.replicaLogs.values()) {
          replica.knownLeaderEpoch = partition.leaderEpoch;
          replica.believesLeader = replica.brokerId === leader;
          if (!replica.believesLeader) cluster.replication.needsTruncationCheck.add(replicaKey(partition, replica.brokerId));
        }
      }
    }
    report(cluster, partition, cut, holder, null);
  }
  if (cuts.length === 0) return;
  partition.settleHighWatermark();
  cluster.persistTopology();
}

/** A read of a running replica met damage, and its log has been cut before it. */
export function onReplicaDamaged(cluster: Cluster, partition: Partition, cut: LogCut): void {
  if (cluster.topics.partition(partition.topic.name, partition.index) !== partition) return; // deleted meanwhile
  const acknowledgedBefore = partition.highWatermark;
  const damaged = cut.brokerId;
  const holder = longestOther(partition, cut, (id) => cluster.brokers.get(id)?.state === 'up' && !cluster.controller.fenced.has(id));
  if (holder !== null || partition.leader !== damaged) {
    // It lacks acknowledged records now: out of the ISR until it has copied them back.
    if (partition.isr.includes(damaged) && partition.isr.length > 1 && partition.replica(damaged)!.logEndOffset < acknowledgedBefore) {
      cluster.replication.setIsr(partition, partition.isr.filter((id) => id !== damaged));
    }
    if (partition.leader === damaged) cluster.controller.elect(partition, 'replica-damaged');
  } else {
    // No other replica holds what it lost: it leads on from where its log now ends, in a new
    // epoch, so that followers holding records past that point cut them too and all agree again.
    const leader = partition.replica(damaged)!;
    partition.leaderEpoch++;
    for (const replica of partition.replicaLogs.values()) {
      replica.highWatermark = Math.min(replica.highWatermark, leader.logEndOffset);
      replica.knownLeaderEpoch = partition.leaderEpoch;
      if (replica !== leader) cluster.replication.needsTruncationCheck.add(replicaKey(partition, replica.brokerId));
    }
    cluster.events.emit({
      type: 'leader-changed',
      topic: partition.topic.name,
      partition: partition.index,
      leader: damaged,
      previousLeader: damaged,
      leaderEpoch: partition.leaderEpoch,
      isr: [...partition.isr],
      reason: 'replica-damaged',
    });
    cluster.onLeaderChanged(partition);
    partition.notifyAppend();
  }
  report(cluster, partition, cut, holder, Math.max(0, acknowledgedBefore - cut.offset));
}

/** The in-sync replica (other than the damaged one) holding the most, if it holds anything the damaged one lost. */
function longestOther(partition: Partition, cut: LogCut, usable: (id: number) => boolean = () => true): number | null {
  let best: number | null = null;
  for (const id of partition.isr) {
    if (id === cut.brokerId || !usable(id)) continue;
    const end = partition.replica(id)?.logEndOffset ?? -1;
    if (end > cut.offset && (best === null || end > partition.replica(best)!.logEndOffset)) best = id;
  }
  return best;
}

function report(cluster: Cluster, partition: Partition, cut: LogCut, holder: number | null, acknowledgedLost: number | null): void {
  const name = `${partition.topic.name}-${partition.index}`;
  const where = `${cut.segment} byte ${number(cut.position)}: ${cut.reason}`;
  const found = cut.found === 'recovery' ? 'recovery cut' : 'a read found damage in';
  const lost =
    holder !== null
      ? `broker ${holder} holds offsets up to ${number(partition.replica(holder)!.logEndOffset - 1)}; broker ${cut.brokerId} copies them back from it`
      : acknowledgedLost
        ? `no other replica holds them: ${number(acknowledgedLost)} acknowledged record(s) are lost`
        : 'no other replica holds what followed it';
  const message = `broker ${cut.brokerId}: ${found} ${name} at offset ${number(cut.offset)} (${where}); ${number(cut.bytes)} bytes cut; ${lost}`;
  cluster.warn(message);
  cluster.events.emit({
    type: 'log-damaged',
    brokerId: cut.brokerId,
    topic: partition.topic.name,
    partition: partition.index,
    offset: cut.offset,
    bytesCut: cut.bytes,
    segment: cut.segment,
    position: cut.position,
    reason: cut.reason,
    found: cut.found,
    recoveringFrom: holder,
    acknowledgedLost,
    message,
  });
}
