// Reading a scenario file: JSON checked against the scenario's schema, every problem named with
// its step, the line the step starts on, and what was expected:
//
//   chaos.json: steps[3] (line 7): "kill": expected a broker id (0, 1, 2, ...), got "two"
//
// What comes out is a Scenario: steps with their time in ms and one concrete action each (or a
// burst of random faults, drawn later by plan.ts).

import { z } from 'zod';
import type { LatencyOptions, ThrottleOptions } from '../index.ts';
import type { NetworkNode } from '../network.ts';
import { faultRuleSchema, type FaultRuleInput } from '../rules.ts';
import { ALWAYS, dotted, isObject, show, strictObject, validate, wholeNumber, type Problem } from '../../validation.ts';

export type RandomKind = 'kill' | 'stop' | 'restart' | 'pause' | 'resume' | 'split' | 'heal';
export const RANDOM_KINDS: readonly RandomKind[] = ['kill', 'stop', 'restart', 'pause', 'resume', 'split', 'heal'];

/**
 * A broker as a scenario names it: its id, or its role when the scenario starts — "leader of
 * orders[0]", "follower of orders[0]" (the first in replica order), "followers of orders[0]",
 * "coordinator of billing" (the group's coordinator). Planning resolves roles to ids.
 */
export type BrokerTarget = number | string;

export const BROKER_ROLE = /^(?:(leader|follower|followers) of (\S+)\[(\d+)\]|coordinator of (\S+))$/;

/** One concrete thing a scenario does; `B` is how it names brokers (roles until planned). */
export type ScenarioAction<B = number> =
  | { kind: 'kill' | 'stop' | 'restart' | 'pause' | 'resume' | 'diskFull' | 'diskFree'; brokerId: B }
  | { kind: 'partition'; sides: [(B | 'clients')[], (B | 'clients')[]] }
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
  action?: ScenarioAction<BrokerTarget>;
  random?: RandomFaults;
}

export interface Scenario {
  /** Where it came from (a file name), for problems found when planning. */
  source?: string;
  seed?: number;
  description?: string;
  steps: ScenarioStep[];
}

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

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

/** "where" it is in the file: the step, and its line when the scenario was read from text. */
export function stepPlace(scenario: Pick<Scenario, 'source'>, step: Pick<ScenarioStep, 'index' | 'line'>): string {
  return `${scenario.source ?? 'scenario'}: steps[${step.index}]${step.line ? ` (line ${step.line})` : ''}`;
}

// ---------------------------------------------------------------- the schema of a scenario

const BROKER_ACTIONS = ['kill', 'stop', 'restart', 'pause', 'resume', 'diskFull', 'diskFree'] as const;
const SWITCHES = ['heal', 'clearRules', 'clearLatency'] as const;
export const ACTION_KEYS = [...BROKER_ACTIONS, 'partition', 'heal', 'rule', 'removeRule', 'clearRules', 'latency', 'clearLatency', 'throttle', 'dropConnections', 'random'] as const;

const duration = (message: (input: unknown) => string) =>
  z.union([z.number(), z.string()], { error: (issue) => message(issue.input) }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) ctx.addIssue({ code: 'custom', message: message(value) });
    return ms ?? 0;
  });
const brokerId = () => wholeNumber((v) => `expected a broker id (0, 1, 2, ...), got ${show(v)}`, { min: 0 });
const brokerMessage = (issue: { input?: unknown }) => `expected a broker id (0, 1, 2, ...) or a role like "leader of orders[0]", got ${show(issue.input)}`;
const brokerTarget = () => z.union([brokerId(), z.string().regex(BROKER_ROLE, { error: brokerMessage })], { error: brokerMessage });
const milliseconds = () => wholeNumber((v) => `expected whole milliseconds, 0 or more, got ${show(v)}`, { min: 0, max: 0x7fffffff });
const isTrue = () => z.literal(true, { error: 'expected true' });

const SIDES_EXAMPLE = 'two sides of broker ids or "clients", like [[1], [2, 3]]';
const networkNode = z.union([brokerId(), z.literal('clients'), z.string().regex(BROKER_ROLE)], {
  error: (issue) => `expected a broker id (0, 1, 2, ...), a role like "leader of orders[0]" or "clients", got ${show(issue.input)}`,
});
const side = z.array(networkNode, { error: (issue) => `expected a side: a list of broker ids or "clients", got ${show(issue.input)}` }).min(1, { error: 'expected at least one broker id or "clients"' });
const partition = z.tuple([side, side], { error: (issue) => `expected ${SIDES_EXAMPLE}, got ${show(issue.input)}` }).superRefine(([a, b], ctx) => {
  const both = a.filter((node) => b.includes(node));
  if (both.length > 0) ctx.addIssue({ code: 'custom', message: `${both.join(', ')} on both sides` });
});

