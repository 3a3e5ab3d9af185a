// Scenario files: timed steps of faults and heals, written as JSON, run against a cluster.
//
//   { "seed": 7, "steps": [
//       { "at": "2s", "kill": 1 },
//       { "at": "5s", "restart": 1 },
//       { "at": "6s", "partition": [[1], [2, 3]] },
//       { "at": "9s", "heal": true },
//       { "at": "3s", "random": { "count": 5, "kinds": ["kill", "restart", "split"], "within": "20s" } } ] }
//
// Checking a scenario names every problem with its step (and line, when read from text). Planning
// turns it into a timeline of concrete actions before anything runs: random steps draw their
// times, kinds and brokers from the seed, so the same seed (and the same cluster) gives the same
// timeline, and a student can replay the exact run an instructor saw.

import type { Cluster } from '../cluster/cluster.ts';
import { Random } from '../cluster/random.ts';
import type { LatencyOptions, ThrottleOptions } from './index.ts';
import type { NetworkNode } from './network.ts';
import { checkFaultRule, type FaultRuleInput } from './rules.ts';

export type RandomKind = 'kill' | 'stop' | 'restart' | 'pause' | 'resume' | 'split' | 'heal';
const RANDOM_KINDS: RandomKind[] = ['kill', 'stop', 'restart', 'pause', 'resume', 'split', 'heal'];

/** One concrete thing a scenario does. */
export type ScenarioAction =
  | { kind: 'kill' | 'stop' | 'restart' | 'pause' | 'resume' | 'diskFull' | 'diskFree'; brokerId: number }
  | { kind: 'partition'; sides: [NetworkNode[], NetworkNode[]] }
  | { kind: 'heal' }
  | { kind: 'rule'; rule: FaultRuleInput }
  | { kind: 'removeRule'; name: string }
  | { kind: 'clearRules' }
  | { kind: 'latency'; latency: LatencyOptions }
  | { kind: 'clearLatency' }
  | { kind: 'throttle'; throttle: ThrottleOptions }
  | { kind: 'dropConnections'; brokerId?: number; clientId?: string };

export interface RandomFaults {
  count: number;
  kinds: RandomKind[];
  withinMs: number;
}

/** A checked step: when (ms after the start), and one action or a burst of random faults. */
export interface ScenarioStep {
  atMs: number;
  /** Its place in the file: index in "steps", and line when read from text. */
  index: number;
  line?: number;
  note?: string;
  action?: ScenarioAction;
  random?: RandomFaults;
}

export interface Scenario {
  /** Where it came from (a file name), for problems found when planning. */
  source?: string;
  seed?: number;
  description?: string;
  steps: ScenarioStep[];
}

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

export interface TimelineEntry extends PlannedStep {
  /** When it actually fired, in ms after the start. */
  firedAtMs: number;
  /** "done", or why it failed. */
  outcome: string;
}

export interface ScenarioRun {
  seed: number;
  timeline: TimelineEntry[];
  /** False when the run was stopped (signal) before its last step. */
  completed: boolean;
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

type ScenarioCluster = Pick<
  Cluster,
  | 'killBroker' | 'stopBroker' | 'restartBroker' | 'pauseBroker' | 'resumeBroker' | 'partition' | 'heal' | 'addFaultRule' | 'removeFaultRule'
  | 'clearFaultRules' | 'latency' | 'clearLatency' | 'throttle' | 'dropConnections' | 'diskFull' | 'describe'
>;

// ---------------------------------------------------------------- reading and checking

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isBrokerId = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const isMs = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x7fffffff;
const show = (value: unknown) => JSON.stringify(value) ?? String(value);

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "250ms", "2s", "1.5s", "1m", or a number of milliseconds; null if it is none of those. */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : null;
  if (typeof value !== 'string') return null;
  const found = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\s*$/.exec(value);
  return found ? Math.round(Number(found[1]) * UNITS[found[2]]) : null;
}

/** 2000 → "2s", 1500 → "1.5s", 250 → "250ms". */
export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const BROKER_ACTIONS = ['kill', 'stop', 'restart', 'pause', 'resume', 'diskFull', 'diskFree'] as const;
const ACTION_KEYS = [...BROKER_ACTIONS, 'partition', 'heal', 'rule', 'removeRule', 'clearRules', 'latency', 'clearLatency', 'throttle', 'dropConnections', 'random'];
const STEP_KEYS = ['at', 'note', ...ACTION_KEYS];

