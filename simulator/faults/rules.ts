// Per-request fault rules: a rule matches requests by API, broker, client id and what they name
// (topic, partition, group, transactional id), and answers them with an error, a delay, a closed
// connection, silence or throttling — N times, or until removed. kfake's Fault only fails
// partitions with an error; these rules cover the other ways a request goes wrong too.
//
// Several rules may match one request: every delay adds up, the largest throttle counts, and the
// first rule that decides the answer (an error for some or all of what it names, a close, a
// swallow) wins; a rule that changes nothing does not fire and keeps its budget.

import type { Api, RequestNames } from '../apis/api.ts';
import { ALL_APIS } from '../apis/index.ts';
import { Random } from '../cluster/random.ts';
import { ErrorCode, type ErrorName } from '../protocol/errors.ts';
import { z } from 'zod';
import { ALWAYS, dotted, editDistance, isObject, show, strictObject, validate, wholeNumber } from '../validation.ts';

/** An API by name ('Produce', any case) or key (0). */
export type ApiSelector = string | number;

export interface FaultMatch {
  /** One API, or several; any API without it. */
  api?: ApiSelector | ApiSelector[];
  brokerId?: number;
  topic?: string;
  /** A partition of `topic`. */
  partition?: number;
  group?: string;
  transactionalId?: string;
  clientId?: string;
}

export type FaultAction =
  | { error: ErrorName | number }
  | { delayMs: number; jitterMs?: number }
  | { close: true }
  | { swallow: true }
  | { throttleMs: number };

export interface FaultRuleInput {
  /** Shown in describe() and fault-fired events; scenarios remove rules by it. */
  name?: string;
  match?: FaultMatch;
  action: FaultAction;
  /** Requests to fire on before the rule removes itself; without it, until removed. */
  times?: number;
}

export interface FaultRuleSnapshot {
  id: number;
  name: string | null;
  match: FaultMatch;
  action: FaultAction;
  /** Firings left, or null: until removed. */
  remaining: number | null;
  fired: number;
}

type Effect =
  | { kind: 'error'; errorCode: number }
  | { kind: 'delay'; ms: number; jitterMs: number }
  | { kind: 'close' }
  | { kind: 'swallow' }
  | { kind: 'throttle'; ms: number };

export type FaultKind = Effect['kind'];

/** A rule as checked: what `addFaultRule` keeps. */
export interface ValidRule {
  name: string | null;
  match: FaultMatch;
  action: FaultAction;
  apis: Api[] | null;
  effect: Effect;
  times: number | null;
}

const ACTIONS = ['error', 'delayMs', 'close', 'swallow', 'throttleMs'] as const;
const NAMING_FIELDS = ['topic', 'group', 'transactionalId'] as const;
const INT16 = 0x7fff;
const INT32 = 0x7fffffff;

export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** The API a selector names, or undefined. */
export function apiFor(selector: ApiSelector): Api | undefined {
  if (typeof selector === 'number') return ALL_APIS.find((api) => api.key === selector);
  return ALL_APIS.find((api) => api.name.toLowerCase() === selector.toLowerCase());
}

/** "did you mean Produce?" for a near miss, else the list of API names. */
function suggestApi(selector: unknown): string {
  const near = typeof selector === 'string' ? ALL_APIS.find((api) => editDistance(api.name.toLowerCase(), selector.toLowerCase()) <= 2) : undefined;
  return near ? `did you mean "${near.name}"?` : `expected an API name (${ALL_APIS.map((a) => a.name).join(', ')}) or key`;
}

const erroringApis = () => ALL_APIS.filter((api) => api.errorResponse).map((api) => api.name).join(', ');

// ---------------------------------------------------------------- the schema of a rule

const unknownApi = (selector: unknown) => `unknown API ${show(selector)}; ${suggestApi(selector)}`;
const apiSelector = z
  .union([z.string(), z.number()], { error: (issue) => unknownApi(issue.input) })
  .superRefine((selector, ctx) => {
    if (!apiFor(selector)) ctx.addIssue({ code: 'custom', message: unknownApi(selector), input: selector });
  });
