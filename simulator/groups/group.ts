// One consumer group under the classic rebalance protocol, as Kafka's GroupCoordinator runs it:
//
//   Empty ──join──► PreparingRebalance ──all joined / timeout──► CompletingRebalance ──leader syncs──► Stable
//                        ▲                                                                     │
//                        └────────── join with new protocols, leave, session timeout ──────────┘
//
// A join waits until every known member has rejoined (or the rebalance timeout removes those that
// did not); the leader then gets the member list and sends everyone's assignment through SyncGroup.

import { ErrorCode, type ErrorName } from '../protocol/errors.ts';
import { decodeSubscribedTopics } from './consumer-protocol.ts';
import type { StoredGroup } from './offsets-format.ts';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v4+: a new member first gets MEMBER_ID_REQUIRED and its id, then joins with it. */
  requireKnownMemberId: boolean;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  assignment: Buffer;
}

export interface Member {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: Protocol[];
  assignment: Buffer;
  awaitingJoin: ((result: JoinResult) => void) | null;
  awaitingSync: ((result: SyncResult) => void) | null;
  sessionTimer: NodeJS.Timeout | null;
}

export type GroupChange =
  | { change: 'member-joined'; memberId: string; clientId: string }
  | { change: 'member-left'; memberId: string; reason: 'leave' | 'session-timeout' | 'rebalance-timeout' }
  | { change: 'rebalance-started'; reason: string }
  | { change: 'rebalance-completed'; generationId: number; protocol: string | null; members: string[] }
  | { change: 'stable'; generationId: number };

export interface GroupSettings {
  initialRebalanceDelayMs: number;
  newMemberId(clientId: string): string;
  onChange(group: Group, change: GroupChange): void;
}

const EMPTY = Buffer.alloc(0);

