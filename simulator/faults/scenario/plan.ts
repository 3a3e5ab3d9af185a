// Planning a scenario: the timeline it will run, worked out before anything runs. Random steps
// draw their times, kinds and brokers from the seed, tracking which brokers are up, paused or down
// and whether the network is split, so each fault makes sense when it fires. The same seed and
// the same cluster give the same timeline: a student can replay the exact run an instructor saw.

import { Random } from '../../cluster/random.ts';
import type { ClusterSnapshot } from '../../introspection/snapshot.ts';
import { BROKER_ROLE, ScenarioError, stepPlace, type BrokerTarget, type RandomKind, type Scenario, type ScenarioAction } from './parse.ts';

/** A step of the timeline, planned before the run. */
export interface PlannedStep {
  atMs: number;
  /** The file's step it comes from. */
  step: number;
  /** Drawn by a "random" step. */
  random: boolean;
  action: ScenarioAction;
  /** "kill broker 2", for people. */
  text: string;
}

export type BrokerState = 'up' | 'paused' | 'down';

/** What the planner tracks of the cluster while it walks the timeline, to pick sensible random faults. */
interface PlanState {
  brokers: Map<number, BrokerState>;
  split: boolean;
}

/**
 * Turns a scenario into the timeline it will run, against brokers in the given states: every
 * broker id checked, every random step drawn (times, kinds, brokers) from `seed`.
 */