const milliseconds = () => wholeNumber((v) => `expected whole milliseconds, 0 or more, got ${show(v)}`, { min: 0, max: INT32 });
const aString = () => z.string({ error: (issue) => `expected a string, got ${show(issue.input)}` });
const isTrue = () => z.literal(true, { error: 'expected true' });

const matchSchema = strictObject(
  {
    api: z.union([apiSelector, z.array(apiSelector).min(1, { error: 'expected an API name or key, or a non-empty list of them' })], { error: (issue) => unknownApi(issue.input) }).optional(),
    brokerId: wholeNumber((v) => `expected a broker id (0, 1, 2, ...), got ${show(v)}`, { min: 0 }).optional(),
    topic: aString().optional(),
    partition: wholeNumber((v) => `expected a partition index (0, 1, ...), got ${show(v)}`, { min: 0 }).optional(),
    group: aString().optional(),
    transactionalId: aString().optional(),
    clientId: aString().optional(),
  },
  { notObject: (v) => `expected an object, got ${show(v)}`, unknownKey: (_, known) => `not a match field; expected ${known.join(', ')}` },
).superRefine((match, ctx) => {
  if (isObject(match) && match.partition !== undefined && match.topic === undefined) {
    ctx.addIssue({ code: 'custom', path: ['partition'], message: 'needs match.topic, the topic the partition belongs to' });
  }
}, ALWAYS);

const ACTION_EXPECTED = `expected one of {"error": "NOT_LEADER_OR_FOLLOWER"}, {"delayMs": 500, "jitterMs": 100}, {"close": true}, {"swallow": true}, {"throttleMs": 1000}`;

const errorSelector = z
  .union([z.string(), z.number()], { error: (issue) => `expected a Kafka error name or a non-zero code, got ${show(issue.input)}` })
  .superRefine((error, ctx) => {
    if (typeof error === 'string') {
      if (!Object.hasOwn(ErrorCode, error) || error === 'NONE') {
        ctx.addIssue({ code: 'custom', message: `unknown error ${show(error)}; expected a Kafka error name like NOT_LEADER_OR_FOLLOWER or a code like 6` });
      }
    } else if (!Number.isInteger(error) || error === 0 || Math.abs(error) > INT16) {
      ctx.addIssue({ code: 'custom', message: `expected a Kafka error name or a non-zero code, got ${show(error)}` });
    }
  });

const actionSchema = strictObject(
  { error: errorSelector.optional(), delayMs: milliseconds().optional(), jitterMs: milliseconds().optional(), close: isTrue().optional(), swallow: isTrue().optional(), throttleMs: milliseconds().optional() },
  { notObject: (v) => `${ACTION_EXPECTED}, got ${show(v)}`, unknownKey: () => `not an action; ${ACTION_EXPECTED}` },
).superRefine((action, ctx) => {
  if (!isObject(action)) return;
  const kinds = ACTIONS.filter((key) => action[key] !== undefined);
  if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `${kinds.length === 0 ? 'no action' : `${kinds.join(' and ')} at once`}; ${ACTION_EXPECTED}` });
  if (action.jitterMs !== undefined && !kinds.includes('delayMs')) ctx.addIssue({ code: 'custom', path: ['jitterMs'], message: 'only goes with delayMs' });
}, ALWAYS);

/** A fault rule as JSON: `addFaultRule`'s argument, and a scenario's `"rule"`. */
export const faultRuleSchema = strictObject(
  {
    name: z.string({ error: 'expected a non-empty string' }).min(1, { error: 'expected a non-empty string' }).optional(),
    match: matchSchema.optional(),
    action: actionSchema,
    times: wholeNumber((v) => `expected a whole number of requests, at least 1, got ${show(v)}`, { min: 1 }).optional(),
  },
  { notObject: (v) => `expected an object like {"match": {...}, "action": {...}}, got ${show(v)}`, unknownKey: (_, known) => `not a rule field; expected ${known.join(', ')}` },
).superRefine((rule, ctx) => {
  // What the rule's fields mean together: an API that names nothing cannot match a topic, one
  // without an error response cannot be failed with an error.
  if (!isObject(rule) || !isObject(rule.match)) return;
  const selectors = Array.isArray(rule.match.api) ? rule.match.api : rule.match.api === undefined ? [] : [rule.match.api];
  const apis = selectors.flatMap((s) => (typeof s === 'string' || typeof s === 'number' ? (apiFor(s) ?? []) : []));
  const named = NAMING_FIELDS.filter((field) => isObject(rule.match) && rule.match[field] !== undefined);
  for (const api of apis) {
    if (named.length > 0 && !api.names) ctx.addIssue({ code: 'custom', path: ['match'], message: `${api.name} requests name no topic, group or transactional id, so ${named.join(' and ')} never ${named.length === 1 ? 'matches' : 'match'}` });
  }
  if (isObject(rule.action) && rule.action.error !== undefined) {
    for (const api of apis) {
      if (!api.errorResponse) {
        ctx.addIssue({ code: 'custom', path: ['action', 'error'], message: `${api.name} cannot be answered with an injected error; error rules work on ${erroringApis()} (delay, close, swallow and throttle work on every API)` });
      }
    }
  }
}, ALWAYS);

