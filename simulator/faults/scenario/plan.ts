// Planning a scenario: the timeline it will run, worked out before anything runs. Random steps
// draw their times, kinds and brokers from the seed, tracking which brokers are up, paused or down
// and whether the network is split, so each fault makes sense when it fires. The same seed and
// the same cluster give the same timeline: a student can replay the exact run an instructor saw.

import { Random } from '../../cluster/random.ts';
import { ScenarioError, stepPlace, type RandomKind, type Scenario, type ScenarioAction } from './parse.ts';

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
export function planScenario(scenario: Scenario, brokers: { id: number; state: BrokerState }[], seed: number): PlannedStep[] {
  const ids = brokers.map((b) => b.id);
  const problems: string[] = [];
  for (const step of scenario.steps) {
    for (const id of brokerIdsIn(step.action)) {
      if (!ids.includes(id)) problems.push(`${stepPlace(scenario, step)}: no broker ${id}; the cluster has brokers ${ids.join(', ')}`);
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  const random = new Random(seed);
  type Slot = { atMs: number; step: number; action?: ScenarioAction; kinds?: RandomKind[] };
  const slots: Slot[] = [];
  for (const step of scenario.steps) {
    if (step.action) slots.push({ atMs: step.atMs, step: step.index, action: step.action });
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
    planned.push({ atMs: slot.atMs, step: slot.step, random: !slot.action, action, text: describeAction(action) });
  }
  return planned;
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
