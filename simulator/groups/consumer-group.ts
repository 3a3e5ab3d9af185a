// A consumer group under the consumer rebalance protocol (KIP-848, `group.protocol=consumer`):
// the coordinator assigns the partitions itself, and members converge on it by heartbeating, one
// step at a time, without stopping the group. As Kafka's GroupMetadataManager runs it:
//
// - The group epoch moves whenever membership, a subscription or a subscribed topic's partitions
//   change; the target assignment is computed for it (uniform or range assignor).
// - A member moves to the new epoch only once it owns nothing the target takes from it: until then
//   its assignment is what it owns of its target (so it revokes the rest), and partitions another
//   member still owns are held back from their new owner until released.
// - A member that stops heartbeating for the session timeout is removed, as is one that leaves
//   (epoch -1, or -2 for a static member).

import { KafkaError } from '../protocol/errors.ts';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

/** topic name → partitions */
export type TopicPartitions = Map<string, Set<number>>;

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  previousMemberEpoch: number;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** What the member said it owns, in its last heartbeat that said so. */
  owned: TopicPartitions;
  /** What it was last told to own. */
  assigned: TopicPartitions;
  sessionTimer: NodeJS.Timeout | null;
}

export interface HeartbeatRequest {
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  /** null: unchanged since the last heartbeat. */
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** null: unchanged. */
  owned: TopicPartitions | null;
  clientId: string;
  clientHost: string;
}

export interface HeartbeatResult {
  memberId: string;
  memberEpoch: number;
  /** The partitions the member is to own now, when that changed (or it just joined); else null. */
  assignment: TopicPartitions | null;
}

export interface ConsumerGroupSettings {
  sessionTimeoutMs: number;
  /** The partition counts of the topics that exist; which topics a regex subscribes to. */
  topics: () => Map<string, number>;
  newMemberId: () => string;
  onChange: (group: ConsumerGroup, change: string) => void;
}

export const ASSIGNORS = ['uniform', 'range'] as const;
const LEAVE = -1;
const STATIC_LEAVE = -2;

const copy = (partitions: TopicPartitions): TopicPartitions => new Map([...partitions].map(([t, ps]) => [t, new Set(ps)]));
const count = (partitions: TopicPartitions) => [...partitions.values()].reduce((n, ps) => n + ps.size, 0);
const same = (a: TopicPartitions, b: TopicPartitions) =>
  count(a) === count(b) && [...a].every(([topic, ps]) => [...ps].every((p) => b.get(topic)?.has(p)));
const minus = (a: TopicPartitions, b: TopicPartitions): TopicPartitions =>
  new Map([...a].map(([t, ps]) => [t, new Set([...ps].filter((p) => !b.get(t)?.has(p)))] as const).filter(([, ps]) => ps.size > 0));
const intersect = (a: TopicPartitions, b: TopicPartitions): TopicPartitions =>
  new Map([...a].map(([t, ps]) => [t, new Set([...ps].filter((p) => b.get(t)?.has(p)))] as const).filter(([, ps]) => ps.size > 0));

export class ConsumerGroup {
  readonly members = new Map<string, ConsumerMember>();
  groupEpoch = 0;
  assignmentEpoch = 0;
  /** The assignor the members asked for (the first member's choice wins, as a server default would). */
  assignorName = 'uniform';
  private target = new Map<string, TopicPartitions>();
  /** The partition counts of the subscribed topics when the target was computed. */
  private subscribedMetadata = '';
  readonly groupId: string;
  private readonly settings: ConsumerGroupSettings;

  constructor(groupId: string, settings: ConsumerGroupSettings) {
    this.groupId = groupId;
    this.settings = settings;
  }