/** Checks a rule, naming each problem with its place under `path`; returns the rule, or the problems. */
export function checkFaultRule(input: unknown, path = 'rule'): { rule: ValidRule } | { problems: string[] } {
  const checked = validate(faultRuleSchema, input);
  if ('problems' in checked) return { problems: checked.problems.map((p) => `${dotted(p.path, path)}: ${p.message}`) };
  const { name, match = {}, action, times } = checked.value as FaultRuleInput;
  const selectors = match.api === undefined ? null : Array.isArray(match.api) ? match.api : [match.api];
  return {
    rule: {
      name: name ?? null,
      match: { ...match },
      action: { ...action },
      apis: selectors && selectors.map((s) => apiFor(s)!),
      effect: effectOf(action),
      times: times ?? null,
    },
  };
}

function effectOf(action: FaultAction): Effect {
  if ('error' in action) return { kind: 'error', errorCode: typeof action.error === 'string' ? ErrorCode[action.error] : action.error };
  if ('delayMs' in action) return { kind: 'delay', ms: action.delayMs, jitterMs: action.jitterMs ?? 0 };
  if ('close' in action) return { kind: 'close' };
  if ('swallow' in action) return { kind: 'swallow' };
  return { kind: 'throttle', ms: action.throttleMs };
}

// ---------------------------------------------------------------- deciding a request's fate

/** A named topic (partition undefined) or partition, as a map key. */
export const partKey = (topic: string, partition?: number) => `${topic}\0${partition ?? ''}`;

/** The topics or partitions a request names, one entry each. */
export function namedParts(names: RequestNames): { topic: string; partition?: number }[] {
  return (names.topics ?? []).flatMap((t) => (t.partitions ? t.partitions.map((partition) => ({ topic: t.topic, partition })) : [{ topic: t.topic }]));
}

/** What the faults decided for one request. */
export interface Decision {
  waitMs: number;
  throttleMs: number;
  drop: 'close' | 'swallow' | null;
  /** An error for the request as a whole. */
  wholeError: number | null;
  /** Errors for some of its topics or partitions (partKey → code); the rest is handled for real. */
  partErrors: Map<string, number>;
}

export interface Firing {
  rule: { id: number; name: string | null; fired: number };
  kind: FaultKind;
  errorCode?: number;
  delayMs?: number;
  throttleMs?: number;
  parts?: string[];
}

export interface RequestFacts {
  api: Api;
  brokerId: number;
  clientId: string | null;
  names: RequestNames;
}

interface ActiveRule extends ValidRule {
  id: number;
  remaining: number;
  fired: number;
  random: Random;
}

/** Mixes numbers into a 32-bit seed, so each stream of random draws has its own. */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}

export class FaultRules {
  private readonly rules: ActiveRule[] = [];
  private nextId = 1;

  constructor(private readonly seed: number) {}

  /** Adds a rule after checking it; throws a FaultRuleError naming every problem. */
  add(input: FaultRuleInput): number {
    const checked = checkFaultRule(input);
    if ('problems' in checked) throw new FaultRuleError(checked.problems);
    const id = this.nextId++;
    // Each rule draws its jitter from its own seeded stream: runs with one seed replay the same delays.
    this.rules.push({ ...checked.rule, id, remaining: checked.rule.times ?? Infinity, fired: 0, random: new Random(mixSeed(this.seed, id)) });
    return id;
  }

