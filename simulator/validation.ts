// Untrusted JSON — scenario files, fault rules, lab.json — checked against zod schemas, every
// problem named with the path where it is. One mechanism behind all three readers; each keeps its
// own vocabulary (its messages live beside its schema) and its own way of writing a path.
//
// Two conventions make zod's issues read as our problems:
// - an object that rejects unknown keys says so once per key (`strictObject` below), with a
//   suggestion for a near miss;
// - a refinement that compares fields runs even when one of them is wrong (`ALWAYS`), so an
//   instructor sees every mistake at once. Such a refinement looks at raw input: it checks types.

import { z } from 'zod';

export type ProblemPath = (string | number)[];

export interface Problem {
  path: ProblemPath;
  message: string;
}

/** A value for a message: JSON, or what JSON cannot say. */
export const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Runs a refinement even after a field of the same object failed. */
export const ALWAYS = { when: () => true } as const;

/** Messages of an object that rejects keys it does not know. */
export interface ObjectMessages {
  /** The value is not an object (or is missing). */
  notObject: (input: unknown) => string;
  /** One key it does not know; `known` are the fields it has. */
  unknownKey: (key: string, known: string[]) => string;
}

// Unknown keys come in one zod issue; their messages travel in it one per line, in key order.
const KEY_SEPARATOR = '\n';

/** An object with exactly these fields; anything else is a problem of its own, key by key. */
export function strictObject<S extends z.ZodRawShape>(shape: S, messages: ObjectMessages) {
  const known = Object.keys(shape).filter((key) => key !== '$schema');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => messages.unknownKey(key, known)).join(KEY_SEPARATOR);
      if (issue.code === 'invalid_type') return messages.notObject(issue.input);
      return undefined;
    },
  });
}

/** A whole number (in [min, max] when given), every failure told by `message(input)`. */
export function wholeNumber(message: (input: unknown) => string, { min, max }: { min?: number; max?: number } = {}) {
  const error = (issue: { input?: unknown }) => message(issue.input);
  let schema = z.int({ error });
  if (min !== undefined) schema = schema.min(min, { error });
  if (max !== undefined) schema = schema.max(max, { error });
  return schema;
}

/** Checks `value` against `schema`: the parsed value, or every problem with its path. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, defaults?: z.core.$ZodErrorMap): { value: T } | { problems: Problem[] } {
  const result = schema.safeParse(value, defaults ? { error: defaults } : undefined);
  if (result.success) return { value: result.data };
  return { problems: result.error.issues.flatMap(problemsOf) };
}

function problemsOf(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
  if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
  const messages = issue.message.split(KEY_SEPARATOR);
  return issue.keys.map((key, i) => ({ path: [...path, key], message: messages[i] ?? messages[0] }));
}

/** `steps[2].run[0].file` from a path; `root` goes first (`rule.match.api`). */
export function dotted(path: ProblemPath, root = ''): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), root);
}

// ---------------------------------------------------------------- near misses

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}

/** True when `a` and `b` differ by at most one edit, or only in letter case or a plural s. */
export function nearlyEqual(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === `${y}s` || y === `${x}s` || editDistance(x, y) <= 1;
}