/** Parses a scenario file's text (JSON); problems name their step and line. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError([`${source}: not valid JSON: ${(error as Error).message}`]);
  }
  return checkScenario(value, { source, lines: stepLines(text) });
}

/** Checks a scenario given as a value (parsed JSON, or built in code). */
export function checkScenario(value: unknown, { source = 'scenario', lines = [] as number[] } = {}): Scenario {
  const problems: string[] = [];
  if (!isObject(value)) throw new ScenarioError([`${source}: expected an object like {"seed": 7, "steps": [...]}, got ${show(value)}`]);
  for (const key of Object.keys(value)) {
    if (!['seed', 'description', 'steps'].includes(key)) problems.push(`${source}: "${key}" is not a scenario field; expected seed, description, steps`);
  }
  if (value.seed !== undefined && !(Number.isInteger(value.seed) && (value.seed as number) >= 0 && (value.seed as number) < 2 ** 32)) {
    problems.push(`${source}: "seed" must be a whole number from 0 to ${2 ** 32 - 1}, got ${show(value.seed)}`);
  }
  if (value.description !== undefined && typeof value.description !== 'string') problems.push(`${source}: "description" must be a string`);
  if (!Array.isArray(value.steps)) {
    problems.push(`${source}: "steps" must be a list of steps like {"at": "2s", "kill": 1}, got ${show(value.steps)}`);
    throw new ScenarioError(problems);
  }
  const steps = value.steps.map((raw, index) => {
    const where = `${source}: steps[${index}]${lines[index] ? ` (line ${lines[index]})` : ''}`;
    return checkStep(raw, index, lines[index], (text) => problems.push(`${where}: ${text}`));
  });
  if (problems.length > 0) throw new ScenarioError(problems);
  return {
    source,
    ...(value.seed !== undefined && { seed: value.seed as number }),
    ...(value.description !== undefined && { description: value.description as string }),
    steps: steps as ScenarioStep[],
  };
}

function checkStep(raw: unknown, index: number, line: number | undefined, problem: (text: string) => void): ScenarioStep | null {
  if (!isObject(raw)) {
    problem(`expected a step like {"at": "2s", "kill": 1}, got ${show(raw)}`);
    return null;
  }
  for (const key of Object.keys(raw)) if (!STEP_KEYS.includes(key)) problem(`"${key}" is not a step field; expected "at", an optional "note", and one of ${ACTION_KEYS.join(', ')}`);
  const atMs = parseDuration(raw.at);
  if (atMs === null) problem(`"at" must be a time after the start like "2s", "500ms" or "1m" (or a number of ms), got ${show(raw.at)}`);
  if (raw.note !== undefined && typeof raw.note !== 'string') problem(`"note" must be a string`);
  const present = ACTION_KEYS.filter((key) => raw[key] !== undefined);
  if (present.length !== 1) {
    problem(present.length === 0 ? `no action; expected one of ${ACTION_KEYS.join(', ')}` : `${present.join(' and ')} in one step; give each its own step`);
    return null;
  }
  const key = present[0];
  const step = { atMs: atMs ?? 0, index, ...(line !== undefined && { line }), ...(raw.note !== undefined && { note: raw.note as string }) };
  if (key === 'random') {
    const random = checkRandom(raw.random, problem);
    return random ? { ...step, random } : null;
  }
  const action = checkAction(key, raw[key], problem);
  return action ? { ...step, action } : null;
}