  /**
   * Whether an offset commit (or fetch) from `memberId` at `memberEpoch` is accepted: an unknown
   * member is UNKNOWN_MEMBER_ID, an older epoch STALE_MEMBER_EPOCH, a newer one FENCED_MEMBER_EPOCH.
   * A commit from outside the group (no member id, epoch -1) is accepted while the group is empty.
   */
  memberError(memberId: string, memberEpoch: number): 'NONE' | 'UNKNOWN_MEMBER_ID' | 'STALE_MEMBER_EPOCH' | 'FENCED_MEMBER_EPOCH' {
    if (memberId === '' && memberEpoch < 0) return this.members.size === 0 ? 'NONE' : 'UNKNOWN_MEMBER_ID';
    const member = this.members.get(memberId);
    if (!member) return 'UNKNOWN_MEMBER_ID';
    if (memberEpoch < member.memberEpoch) return 'STALE_MEMBER_EPOCH';
    if (memberEpoch > member.memberEpoch) return 'FENCED_MEMBER_EPOCH';
    return 'NONE';
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    // Reconciling while a member is behind the target: on an older epoch, or still waiting for partitions.
    for (const m of this.members.values()) if (m.memberEpoch !== this.assignmentEpoch || !same(m.assigned, this.targetOf(m.memberId))) return 'Reconciling';
    return 'Stable';
  }

  targetOf(memberId: string): TopicPartitions {
    return this.target.get(memberId) ?? new Map();
  }

  heartbeat(req: HeartbeatRequest): HeartbeatResult {
    if (req.serverAssignor !== null && !(ASSIGNORS as readonly string[]).includes(req.serverAssignor)) {
      throw new KafkaError('UNSUPPORTED_ASSIGNOR', `Server assignor ${req.serverAssignor} is not supported. Supported assignors: ${ASSIGNORS.join(', ')}.`);
    }
    if (req.memberEpoch === LEAVE || req.memberEpoch === STATIC_LEAVE) return this.leave(req.memberId, req.memberEpoch);
    const member = this.memberFor(req);
    if (req.subscribedTopicNames !== null && req.subscribedTopicNames.join('\0') !== member.subscribedTopicNames.join('\0')) {
      member.subscribedTopicNames = [...req.subscribedTopicNames];
      this.bumpEpoch(`member ${member.memberId} subscribed to ${member.subscribedTopicNames.join(',') || 'nothing'}`);
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== member.subscribedTopicRegex) {
      member.subscribedTopicRegex = req.subscribedTopicRegex || null;
      this.bumpEpoch(`member ${member.memberId} subscribed to /${member.subscribedTopicRegex}/`);
    }
    if (req.owned !== null) member.owned = req.owned;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    this.scheduleSessionTimeout(member);
    this.refreshTarget();
    return this.reconcile(member);
  }

