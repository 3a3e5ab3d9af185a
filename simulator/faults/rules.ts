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

const MATCH_FIELDS = ['api', 'brokerId', 'topic', 'partition', 'group', 'transactionalId', 'clientId'];
const RULE_FIELDS = ['name', 'match', 'action', 'times'];
const ACTIONS = ['error', 'delayMs', 'close', 'swallow', 'throttleMs'];
const INT16 = 0x7fff;
const INT32 = 0x7fffffff;

export class FaultRuleError extends Error {
  override name = 'FaultRuleError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isCount = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min;
const show = (value: unknown) => JSON.stringify(value) ?? String(value);

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

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

const erroringApis = () => ALL_APIS.filter((api) => api.errorResponse).map((api) => api.name).join(', ');

/** Checks a rule, naming each problem with its place under `path`; returns the rule, or the problems. */
export function checkFaultRule(input: unknown, path = 'rule'): { rule: ValidRule } | { problems: string[] } {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`${path}${text}`);
  if (!isObject(input)) return { problems: [`${path}: expected an object like {"match": {...}, "action": {...}}, got ${show(input)}`] };
  for (const key of Object.keys(input)) if (!RULE_FIELDS.includes(key)) problem(`.${key}: not a rule field; expected ${RULE_FIELDS.join(', ')}`);
  if (input.name !== undefined && (typeof input.name !== 'string' || input.name === '')) problem(`.name: expected a non-empty string`);
  if (input.times !== undefined && !isCount(input.times, 1)) problem(`.times: expected a whole number of requests, at least 1, got ${show(input.times)}`);

  const match = input.match ?? {};
  let apis: Api[] | null = null;
  if (!isObject(match)) problem(`.match: expected an object, got ${show(match)}`);
  else {
    for (const key of Object.keys(match)) if (!MATCH_FIELDS.includes(key)) problem(`.match.${key}: not a match field; expected ${MATCH_FIELDS.join(', ')}`);
    if (match.api !== undefined) {
      const selectors = Array.isArray(match.api) ? match.api : [match.api];
      if (selectors.length === 0) problem(`.match.api: expected an API name or key, or a non-empty list of them`);
      apis = [];
      for (const selector of selectors) {
        const api = typeof selector === 'string' || typeof selector === 'number' ? apiFor(selector) : undefined;
        if (api) apis.push(api);
        else problem(`.match.api: unknown API ${show(selector)}; ${suggestApi(selector)}`);
      }
      const named = ['topic', 'group', 'transactionalId'].filter((field) => match[field] !== undefined);
      for (const api of apis) {
        if (named.length > 0 && !api.names) problem(`.match: ${api.name} requests name no topic, group or transactional id, so ${named.join(' and ')} never match`);
      }
    }
    if (match.brokerId !== undefined && !isCount(match.brokerId, 0)) problem(`.match.brokerId: expected a broker id (0, 1, 2, ...), got ${show(match.brokerId)}`);
    for (const field of ['topic', 'group', 'transactionalId', 'clientId']) {
      if (match[field] !== undefined && typeof match[field] !== 'string') problem(`.match.${field}: expected a string, got ${show(match[field])}`);
    }
    if (match.partition !== undefined) {
      if (!isCount(match.partition, 0)) problem(`.match.partition: expected a partition index (0, 1, ...), got ${show(match.partition)}`);
      if (match.topic === undefined) problem(`.match.partition: needs match.topic, the topic the partition belongs to`);
    }
  }

  const effect = checkAction(input.action, `${path}.action`, problems);
  if (effect?.kind === 'error' && apis) {
    for (const api of apis) {
      if (!api.errorResponse) problem(`.action.error: ${api.name} cannot be answered with an injected error; error rules work on ${erroringApis()} (delay, close, swallow and throttle work on every API)`);
    }
  }
  if (problems.length > 0 || !effect) return { problems };
  return {
    rule: {
      name: (input.name as string | undefined) ?? null,
      match: { ...(match as FaultMatch) },
      action: { ...(input.action as FaultAction) },
      apis,
      effect,
      times: (input.times as number | undefined) ?? null,
    },
  };
}

function checkAction(action: unknown, path: string, problems: string[]): Effect | null {
  const expected = `expected one of {"error": "NOT_LEADER_OR_FOLLOWER"}, {"delayMs": 500, "jitterMs": 100}, {"close": true}, {"swallow": true}, {"throttleMs": 1000}`;
  if (!isObject(action)) {
    problems.push(`${path}: ${expected}, got ${show(action)}`);
    return null;
  }
  const kinds = Object.keys(action).filter((key) => ACTIONS.includes(key));
  for (const key of Object.keys(action)) {
    if (!ACTIONS.includes(key) && key !== 'jitterMs') problems.push(`${path}.${key}: not an action; ${expected}`);
  }
  if (kinds.length !== 1) {
    problems.push(`${path}: ${kinds.length === 0 ? 'no action' : `${kinds.join(' and ')} at once`}; ${expected}`);
    return null;
  }
  if (action.jitterMs !== undefined && kinds[0] !== 'delayMs') problems.push(`${path}.jitterMs: only goes with delayMs`);
  const failed = (text: string) => (problems.push(`${path}.${text}`), null);
  switch (kinds[0]) {
    case 'error': {
      const error = action.error;
      if (typeof error === 'string') {
        if (!(error in ErrorCode) || error === 'NONE') return failed(`error: unknown error ${show(error)}; expected a Kafka error name like NOT_LEADER_OR_FOLLOWER or a code like 6`);
        return { kind: 'error', errorCode: ErrorCode[error as ErrorName] };
      }
      if (!Number.isInteger(error) || error === 0 || Math.abs(error as number) > INT16) return failed(`error: expected a Kafka error name or a non-zero code, got ${show(error)}`);
      return { kind: 'error', errorCode: error as number };
    }
    case 'delayMs': {
      if (!isCount(action.delayMs, 0) || (action.delayMs as number) > INT32) return failed(`delayMs: expected whole milliseconds, 0 or more, got ${show(action.delayMs)}`);
      if (action.jitterMs !== undefined && (!isCount(action.jitterMs, 0) || (action.jitterMs as number) > INT32)) return failed(`jitterMs: expected whole milliseconds, 0 or more, got ${show(action.jitterMs)}`);
      return { kind: 'delay', ms: action.delayMs as number, jitterMs: (action.jitterMs as number | undefined) ?? 0 };
    }
    case 'close':
    case 'swallow':
      if (action[kinds[0]] !== true) return failed(`${kinds[0]}: expected true`);
      return { kind: kinds[0] };
    default:
      if (!isCount(action.throttleMs, 0) || (action.throttleMs as number) > INT32) return failed(`throttleMs: expected whole milliseconds, 0 or more, got ${show(action.throttleMs)}`);
      return { kind: 'throttle', ms: action.throttleMs as number };
  }
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