function checkAction(key: string, value: unknown, problem: (text: string) => void): ScenarioAction | null {
  const fail = (text: string) => (problem(`"${key}": ${text}`), null);
  if ((BROKER_ACTIONS as readonly string[]).includes(key)) {
    return isBrokerId(value) ? { kind: key as (typeof BROKER_ACTIONS)[number], brokerId: value } : fail(`expected a broker id (0, 1, 2, ...), got ${show(value)}`);
  }
  switch (key) {
    case 'heal':
    case 'clearRules':
    case 'clearLatency':
      return value === true ? { kind: key } : fail('expected true');
    case 'partition': {
      const sideOk = (side: unknown) => Array.isArray(side) && side.length > 0 && side.every((n) => isBrokerId(n) || n === 'clients');
      if (!Array.isArray(value) || value.length !== 2 || !value.every(sideOk)) return fail(`expected two sides of broker ids or "clients", like [[1], [2, 3]], got ${show(value)}`);
      const [a, b] = value as NetworkNode[][];
      const both = a.filter((n) => b.includes(n));
      if (both.length > 0) return fail(`${both.join(', ')} on both sides`);
      return { kind: 'partition', sides: [a, b] };
    }
    case 'rule': {
      const checked = checkFaultRule(value, 'rule');
      if ('problems' in checked) {
        checked.problems.forEach(problem);
        return null;
      }
      return { kind: 'rule', rule: value as FaultRuleInput };
    }
    case 'removeRule':
      return typeof value === 'string' && value !== '' ? { kind: 'removeRule', name: value } : fail('expected the name of a rule added by an earlier step');
    case 'latency': {
      if (!isObject(value) || !isMs(value.ms) || (value.jitterMs !== undefined && !isMs(value.jitterMs)) || (value.brokerId !== undefined && !isBrokerId(value.brokerId))) {
        return fail(`expected {"ms": 100, "jitterMs"?: 50, "brokerId"?: 1} in whole milliseconds, got ${show(value)}`);
      }
      const extra = Object.keys(value).filter((k) => !['ms', 'jitterMs', 'brokerId'].includes(k));
      if (extra.length > 0) return fail(`${extra.join(', ')}: not a latency field; expected ms, jitterMs, brokerId`);
      return { kind: 'latency', latency: value as unknown as LatencyOptions };
    }
    case 'throttle': {
      if (!isObject(value) || !isMs(value.ms) || (value.brokerId !== undefined && !isBrokerId(value.brokerId)) || Object.keys(value).some((k) => !['ms', 'brokerId'].includes(k))) {
        return fail(`expected {"ms": 1000, "brokerId"?: 1} (ms 0 ends throttling), got ${show(value)}`);
      }
      return { kind: 'throttle', throttle: value as unknown as ThrottleOptions };
    }
    default: {
      // dropConnections
      if (value === true) return { kind: 'dropConnections' };
      const ok = isObject(value) && (value.brokerId === undefined || isBrokerId(value.brokerId)) && (value.clientId === undefined || typeof value.clientId === 'string') &&
        Object.keys(value).every((k) => ['brokerId', 'clientId'].includes(k));
      return ok ? { kind: 'dropConnections', ...(value as { brokerId?: number; clientId?: string }) } : fail(`expected true or {"brokerId"?: 1, "clientId"?: "app"}, got ${show(value)}`);
    }
  }
}

function checkRandom(value: unknown, problem: (text: string) => void): RandomFaults | null {
  const expected = `expected {"count": 5, "kinds": ["kill", "restart", "split"], "within": "20s"}`;
  if (!isObject(value)) return (problem(`"random": ${expected}, got ${show(value)}`), null);
  let ok = true;
  const fail = (text: string) => {
    problem(`"random".${text}`);
    ok = false;
  };
  for (const key of Object.keys(value)) if (!['count', 'kinds', 'within'].includes(key)) fail(`${key}: not a field; ${expected}`);
  if (!(Number.isInteger(value.count) && (value.count as number) >= 1 && (value.count as number) <= 10_000)) fail(`count: expected a whole number from 1 to 10000, got ${show(value.count)}`);
  const kinds = value.kinds ?? RANDOM_KINDS;
  if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !RANDOM_KINDS.includes(k))) fail(`kinds: expected a list of ${RANDOM_KINDS.join(', ')}, got ${show(value.kinds)}`);
  const withinMs = parseDuration(value.within);
  if (withinMs === null) fail(`within: expected how long the faults spread over, like "20s", got ${show(value.within)}`);
  return ok ? { count: value.count as number, kinds: [...new Set(kinds as RandomKind[])], withinMs: withinMs! } : null;
}