export function planScenario(scenario: Scenario, brokers: { id: number; state: BrokerState }[], seed: number, roles: RoleResolver = noRoles): PlannedStep[] {
  const ids = brokers.map((b) => b.id);
  const problems: string[] = [];
  type Resolved = { action: ScenarioAction; role?: string };
  const resolvedSteps = new Map<number, Resolved[]>();
  for (const step of scenario.steps) {
    if (!step.action) continue;
    const resolved = resolveRoles(step.action, roles);
    if ('problem' in resolved) {
      problems.push(`${stepPlace(scenario, step)}: ${resolved.problem}`);
      continue;
    }
    resolvedSteps.set(step.index, resolved.actions);
    for (const { action } of resolved.actions) {
      for (const id of brokerIdsIn(action)) {
        if (!ids.includes(id)) problems.push(`${stepPlace(scenario, step)}: no broker ${id}; the cluster has brokers ${ids.join(', ')}`);
      }
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const random = new Random(seed);
  type Slot = { atMs: number; step: number; action?: ScenarioAction; role?: string; kinds?: RandomKind[] };
  const slots: Slot[] = [];
  for (const step of scenario.steps) {
    if (step.action) for (const { action, role } of resolvedSteps.get(step.index)!) slots.push({ atMs: step.atMs, step: step.index, action, role });
    else {
      const { count, kinds, withinMs } = step.random!;
      const times = Array.from({ length: count }, () => step.atMs + random.int(withinMs + 1)).sort((a, b) => a - b);
      for (const atMs of times) slots.push({ atMs, step: step.index, kinds });
    }
  }
  slots.sort((a, b) => a.atMs - b.atMs || a.step - b.step); // stable: same time keeps file order

  const state: PlanState = { brokers: new Map(brokers.map((b) => [b.id, b.state])), split: false };
  const planned: PlannedStep[] = [];
  for (const slot of slots) {
    const action = slot.action ?? drawFault(slot.kinds!, state, random);
    if (!action) continue; // nothing of those kinds applies at that moment
    apply(action, state);
    const text = describeAction(action) + (slot.role ? ` (${slot.role})` : '');
    planned.push({ atMs: slot.atMs, step: slot.step, random: !slot.action, action, text });
  }
  return planned;
}

/** The brokers a role names right now ("leader of orders[0]" → [2]), or why it names none. */
export type RoleResolver = (role: string) => number[] | { problem: string };

const noRoles: RoleResolver = (role) => ({ problem: `"${role}": roles need the cluster's state to be planned against` });

/** Roles resolved against a snapshot of the cluster: partition leaders and followers, group coordinators. */
export function rolesIn(snapshot: Pick<ClusterSnapshot, 'topics' | 'groups'>): RoleResolver {
  return (role) => {
    const found = BROKER_ROLE.exec(role);
    if (!found) return { problem: `"${role}" is not a role` };
    const [, kind, topic, index, group] = found;
    if (group !== undefined) {
      const g = snapshot.groups.find((x) => x.groupId === group);
      return g && g.coordinator >= 0 ? [g.coordinator] : { problem: `"${role}": no group ${group} yet` };
    }
    const p = snapshot.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partition === Number(index));
    if (!p) return { problem: `"${role}": no partition ${topic}[${index}]` };
    if (kind === 'leader') return p.leader >= 0 ? [p.leader] : { problem: `"${role}": ${topic}[${index}] has no leader` };
    const followers = p.replicas.filter((id) => id !== p.leader);
    if (followers.length === 0) return { problem: `"${role}": ${topic}[${index}] has no followers (replication factor 1)` };
    return kind === 'follower' ? followers.slice(0, 1) : followers;
  };
}

/** An action with its roles replaced by broker ids: one action per broker a broker role names. */
function resolveRoles(action: ScenarioAction<BrokerTarget>, roles: RoleResolver): { actions: { action: ScenarioAction; role?: string }[] } | { problem: string } {
  const ids = (target: BrokerTarget | 'clients'): (number | 'clients')[] | { problem: string } => (typeof target === 'number' || target === 'clients' ? [target] : roles(target));
  if (action.kind === 'partition') {
    const sides: (number | 'clients')[][] = [];
    for (const side of action.sides) {
      const resolved = side.map(ids);
      const failed = resolved.find((r) => 'problem' in r);
      if (failed) return failed as { problem: string };
      sides.push([...new Set(resolved.flat() as (number | 'clients')[])]);
    }
    const named = action.sides.flat().filter((t) => typeof t === 'string' && t !== 'clients');
    return { actions: [{ action: { kind: 'partition', sides: [sides[0], sides[1]] }, role: named.length > 0 ? named.join(', ') : undefined }] };
  }
  if (!('brokerId' in action) || action.brokerId === undefined || typeof action.brokerId === 'number') return { actions: [{ action: action as ScenarioAction }] };
  const resolved = roles(action.brokerId);
  if ('problem' in resolved) return resolved;
  const role = action.brokerId;
  return { actions: resolved.map((brokerId) => ({ action: { ...action, brokerId } as ScenarioAction, role })) };
}

function brokerIdsIn(action: ScenarioAction | undefined): number[] {
  if (!action) return [];
  if ('brokerId' in action && action.brokerId !== undefined) return [action.brokerId];
  if (action.kind === 'partition') return action.sides.flat().filter((n): n is number => n !== 'clients');
  if (action.kind === 'latency' || action.kind === 'throttle') {
    const id = action.kind === 'latency' ? action.latency.brokerId : action.throttle.brokerId;
    return id === undefined ? [] : [id];
  }
  return [];
}

const pick = <T>(items: T[], random: Random): T => items[random.int(items.length)];

/** A random fault of one of `kinds` that makes sense now; never the last running broker stopped. */
function drawFault(kinds: RandomKind[], state: PlanState, random: Random): ScenarioAction | null {
  const inState = (s: BrokerState) => [...state.brokers].filter(([, st]) => st === s).map(([id]) => id);
  const up = inState('up');
  const candidates: Record<RandomKind, number[] | null> = {
    kill: up.length >= 2 ? up : null,
    stop: up.length >= 2 ? up : null,
    pause: up.length >= 2 ? up : null,
    restart: inState('down').length > 0 ? inState('down') : null,
    resume: inState('paused').length > 0 ? inState('paused') : null,
    split: state.brokers.size >= 2 ? [] : null,
    heal: state.split ? [] : null,
  };
  const possible = kinds.filter((kind) => candidates[kind] !== null);
  if (possible.length === 0) return null;
  const kind = pick(possible, random);
  if (kind === 'heal') return { kind: 'heal' };
  if (kind === 'split') {
    const shuffled = [...state.brokers.keys()];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const cut = 1 + random.int(shuffled.length - 1);
    const side = (ids: number[]) => ids.sort((a, b) => a - b);
    return { kind: 'partition', sides: [side(shuffled.slice(0, cut)), side(shuffled.slice(cut))] };
  }
  return { kind, brokerId: pick(candidates[kind]!, random) };
}

function apply(action: ScenarioAction, state: PlanState): void {
  const set = (id: number, from: BrokerState[], to: BrokerState) => {
    if (from.includes(state.brokers.get(id)!)) state.brokers.set(id, to);
  };
  switch (action.kind) {
    case 'kill':
    case 'stop':
      return set(action.brokerId, ['up', 'paused'], 'down');
    case 'restart':
      return set(action.brokerId, ['down', 'paused'], 'up');
    case 'pause':
      return set(action.brokerId, ['up'], 'paused');
    case 'resume':
      return set(action.brokerId, ['paused'], 'up');
    case 'partition':
      state.split = true;
      return;
    case 'heal':
      state.split = false;
      return;
  }
}

/** A short account of an action, for people. */
export function describeAction(action: ScenarioAction): string {
  const on = (brokerId: number | undefined) => (brokerId === undefined ? 'every broker' : `broker ${brokerId}`);
  switch (action.kind) {
    case 'kill':
    case 'stop':
    case 'restart':
    case 'pause':
    case 'resume':
      return `${action.kind} broker ${action.brokerId}`;
    case 'diskFull':
      return `disk full on broker ${action.brokerId}`;
    case 'diskFree':
      return `disk freed on broker ${action.brokerId}`;
    case 'partition':
      return `split [${action.sides[0].join(',')}] from [${action.sides[1].join(',')}]`;
    case 'heal':
      return 'heal the network';
    case 'rule': {
      const { name, match = {}, action: effect, times } = action.rule;
      const matched = Object.entries(match).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`).join(' ');
      const what = Object.entries(effect).map(([k, v]) => (v === true ? k : `${k}=${v}`)).join(' ');
      return `rule${name ? ` "${name}"` : ''}: ${matched || 'every request'} -> ${what}${times ? ` x${times}` : ''}`;
    }
    case 'removeRule':
      return `remove rule "${action.name}"`;
    case 'clearRules':
      return 'remove every rule';
    case 'latency':
      return `latency ${action.latency.ms}ms${action.latency.jitterMs ? ` +0..${action.latency.jitterMs}ms` : ''} on ${on(action.latency.brokerId)}`;
    case 'clearLatency':
      return 'no more latency';
    case 'throttle':
      return action.throttle.ms === 0 ? `no more throttling on ${on(action.throttle.brokerId)}` : `throttle ${action.throttle.ms}ms on ${on(action.throttle.brokerId)}`;
    case 'dropConnections':
      return `drop connections${action.clientId !== undefined ? ` of ${action.clientId}` : ''} to ${on(action.brokerId)}`;
  }
}