  /** The member the heartbeat comes from: a new one for epoch 0, a known one (with its epoch checked) otherwise. */
  private memberFor(req: HeartbeatRequest): ConsumerMember {
    if (req.memberEpoch === 0) {
      // v1+ clients choose their member id; v0 ones leave it to the coordinator.
      const memberId = req.memberId || this.settings.newMemberId();
      const existing = this.members.get(memberId);
      if (existing) {
        // A member rejoining from scratch (it lost its assignment) starts over at epoch 0.
        existing.memberEpoch = 0;
        existing.assigned = new Map();
        return existing;
      }
      const member: ConsumerMember = {
        memberId,
        instanceId: req.instanceId,
        rackId: req.rackId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        memberEpoch: 0,
        previousMemberEpoch: -1,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        subscribedTopicNames: [],
        subscribedTopicRegex: null,
        serverAssignor: req.serverAssignor,
        owned: new Map(),
        assigned: new Map(),
        sessionTimer: null,
      };
      if (this.members.size === 0 && req.serverAssignor) this.assignorName = req.serverAssignor;
      this.members.set(memberId, member);
      this.bumpEpoch(`member ${memberId} joined`);
      this.settings.onChange(this, `member ${memberId} joined`);
      return member;
    }
    const member = this.members.get(req.memberId);
    if (!member) throw new KafkaError('UNKNOWN_MEMBER_ID', `Member ${req.memberId} is not a member of group ${this.groupId}.`);
    if (req.memberEpoch > member.memberEpoch) {
      throw new KafkaError('FENCED_MEMBER_EPOCH', `The consumer group member has a greater member epoch (${req.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
    }
    // The previous epoch is accepted, as Kafka does, from a member that missed the answer moving it
    // on: one that says what it owns, and owns nothing beyond what it is assigned now.
    const missedTheAnswer = req.memberEpoch === member.previousMemberEpoch && req.owned !== null && minus(req.owned, member.assigned).size === 0;
    if (req.memberEpoch < member.memberEpoch && !missedTheAnswer) {
      throw new KafkaError('FENCED_MEMBER_EPOCH', `The consumer group member has a smaller member epoch (${req.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
    }
    return member;
  }

  private leave(memberId: string, epoch: number): HeartbeatResult {
    const member = this.members.get(memberId);
    if (member) this.remove(member, 'left');
    return { memberId, memberEpoch: epoch, assignment: null };
  }

  private remove(member: ConsumerMember, why: string): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    this.members.delete(member.memberId);
    this.target.delete(member.memberId);
    this.bumpEpoch(`member ${member.memberId} ${why}`);
    this.refreshTarget();
    this.settings.onChange(this, `member ${member.memberId} ${why}`);
  }

  /** Moves the group epoch on, once for all the changes one heartbeat (or one removal) brings, as Kafka does. */
  private bumpEpoch(reason: string): void {
    if (this.groupEpoch === this.assignmentEpoch) this.groupEpoch++;
    this.settings.onChange(this, `epoch ${this.groupEpoch}: ${reason}`);
  }

  /** The topics a member reads: those it names, and those its regex matches whole. */
  private subscriptionOf(member: ConsumerMember, existing: Map<string, number>): string[] {
    const topics = new Set(member.subscribedTopicNames.filter((t) => existing.has(t)));
    if (member.subscribedTopicRegex) {
      let pattern: RegExp;
      try {
        pattern = new RegExp(`^(?:${member.subscribedTopicRegex})$`);
      } catch {
        throw new KafkaError('INVALID_REGULAR_EXPRESSION', `Invalid regular expression ${member.subscribedTopicRegex}.`);
      }
      for (const topic of existing.keys()) if (!topic.startsWith('__') && pattern.test(topic)) topics.add(topic);
    }
    return [...topics].sort();
  }

  /** Computes a new target assignment when the group epoch moved, or when subscribed topics changed. */
  private refreshTarget(): void {
    const existing = this.settings.topics();
    const subscriptions = new Map([...this.members.values()].map((m) => [m.memberId, this.subscriptionOf(m, existing)]));
    const metadata = [...new Set([...subscriptions.values()].flat())].sort().map((t) => `${t}:${existing.get(t)}`).join(',');
    if (metadata !== this.subscribedMetadata) {
      this.subscribedMetadata = metadata;
      this.bumpEpoch('the subscribed topics changed');
    }
    if (this.groupEpoch === this.assignmentEpoch) return;
    this.target = this.assignorName === 'range' ? assignRange(subscriptions, existing) : assignUniform(subscriptions, existing, this.target);
    this.assignmentEpoch = this.groupEpoch;
  }

  private reconcile(member: ConsumerMember): HeartbeatResult {
    const target = this.targetOf(member.memberId);
    const before = { epoch: member.memberEpoch, assigned: member.assigned };
    const toRevoke = minus(member.owned, target);
    if (member.memberEpoch !== this.assignmentEpoch) {
      if (toRevoke.size > 0 && member.memberEpoch > 0) {
        // Unrevoked partitions: keep the epoch, and let the member give up what the target takes.
        member.assigned = intersect(member.owned, target);
      } else {
        member.previousMemberEpoch = member.memberEpoch;
        member.memberEpoch = this.assignmentEpoch;
      }
    }
    if (member.memberEpoch === this.assignmentEpoch) {
      // Unreleased partitions: what another member still owns comes once it has let go.
      const ownedByOthers: TopicPartitions = new Map();
      for (const other of this.members.values()) {
        if (other === member) continue;
        for (const [topic, ps] of other.owned) for (const p of ps) if (target.get(topic)?.has(p)) (ownedByOthers.get(topic) ?? ownedByOthers.set(topic, new Set()).get(topic)!).add(p);
      }
      member.assigned = minus(target, ownedByOthers);
    }
    const changed = before.epoch !== member.memberEpoch || !same(before.assigned, member.assigned);
    return { memberId: member.memberId, memberEpoch: member.memberEpoch, assignment: changed ? copy(member.assigned) : null };
  }

  private scheduleSessionTimeout(member: ConsumerMember): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      if (this.members.get(member.memberId) === member) this.remove(member, 'timed out');
    }, this.settings.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  shutdown(): void {
    for (const member of this.members.values()) if (member.sessionTimer) clearTimeout(member.sessionTimer);
  }
}

/**
 * Kafka's UniformAssignor, homogeneous or not: every member gets an equal share (±1) of the
 * partitions of the topics it subscribes to, keeping what it had where that stays balanced.
 */
function assignUniform(subscriptions: Map<string, string[]>, topics: Map<string, number>, previous: Map<string, TopicPartitions>): Map<string, TopicPartitions> {
  const result = new Map<string, TopicPartitions>([...subscriptions.keys()].map((id) => [id, new Map()]));
  const load = new Map<string, number>([...subscriptions.keys()].map((id) => [id, 0]));
  const give = (memberId: string, topic: string, partition: number) => {
    const mine = result.get(memberId)!;
    (mine.get(topic) ?? mine.set(topic, new Set()).get(topic)!).add(partition);
    load.set(memberId, load.get(memberId)! + 1);
  };
  const allTopics = [...new Set([...subscriptions.values()].flat())].sort();
  const partitions = allTopics.flatMap((topic) => Array.from({ length: topics.get(topic) ?? 0 }, (_, p) => ({ topic, partition: p })));
  const eligible = (topic: string) => [...subscriptions].filter(([, ts]) => ts.includes(topic)).map(([id]) => id).sort();
  // Each member's fair share of what it can take.
  const quota = new Map<string, number>();
  for (const id of subscriptions.keys()) quota.set(id, 0);
  partitions.forEach(({ topic }, i) => {
    const candidates = eligible(topic);
    const id = candidates.reduce((best, c) => (quota.get(c)! < quota.get(best)! ? c : best), candidates[i % candidates.length]);
    quota.set(id, quota.get(id)! + 1);
  });
  const unassigned: { topic: string; partition: number }[] = [];
  for (const { topic, partition } of partitions) {
    const keeper = [...previous].find(([id, owned]) => subscriptions.get(id)?.includes(topic) && owned.get(topic)?.has(partition) && load.get(id)! < quota.get(id)!);
    if (keeper) give(keeper[0], topic, partition);
    else unassigned.push({ topic, partition });
  }
  for (const { topic, partition } of unassigned) {
    const candidates = eligible(topic);
    const id = candidates.reduce((best, c) => (load.get(c)! - quota.get(c)! < load.get(best)! - quota.get(best)! ? c : best));
    give(id, topic, partition);
  }
  return result;
}

/** Kafka's RangeAssignor: per topic, contiguous ranges to its subscribers in member id order. */
function assignRange(subscriptions: Map<string, string[]>, topics: Map<string, number>): Map<string, TopicPartitions> {
  const result = new Map<string, TopicPartitions>([...subscriptions.keys()].map((id) => [id, new Map()]));
  for (const topic of [...new Set([...subscriptions.values()].flat())].sort()) {
    const members = [...subscriptions].filter(([, ts]) => ts.includes(topic)).map(([id]) => id).sort();
    const n = topics.get(topic) ?? 0;
    const base = Math.floor(n / members.length);
    const extra = n % members.length;
    let next = 0;
    members.forEach((id, i) => {
      const size = base + (i < extra ? 1 : 0);
      if (size > 0) result.get(id)!.set(topic, new Set(Array.from({ length: size }, (_, k) => next + k)));
      next += size;
    });
  }
  return result;
}