const latency = strictObject(
  { ms: milliseconds(), jitterMs: milliseconds().optional(), brokerId: brokerId().optional() },
  { notObject: (v) => `expected {"ms": 100, "jitterMs"?: 50, "brokerId"?: 1} in whole milliseconds, got ${show(v)}`, unknownKey: (_, known) => `not a latency field; expected ${known.join(', ')}` },
);
const throttle = strictObject(
  { ms: milliseconds(), brokerId: brokerId().optional() },
  { notObject: (v) => `expected {"ms": 1000, "brokerId"?: 1} (ms 0 ends throttling), got ${show(v)}`, unknownKey: (_, known) => `not a throttle field; expected ${known.join(', ')}` },
);
const DROP_EXPECTED = 'expected true or {"brokerId"?: 1, "clientId"?: "app"}';
const dropConnections = z.union(
  [
    isTrue(),
    strictObject(
      { brokerId: brokerId().optional(), clientId: z.string({ error: (issue) => `expected a client id, got ${show(issue.input)}` }).optional() },
      { notObject: (v) => `${DROP_EXPECTED}, got ${show(v)}`, unknownKey: (_, known) => `not a field; expected ${known.join(', ')}` },
    ),
  ],
  { error: (issue) => `${DROP_EXPECTED}, got ${show(issue.input)}` },
);

const RANDOM_EXPECTED = `expected {"count": 5, "kinds": ["kill", "restart", "split"], "within": "20s"}`;
const kindsExpected = (v: unknown) => `expected a list of ${RANDOM_KINDS.join(', ')}, got ${show(v)}`;
const random = strictObject(
  {
    count: wholeNumber((v) => `expected a whole number from 1 to 10000, got ${show(v)}`, { min: 1, max: 10_000 }),
    kinds: z
      .array(z.unknown(), { error: (issue) => kindsExpected(issue.input) })
      .min(1, { error: (issue) => kindsExpected(issue.input) })
      .superRefine((kinds, ctx) => {
        if (kinds.some((k) => !RANDOM_KINDS.includes(k as RandomKind))) ctx.addIssue({ code: 'custom', message: kindsExpected(kinds) });
      })
      .optional(),
    within: duration((v) => `expected how long the faults spread over, like "20s", got ${show(v)}`),
  },
  { notObject: (v) => `${RANDOM_EXPECTED}, got ${show(v)}`, unknownKey: () => `not a field; ${RANDOM_EXPECTED}` },
);

const brokerActions = Object.fromEntries(BROKER_ACTIONS.map((key) => [key, brokerTarget().optional()])) as Record<(typeof BROKER_ACTIONS)[number], z.ZodOptional<ReturnType<typeof brokerTarget>>>;
const switches = Object.fromEntries(SWITCHES.map((key) => [key, isTrue().optional()])) as Record<(typeof SWITCHES)[number], z.ZodOptional<ReturnType<typeof isTrue>>>;

const step = strictObject(
  {
    at: duration((v) => `must be a time after the start like "2s", "500ms" or "1m" (or a number of ms), got ${show(v)}`),
    note: z.string({ error: 'must be a string' }).optional(),
    ...brokerActions,
    ...switches,
    partition: partition.optional(),
    rule: faultRuleSchema.optional(),
    removeRule: z.string({ error: 'expected the name of a rule added by an earlier step' }).min(1, { error: 'expected the name of a rule added by an earlier step' }).optional(),
    latency: latency.optional(),
    throttle: throttle.optional(),
    dropConnections: dropConnections.optional(),
    random: random.optional(),
  },
  {
    notObject: (v) => `expected a step like {"at": "2s", "kill": 1}, got ${show(v)}`,
    unknownKey: () => `is not a step field; expected "at", an optional "note", and one of ${ACTION_KEYS.join(', ')}`,
  },
).superRefine((raw, ctx) => {
  if (!isObject(raw)) return;
  const present = ACTION_KEYS.filter((key) => raw[key] !== undefined);
  if (present.length === 0) ctx.addIssue({ code: 'custom', message: `no action; expected one of ${ACTION_KEYS.join(', ')}` });
  if (present.length > 1) ctx.addIssue({ code: 'custom', message: `${present.join(' and ')} in one step; give each its own step` });
}, ALWAYS);

