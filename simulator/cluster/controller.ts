// The controller: which brokers are alive, which partition replicas lead, and who is in sync.
// As KRaft's controller does, it fences a broker that stopped or that it has not heard from for
// broker.session.timeout.ms, moves leadership to an in-sync replica (or, with
// unclean.leader.election.enable, to any live one, losing what only the old leader had), leaves a
// partition offline (leader -1) when none can lead, and brings it back when a replica returns.
// Brokers it cannot reach keep their old view — a leader cut off by a split keeps acting as one.

import type { Cluster } from './cluster.ts';
import type { Partition } from './topic.ts';

export type ElectionReason = 'leader-failed' | 'controlled-shutdown' | 'replica-returned' | 'unclean' | 'replica-damaged' | 'preferred' | 'reassigned';

/** What an election asked for by a client (ElectLeaders) came to, as Kafka's controller answers it. */
export type RequestedElection = 'elected' | 'not-needed' | 'not-available';

/** Leader elections on request (ElectLeaders, kafka-leader-election): what handlers may ask of the controller. */
export interface LeaderElections {
  /**
   * PREFERRED: make the first replica leader again, if it is alive and in sync; UNCLEAN: give a
   * partition without a leader one, an out-of-sync replica if no in-sync one is alive.
   */
  electOnRequest(partition: Partition, type: 'preferred' | 'unclean'): RequestedElection;
}