  remove(idOrName: number | string): boolean {
    const index = this.rules.findIndex((r) => r.id === idOrName || (typeof idOrName === 'string' && r.name === idOrName));
    if (index === -1) return false;
    this.rules.splice(index, 1);
    return true;
  }

  clear(): void {
    this.rules.length = 0;
  }

  get size(): number {
    return this.rules.length;
  }

  list(): FaultRuleSnapshot[] {
    return this.rules.map((r) => ({
      id: r.id,
      name: r.name,
      match: structuredClone(r.match),
      action: structuredClone(r.action),
      remaining: r.remaining === Infinity ? null : r.remaining,
      fired: r.fired,
    }));
  }

  /** Applies every matching rule to `decision`; returns the firings, in rule order. */
  decide(facts: RequestFacts, decision: Decision): Firing[] {
    const firings: Firing[] = [];
    const parts = namedParts(facts.names);
    for (const rule of [...this.rules]) {
      if (!this.matches(rule, facts)) continue;
      const firing = this.apply(rule, facts, parts, decision);
      if (!firing) continue;
      rule.fired++;
      rule.remaining--;
      if (rule.remaining <= 0) this.remove(rule.id);
      firings.push({ ...firing, rule: { id: rule.id, name: rule.name, fired: rule.fired } });
    }
    return firings;
  }

  private matches(rule: ActiveRule, { api, brokerId, clientId, names }: RequestFacts): boolean {
    const m = rule.match;
    if (rule.apis && !rule.apis.includes(api)) return false;
    if (rule.effect.kind === 'error' && !api.errorResponse) return false;
    if (m.brokerId !== undefined && m.brokerId !== brokerId) return false;
    if (m.clientId !== undefined && m.clientId !== clientId) return false;
    if (m.group !== undefined && names.group !== m.group) return false;
    if (m.transactionalId !== undefined && names.transactionalId !== m.transactionalId) return false;
    if (m.topic !== undefined) {
      return (names.topics ?? []).some((t) => t.topic === m.topic && (m.partition === undefined || (t.partitions ?? []).includes(m.partition)));
    }
    return true;
  }

  /** What the rule does to this request, or null if an earlier rule already decided everything it would. */
  private apply(rule: ActiveRule, facts: RequestFacts, parts: { topic: string; partition?: number }[], decision: Decision): Omit<Firing, 'rule'> | null {
    const effect = rule.effect;
    const decided = decision.drop !== null || decision.wholeError !== null;
    switch (effect.kind) {
      case 'delay': {
        const delayMs = effect.ms + (effect.jitterMs > 0 ? rule.random.int(effect.jitterMs + 1) : 0);
        decision.waitMs += delayMs;
        return { kind: 'delay', delayMs };
      }
      case 'throttle':
        decision.throttleMs = Math.max(decision.throttleMs, effect.ms);
        return { kind: 'throttle', throttleMs: effect.ms };
      case 'close':
      case 'swallow':
        if (decided || decision.partErrors.size > 0) return null;
        decision.drop = effect.kind;
        return { kind: effect.kind };
      case 'error': {
        if (decided) return null;
        // Only what the rule names fails when the API can answer part of a request; otherwise all of it.
        if (parts.length === 0 || !facts.api.narrow) {
          if (decision.partErrors.size > 0) return null;
          decision.wholeError = effect.errorCode;
          return { kind: 'error', errorCode: effect.errorCode };
        }
        const m = rule.match;
        const chosen = parts.filter(
          (p) => (m.topic === undefined || p.topic === m.topic) && (m.partition === undefined || p.partition === m.partition) && !decision.partErrors.has(partKey(p.topic, p.partition)),
        );
        if (chosen.length === 0) return null;
        for (const p of chosen) decision.partErrors.set(partKey(p.topic, p.partition), effect.errorCode);
        return { kind: 'error', errorCode: effect.errorCode, parts: chosen.map((p) => (p.partition === undefined ? p.topic : `${p.topic}[${p.partition}]`)) };
      }
    }
  }
}