/** A scenario as JSON (a file, or a lab step's "faults"): `checkScenario` and lab.json both use it. */
export const scenarioSchema = strictObject(
  {
    seed: wholeNumber((v) => `must be a whole number from 0 to ${2 ** 32 - 1}, got ${show(v)}`, { min: 0, max: 2 ** 32 - 1 }).optional(),
    description: z.string({ error: 'must be a string' }).optional(),
    steps: z.array(step, { error: (issue) => `must be a list of steps like {"at": "2s", "kill": 1}, got ${show(issue.input)}` }),
  },
  { notObject: (v) => `expected an object like {"seed": 7, "steps": [...]}, got ${show(v)}`, unknownKey: (_, known) => `is not a scenario field; expected ${known.join(', ')}` },
);

type RawStep = z.output<typeof step>;
export type ScenarioJson = z.output<typeof scenarioSchema>;

// ---------------------------------------------------------------- reading

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
  const checked = validate(scenarioSchema, value);
  if ('problems' in checked) {
    // The file's own fields first, then the steps in order.
    const stepOf = (p: Problem) => (p.path[0] === 'steps' && typeof p.path[1] === 'number' ? p.path[1] : -1);
    const sorted = checked.problems.map((p, i) => ({ p, i })).sort((a, b) => stepOf(a.p) - stepOf(b.p) || a.i - b.i);
    throw new ScenarioError(sorted.map(({ p }) => problemText(p, source, lines)));
  }
  return scenarioFrom(checked.value, { source, lines });
}

/** A scenario as `scenarioSchema` parsed it (in a lab.json, say), as planning takes it. */
export function scenarioFrom({ seed, description, steps }: ScenarioJson, { source = 'scenario', lines = [] as number[] } = {}): Scenario {
  return {
    source,
    ...(seed !== undefined && { seed }),
    ...(description !== undefined && { description }),
    steps: steps.map((raw, index) => toStep(raw, index, lines[index])),
  };
}

/**
 * `chaos.json: steps[3] (line 7): "kill": expected ...`. Fields are quoted as in the file; a
 * fault rule's own fields read as addFaultRule names them (`rule.match.api`); a message that is
 * a sentence about its field follows it without a colon (`"at" must be ...`).
 */
function problemText({ path, message }: Problem, source: string, lines: number[]): string {
  let where = source;
  let rest = path;
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    where = stepPlace({ source }, { index: path[1], line: lines[path[1]] });
    rest = path.slice(2);
  }
  if (rest.length === 0) return `${where}: ${message}`;
  const [field, ...inside] = rest;
  const named = field === 'rule' ? dotted(inside, 'rule') : dotted(inside, `"${field}"`);
  return `${where}: ${named}${/^(must|is) /.test(message) ? ' ' : ': '}${message}`;
}

function toStep(raw: RawStep, index: number, line: number | undefined): ScenarioStep {
  const base = { atMs: raw.at, index, ...(line !== undefined && { line }), ...(raw.note !== undefined && { note: raw.note }) };
  if (raw.random) {
    const { count, kinds = RANDOM_KINDS, within } = raw.random;
    return { ...base, random: { count, kinds: [...new Set(kinds as RandomKind[])], withinMs: within } };
  }
  return { ...base, action: toAction(raw) };
}

function toAction(raw: RawStep): ScenarioAction<BrokerTarget> {
  for (const kind of BROKER_ACTIONS) if (raw[kind] !== undefined) return { kind, brokerId: raw[kind] };
  for (const kind of SWITCHES) if (raw[kind] !== undefined) return { kind };
  if (raw.partition) return { kind: 'partition', sides: raw.partition as [BrokerTarget[], BrokerTarget[]] };
  if (raw.rule) return { kind: 'rule', rule: raw.rule as FaultRuleInput };
  if (raw.removeRule !== undefined) return { kind: 'removeRule', name: raw.removeRule };
  if (raw.latency) return { kind: 'latency', latency: raw.latency };
  if (raw.throttle) return { kind: 'throttle', throttle: raw.throttle };
  const drop = raw.dropConnections!;
  return drop === true ? { kind: 'dropConnections' } : { kind: 'dropConnections', ...drop };
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