/** The line each element of the top-level "steps" array starts on (the text is valid JSON). */
function stepLines(text: string): number[] {
  const lines: number[] = [];
  const open: string[] = [];
  let line = 1;
  let lastTopLevelString: string | null = null;
  let stepsDepth = -1;
  let expectStep = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (/\s/.test(ch)) continue;
    if (expectStep && open.length === stepsDepth && ch !== ']') {
      lines.push(line);
      expectStep = false;
    }
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (open.length === 1) lastTopLevelString = text.slice(i + 1, j);
      i = j;
    } else if (ch === '{' || ch === '[') {
      open.push(ch);
      if (ch === '[' && open.length === 2 && open[0] === '{' && lastTopLevelString === 'steps') {
        stepsDepth = 2;
        expectStep = true;
      }
    } else if (ch === '}' || ch === ']') {
      if (open.length === stepsDepth) stepsDepth = -2; // the steps array closed
      open.pop();
    } else if (ch === ',' && open.length === stepsDepth) {
      expectStep = true;
    }
  }
  return lines;
}

// ---------------------------------------------------------------- planning

type BrokerState = 'up' | 'paused' | 'down';

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
      if (!ids.includes(id)) problems.push(`${scenario.source ?? 'scenario'}: steps[${step.index}]${step.line ? ` (line ${step.line})` : ''}: no broker ${id}; the cluster has brokers ${ids.join(', ')}`);
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

// ---------------------------------------------------------------- running

export interface RunOptions {
  /** Stops the run between steps; the timeline so far is returned. */
  signal?: AbortSignal;
  /** The seed for random steps when the scenario has none (one is drawn otherwise, and returned). */
  seed?: number;
  /** Told each step as it fires. */
  onStep?: (entry: TimelineEntry) => void;
}

/** Runs a scenario against a cluster; resolves with the timeline actually executed. */
export async function runScenario(cluster: ScenarioCluster, scenario: Scenario, { signal, seed: fallbackSeed, onStep }: RunOptions = {}): Promise<ScenarioRun> {
  const seed = scenario.seed ?? fallbackSeed ?? Math.floor(Math.random() * 2 ** 32);
  const plan = planScenario(scenario, cluster.describe().brokers, seed);
  const timeline: TimelineEntry[] = [];
  const start = performance.now();
  for (const step of plan) {
    if (!(await waitUntil(start + step.atMs, signal))) return { seed, timeline, completed: false };
    const firedAtMs = Math.floor(performance.now() - start);
    let outcome = 'done';
    try {
      await perform(cluster, step.action);
    } catch (error) {
      outcome = error instanceof Error ? error.message : String(error);
    }
    const entry = { ...step, firedAtMs, outcome };
    timeline.push(entry);
    onStep?.(entry);
  }
  return { seed, timeline, completed: true };
}

/** Waits until `time` (performance.now()); false if `signal` aborts first. */
function waitUntil(time: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (reached: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      resolve(reached);
    };
    const aborted = () => done(false);
    // Timers may fire a little early; a step never does.
    const check = () => (performance.now() >= time ? done(true) : (timer = setTimeout(check, Math.max(1, time - performance.now()))));
    let timer = setTimeout(check, Math.max(0, time - performance.now()));
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

async function perform(cluster: ScenarioCluster, action: ScenarioAction): Promise<void> {
  switch (action.kind) {
    case 'kill':
      return cluster.killBroker(action.brokerId);
    case 'stop':
      return cluster.stopBroker(action.brokerId);
    case 'restart':
      return cluster.restartBroker(action.brokerId);
    case 'pause':
      return cluster.pauseBroker(action.brokerId);
    case 'resume':
      return cluster.resumeBroker(action.brokerId);
    case 'diskFull':
    case 'diskFree':
      return cluster.diskFull(action.brokerId, action.kind === 'diskFull');
    case 'partition':
      return cluster.partition(...action.sides);
    case 'heal':
      return cluster.heal();
    case 'rule':
      cluster.addFaultRule(action.rule);
      return;
    case 'removeRule':
      if (!cluster.removeFaultRule(action.name)) throw new Error(`no rule named "${action.name}"`);
      return;
    case 'clearRules':
      return cluster.clearFaultRules();
    case 'latency':
      return cluster.latency(action.latency);
    case 'clearLatency':
      return cluster.clearLatency();
    case 'throttle':
      return cluster.throttle(action.throttle);
    case 'dropConnections':
      cluster.dropConnections({ brokerId: action.brokerId, clientId: action.clientId });
      return;
  }
}