export class Controller implements LeaderElections {
  /** Brokers the controller considers gone: stopped, or silent past the session timeout. */
  readonly fenced = new Set<number>();
  private readonly lastHeard = new Map<number, number>();
  private currentId = -1;
  /** How many times the active controller changed (KRaft's leader epoch of the metadata quorum). */
  epoch = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly brokerSessionTimeoutMs: number,
  ) {}

  /** The active controller: the lowest-id broker that is running (KRaft's quorum, simplified). */
  get id(): number {
    for (const broker of this.cluster.brokers.values()) if (broker.state === 'up') return broker.id;
    return -1;
  }

  /** When the controller last heard from a broker (its heartbeat), if ever. */
  heardAt(brokerId: number): number | undefined {
    return this.lastHeard.get(brokerId);
  }

  private canServe(brokerId: number): boolean {
    return this.cluster.brokers.get(brokerId)?.state === 'up' && !this.fenced.has(brokerId);
  }

  private reachable(brokerId: number): boolean {
    const controller = this.id;
    return controller >= 0 && this.cluster.network.canReach(controller, brokerId);
  }

  // ---------------------------------------------------------------- broker lifecycle

  /** A broker stopped or crashed: fence it at once (the controller sees its session close). */
  brokerDown(brokerId: number): void {
    this.fence(brokerId);
  }

  /** Controlled shutdown: leadership moves away first, so clients see no offline partitions. */
  beforeControlledShutdown(brokerId: number): void {
    this.fenced.add(brokerId);
    for (const partition of this.partitions()) {
      if (partition.leader === brokerId) this.elect(partition, 'controlled-shutdown');
      this.shrinkIsrWithout(partition, brokerId);
    }
  }

  brokerUp(brokerId: number): void {
    this.lastHeard.set(brokerId, Date.now());
    this.unfence(brokerId);
  }

  private fence(brokerId: number): void {
    if (this.fenced.has(brokerId)) return;
    this.fenced.add(brokerId);
    this.cluster.events.emit({ type: 'broker-fenced', brokerId });
    for (const partition of this.partitions()) {
      if (partition.leader === brokerId) this.elect(partition, 'leader-failed');
      else this.shrinkIsrWithout(partition, brokerId);
    }
  }

  private unfence(brokerId: number): void {
    if (!this.fenced.delete(brokerId)) return this.refreshViews(brokerId);
    this.cluster.events.emit({ type: 'broker-unfenced', brokerId });
    this.refreshViews(brokerId);
    for (const partition of this.partitions()) {
      if (partition.leader === -1 && partition.replicas.includes(brokerId)) this.elect(partition, 'replica-returned');
    }
  }

  /** Tells a broker the current leaders, demoting what it wrongly believes it leads. */
  private refreshViews(brokerId: number): void {
    for (const partition of this.partitions()) {
      const replica = partition.replica(brokerId);
      if (!replica || replica.knownLeaderEpoch === partition.leaderEpoch) continue;
      replica.knownLeaderEpoch = partition.leaderEpoch;
      replica.believesLeader = partition.leader === brokerId;
      if (!replica.believesLeader) this.cluster.replication.needsTruncationCheck.add(`${partition.topic.name}\0${partition.index}\0${brokerId}`);
    }
  }

  // ---------------------------------------------------------------- elections

  private shrinkIsrWithout(partition: Partition, brokerId: number): void {
    // Kafka never empties the ISR: the last member stays, so it can lead again when it returns.
    if (!partition.isr.includes(brokerId) || partition.isr.length === 1) return;
    this.cluster.replication.setIsr(partition, partition.isr.filter((id) => id !== brokerId));
  }

  electOnRequest(partition: Partition, type: 'preferred' | 'unclean'): RequestedElection {
    if (type === 'preferred') {
      const preferred = partition.replicas[0];
      if (partition.leader === preferred) return 'not-needed';
      if (!partition.isr.includes(preferred) || !this.canServe(preferred)) return 'not-available';
      this.elect(partition, 'preferred');
      return 'elected';
    }
    if (partition.leader !== -1) return 'not-needed';
    this.elect(partition, 'replica-returned', true);
    return partition.leader === -1 ? 'not-available' : 'elected';
  }

  /**
   * Picks a new leader: the first live in-sync replica (the first replica, for a preferred
   * election); else, if `allowUnclean` (the topic's unclean.leader.election.enable, or an unclean
   * election asked for), any live replica; else none.
   */
  elect(partition: Partition, reason: ElectionReason, allowUnclean = partition.topic.config.get('unclean.leader.election.enable') === 'true'): void {
    const previous = partition.leader;
    const candidates = reason === 'preferred' ? partition.replicas.slice(0, 1) : partition.replicas;
    let leader = candidates.find((id) => partition.isr.includes(id) && this.canServe(id) && !(reason === 'controlled-shutdown' && id === previous));
    let unclean = false;
    if (leader === undefined && allowUnclean) {
      leader = partition.replicas.find((id) => this.canServe(id));
      unclean = leader !== undefined;
    }
    const isr = leader === undefined ? partition.isr : unclean ? [leader] : partition.isr.filter((id) => id !== previous || this.canServe(id));
    if ((leader ?? -1) === previous && isr.length === partition.isr.length) return;

    partition.leader = leader ?? -1;
    partition.leaderEpoch++;
    if (isr.length > 0) partition.isr = isr;
    for (const replica of partition.replicaLogs.values()) {
      if (!this.canServe(replica.brokerId) && replica.brokerId !== previous) continue;
      if (!this.reachable(replica.brokerId)) continue; // a broker cut off keeps its old view
      replica.knownLeaderEpoch = partition.leaderEpoch;
      replica.believesLeader = replica.brokerId === partition.leader;
      if (!replica.believesLeader) this.cluster.replication.needsTruncationCheck.add(`${partition.topic.name}\0${partition.index}\0${replica.brokerId}`);
    }
    this.cluster.events.emit({
      type: 'leader-changed',
      topic: partition.topic.name,
      partition: partition.index,
      leader: partition.leader,
      previousLeader: previous,
      leaderEpoch: partition.leaderEpoch,
      isr: [...partition.isr],
      reason: unclean ? 'unclean' : reason,
    });
    this.cluster.onLeaderChanged(partition);
    partition.notifyAppend();
  }

  // ---------------------------------------------------------------- heartbeats

  /** Fences brokers silent past the session timeout (paused, or split from the controller); welcomes back the rest. */
  tick(now = Date.now()): void {
    const controller = this.id;
    if (controller !== this.currentId) {
      const previous = this.currentId;
      this.currentId = controller;
      if (controller !== -1) this.epoch++;
      if (previous !== -1 || controller !== -1) this.cluster.events.emit({ type: 'controller-changed', controllerId: controller, previousControllerId: previous });
    }
    for (const broker of this.cluster.brokers.values()) {
      if (broker.state === 'down') continue;
      const heard = broker.state === 'up' && this.reachable(broker.id);
      if (heard) {
        this.lastHeard.set(broker.id, now);
        if (this.fenced.has(broker.id)) this.unfence(broker.id);
        else this.refreshViews(broker.id);
      } else if (now - (this.lastHeard.get(broker.id) ?? now) > this.brokerSessionTimeoutMs) {
        this.fence(broker.id);
      }
    }
    for (const partition of this.partitions()) if (partition.leader === -1) this.elect(partition, 'replica-returned');
  }

  private *partitions(): Generator<Partition> {
    for (const topic of this.cluster.topics.values()) yield* topic.partitions;
  }
}