const failedJoin = (error: ErrorName, memberId = ''): JoinResult => ({
  errorCode: ErrorCode[error],
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, expiring if the member never comes back. */
  private readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  private joinDeadline: NodeJS.Timeout | null = null;
  private initialDelay: NodeJS.Timeout | null = null;

  constructor(
    readonly groupId: string,
    private readonly settings: GroupSettings,
  ) {}

  // ---------------------------------------------------------------- JoinGroup

  join(req: JoinRequest): Promise<JoinResult> | JoinResult {
    if (this.state === 'Dead') return failedJoin('COORDINATOR_NOT_AVAILABLE', req.memberId);
    if (!this.supports(req.protocolType, req.protocols)) return failedJoin('INCONSISTENT_GROUP_PROTOCOL', req.memberId);

    if (req.memberId === '') {
      const memberId = this.settings.newMemberId(req.clientId);
      if (req.requireKnownMemberId) {
        this.pendingMembers.set(memberId, setTimeout(() => this.expirePending(memberId), req.sessionTimeoutMs));
        return failedJoin('MEMBER_ID_REQUIRED', memberId);
      }
      return this.addMemberAndRebalance(memberId, req);
    }

    const pending = this.pendingMembers.get(req.memberId);
    if (pending) {
      clearTimeout(pending);
      this.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(req.memberId, req);
    }

    const member = this.members.get(req.memberId);
    if (!member) return failedJoin('UNKNOWN_MEMBER_ID', req.memberId);
    const changed = !sameProtocols(member.protocols, req.protocols);
    Object.assign(member, {
      protocols: req.protocols,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      clientId: req.clientId,
      clientHost: req.clientHost,
    });
    switch (this.state) {
      case 'PreparingRebalance':
        return this.awaitJoin(member);
      case 'CompletingRebalance':
        if (!changed) return this.joinResultFor(member);
        this.prepareRebalance(`member ${member.memberId} rejoined with new protocols`);
        return this.awaitJoin(member);
      case 'Stable':
        if (!changed && member.memberId !== this.leaderId) return this.joinResultFor(member);
        this.prepareRebalance(`member ${member.memberId} rejoined`);
        return this.awaitJoin(member);
      default:
        return failedJoin('UNKNOWN_MEMBER_ID', req.memberId);
    }
  }

  private supports(protocolType: string, protocols: Protocol[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    return protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private addMemberAndRebalance(memberId: string, req: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: null,
      awaitingSync: null,
      sessionTimer: null,
    };
    if (this.members.size === 0) this.protocolType = req.protocolType;
    this.members.set(memberId, member);
    this.leaderId ??= memberId;
    this.settings.onChange(this, { change: 'member-joined', memberId, clientId: req.clientId });
    const joined = this.awaitJoin(member);
    if (this.state === 'PreparingRebalance') this.maybeCompleteJoin();
    else this.prepareRebalance(`member ${memberId} joined`);
    return joined;
  }

  private awaitJoin(member: Member): Promise<JoinResult> {
    return new Promise((resolve) => {
      member.awaitingJoin?.(failedJoin('UNKNOWN_MEMBER_ID', member.memberId));
      member.awaitingJoin = resolve;
      queueMicrotask(() => this.maybeCompleteJoin());
    });
  }

  private prepareRebalance(reason: string): void {
    if (this.state === 'CompletingRebalance') {
      // Members waiting for an assignment of the abandoned generation must rejoin.
      for (const member of this.members.values()) this.answerSync(member, { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    const wasEmpty = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    this.settings.onChange(this, { change: 'rebalance-started', reason });
    const rebalanceTimeout = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    this.clearJoinTimers();
    this.joinDeadline = setTimeout(() => this.completeJoin(), rebalanceTimeout);
    if (wasEmpty && this.settings.initialRebalanceDelayMs > 0) {
      this.initialDelay = setTimeout(() => {
        this.initialDelay = null;
        this.maybeCompleteJoin();
      }, Math.min(this.settings.initialRebalanceDelayMs, rebalanceTimeout));
    }
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.initialDelay) return;
    const allJoined = [...this.members.values()].every((m) => m.awaitingJoin) && this.pendingMembers.size === 0;
    if (allJoined) this.completeJoin();
  }

  private completeJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    this.clearJoinTimers();
    for (const member of [...this.members.values()]) {
      if (!member.awaitingJoin) this.removeMember(member, 'rebalance-timeout');
    }
    for (const [memberId, timer] of this.pendingMembers) {
      clearTimeout(timer);
      this.pendingMembers.delete(memberId);
    }
    this.generationId++;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = null;
      this.protocolType = null;
      this.leaderId = null;
      this.settings.onChange(this, { change: 'rebalance-completed', generationId: this.generationId, protocol: null, members: [] });
      return;
    }
    if (!this.leaderId || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!;
    this.protocolName = this.selectProtocol();
    this.state = 'CompletingRebalance';
    for (const member of this.members.values()) {
      const resolve = member.awaitingJoin!;
      member.awaitingJoin = null;
      this.scheduleSessionTimeout(member);
      resolve(this.joinResultFor(member));
    }
    this.settings.onChange(this, {
      change: 'rebalance-completed',
      generationId: this.generationId,
      protocol: this.protocolName,
      members: [...this.members.keys()],
    });
  }

  /** Each member votes for its most preferred protocol among those every member supports. */
  /** The topics the members of a consumer group read (their subscriptions); none for other protocol types. */
  subscribedTopics(): Set<string> {
    const topics = new Set<string>();
    if (this.protocolType !== 'consumer') return topics;
    for (const member of this.members.values()) {
      const metadata = member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? member.protocols[0]?.metadata;
      for (const topic of (metadata && decodeSubscribedTopics(metadata)) ?? []) topics.add(topic);
    }
    return topics;
  }

  private selectProtocol(): string {
    const members = [...this.members.values()];
    const candidates = members[0].protocols.map((p) => p.name).filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const member of members) {
      const choice = member.protocols.find((p) => votes.has(p.name))!.name;
      votes.set(choice, votes.get(choice)! + 1);
    }
    return [...votes.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
  }

  private joinResultFor(member: Member): JoinResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leader: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  // ---------------------------------------------------------------- SyncGroup

  sync(memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[]): Promise<SyncResult> | SyncResult {
    const fail = (error: ErrorName): SyncResult => ({ errorCode: ErrorCode[error], assignment: EMPTY });
    const member = this.members.get(memberId);
    if (!member) return fail('UNKNOWN_MEMBER_ID');
    if (generationId !== this.generationId) return fail('ILLEGAL_GENERATION');
    switch (this.state) {
      case 'PreparingRebalance':
        return fail('REBALANCE_IN_PROGRESS');
      case 'Stable':
        this.scheduleSessionTimeout(member);
        return { errorCode: ErrorCode.NONE, assignment: member.assignment };
      case 'CompletingRebalance': {
        this.scheduleSessionTimeout(member);
        const result = new Promise<SyncResult>((resolve) => {
          member.awaitingSync = resolve;
        });
        if (memberId === this.leaderId) {
          const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
          for (const m of this.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
          this.state = 'Stable';
          for (const m of this.members.values()) this.answerSync(m, { errorCode: ErrorCode.NONE, assignment: m.assignment });
          this.settings.onChange(this, { change: 'stable', generationId: this.generationId });
        }
        return result;
      }
      default:
        return fail('UNKNOWN_MEMBER_ID');
    }
  }

  private answerSync(member: Member, result: SyncResult): void {
    const resolve = member.awaitingSync;
    member.awaitingSync = null;
    resolve?.(result);
  }

  // ---------------------------------------------------------------- Heartbeat, LeaveGroup, commits

  heartbeat(memberId: string, generationId: number): ErrorName {
    const member = this.members.get(memberId);
    if (this.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    if (!member) return 'UNKNOWN_MEMBER_ID';
    if (generationId !== this.generationId) return 'ILLEGAL_GENERATION';
    this.scheduleSessionTimeout(member);
    return this.state === 'PreparingRebalance' ? 'REBALANCE_IN_PROGRESS' : 'NONE';
  }

  leave(memberId: string): ErrorName {
    const pending = this.pendingMembers.get(memberId);
    if (pending) {
      clearTimeout(pending);
      this.pendingMembers.delete(memberId);
      this.maybeCompleteJoin();
      return 'NONE';
    }
    const member = this.members.get(memberId);
    if (!member) return 'UNKNOWN_MEMBER_ID';
    this.removeAndRebalance(member, 'leave');
    return 'NONE';
  }

  /** Whether a member may commit offsets for this generation (OffsetCommit's group checks). */
  commitError(memberId: string, generationId: number): ErrorName {
    if (this.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
    if (generationId < 0 && this.state === 'Empty') return 'NONE'; // a consumer without a group membership
    const member = this.members.get(memberId);
    if (!member) return 'UNKNOWN_MEMBER_ID';
    if (generationId !== this.generationId) return 'ILLEGAL_GENERATION';
    // As in Kafka, a member of the current generation may still commit once a rebalance has begun
    // (consumers commit what they read before rejoining); only between join and sync is it refused.
    if (this.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS';
    this.scheduleSessionTimeout(member);
    return 'NONE';
  }

  // ---------------------------------------------------------------- stored in __consumer_offsets

  /** What the coordinator writes for this generation (Kafka's GroupMetadataValue): each member's chosen subscription and its assignment. */
  toStored(): StoredGroup {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: Date.now(),
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
        assignment: m.assignment,
      })),
    };
  }

  /**
   * A coordinator taking the group over loads it as last stored, as Kafka does: Stable in the stored
   * generation with its members (each knowing only its chosen protocol, and with a fresh session),
   * or Empty. Members heartbeat on with their ids and generation; nobody has to rejoin.
   */
  restore(stored: StoredGroup): void {
    this.generationId = stored.generation;
    if (stored.members.length === 0 || stored.protocol === null) return;
    this.protocolType = stored.protocolType;
    this.protocolName = stored.protocol;
    for (const m of stored.members) {
      const member: Member = {
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        sessionTimeoutMs: m.sessionTimeout,
        rebalanceTimeoutMs: m.rebalanceTimeout,
        protocols: [{ name: stored.protocol, metadata: m.subscription }],
        assignment: m.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        sessionTimer: null,
      };
      this.members.set(member.memberId, member);
      this.scheduleSessionTimeout(member);
    }
    this.leaderId = stored.leader !== null && this.members.has(stored.leader) ? stored.leader : this.members.keys().next().value!;
    this.state = 'Stable';
  }

  // ---------------------------------------------------------------- membership bookkeeping

  private scheduleSessionTimeout(member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      // A member parked in a join or sync is alive: the coordinator owes it an answer.
      if (member.awaitingJoin || member.awaitingSync) return this.scheduleSessionTimeout(member);
      if (this.members.get(member.memberId) === member) this.removeAndRebalance(member, 'session-timeout');
    }, member.sessionTimeoutMs);
  }

  private removeAndRebalance(member: Member, reason: 'leave' | 'session-timeout'): void {
    this.removeMember(member, reason);
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance(`member ${member.memberId} left (${reason})`);
    this.maybeCompleteJoin();
  }

  private removeMember(member: Member, reason: 'leave' | 'session-timeout' | 'rebalance-timeout'): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    this.members.delete(member.memberId);
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
    member.awaitingJoin?.(failedJoin('UNKNOWN_MEMBER_ID', member.memberId));
    member.awaitingJoin = null;
    this.answerSync(member, { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    this.settings.onChange(this, { change: 'member-left', memberId: member.memberId, reason });
  }

  private expirePending(memberId: string): void {
    this.pendingMembers.delete(memberId);
    this.maybeCompleteJoin();
  }

  private clearJoinTimers(): void {
    if (this.joinDeadline) clearTimeout(this.joinDeadline);
    if (this.initialDelay) clearTimeout(this.initialDelay);
    this.joinDeadline = this.initialDelay = null;
  }

  /** Stops every timer and answers every parked request: the coordinator is going away. */
  shutdown(): void {
    this.clearJoinTimers();
    for (const timer of this.pendingMembers.values()) clearTimeout(timer);
    this.pendingMembers.clear();
    for (const member of this.members.values()) {
      if (member.sessionTimer) clearTimeout(member.sessionTimer);
      member.awaitingJoin?.(failedJoin('NOT_COORDINATOR', member.memberId));
      member.awaitingJoin = null;
      this.answerSync(member, { errorCode: ErrorCode.NOT_COORDINATOR, assignment: EMPTY });
    }
    this.state = 'Dead';
  }
}

function sameProtocols(a: Protocol[], b: Protocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata));
}
