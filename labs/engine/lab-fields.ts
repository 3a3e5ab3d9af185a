// The building blocks of lab.json's schema (the lab, its steps, each check kind's parameters):
// zod schemas that speak lab.json's language when something is wrong —
//
//   steps[2].checks[0].min: expected a whole number ≥ 1, got "ten"
//   steps[1].hint: unknown field (did you mean "hints"?)
//
// and carry a description each, which the published JSON Schema shows in an instructor's editor.

import { z } from 'zod';
import { ALWAYS, nearlyEqual, strictObject, wholeNumber } from '../../simulator/validation.ts';

export { ALWAYS, z };

const show = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));

/** "is required" for a missing field, else "expected <what>, got <value>". */
const expecting = (what: string) => (input: unknown) => (input === undefined ? 'is required' : `expected ${what}, got ${show(input)}`);
const errorFor = (what: string) => (issue: { input?: unknown }) => expecting(what)(issue.input);

/** An object of lab.json: these fields and no others (a misspelt one is named, with the likely fix). */
export function fields<S extends z.ZodRawShape>(shape: S) {
  return strictObject(shape, {
    notObject: expecting('an object'),
    unknownKey: (key, known) => {
      const close = known.find((k) => nearlyEqual(k, key));
      return `unknown field${close ? ` (did you mean "${close}"?)` : known.length ? `; known: ${known.join(', ')}` : ''}`;
    },
  });
}

export function text(description?: string) {
  const schema = z.string({ error: errorFor('a non-empty string') }).min(1, { error: errorFor('a non-empty string') });
  return description ? schema.describe(description) : schema;
}

/** A string of a given form: `patternText` says it in words. */
export function patterned(pattern: RegExp, patternText: string, description?: string) {
  const schema = text().regex(pattern, { error: errorFor(patternText) });
  return description ? schema.describe(description) : schema;
}

export function integer({ min, max }: { min: number; max?: number }, description?: string) {
  const schema = wholeNumber(expecting(`a whole number ${max === undefined ? `≥ ${min}` : `from ${min} to ${max}`}`), { min, max });
  return description ? schema.describe(description) : schema;
}

export function flag(description?: string) {
  const schema = z.boolean({ error: errorFor('true or false') });
  return description ? schema.describe(description) : schema;
}

export function oneOf<const T extends readonly [string, ...string[]]>(choices: T, description?: string) {
  const schema = z.enum(choices, { error: errorFor(`one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`) });
  return description ? schema.describe(description) : schema;
}

/** A regular expression, written as a string in the JSON. */
export function regex(description?: string) {
  return text(description).transform((source, ctx) => {
    try {
      return new RegExp(source, 'u');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
      return z.NEVER;
    }
  });
}

const atLeast = <T extends z.ZodArray>(schema: T, minLength: number): T => (minLength > 0 ? schema.min(minLength, { error: `expected at least ${minLength} entries` }) : schema);

export function strings({ minLength = 0 } = {}, description?: string) {
  const schema = atLeast(z.array(text(), { error: errorFor('a list of non-empty strings') }), minLength);
  return description ? schema.describe(description) : schema;
}

export function list<T extends z.ZodType>(item: T, { minLength = 0 } = {}, description?: string) {
  const schema = atLeast(z.array(item, { error: errorFor('a list') }), minLength);
  return description ? schema.describe(description) : schema;
}

/** An object whose values are all one of the given JSON types: {"id": "string", "value": "number"}. */
export function typeMap<const T extends readonly [string, ...string[]]>(types: T, description?: string) {
  const what = 'an object of field names to types';
  const schema = z
    .record(z.string(), z.enum(types, { error: errorFor(`one of ${types.map((t) => JSON.stringify(t)).join(', ')}`) }), { error: errorFor(what) })
    .refine((map) => Object.keys(map).length > 0, { error: errorFor(what) });
  return description ? schema.describe(description) : schema;
}

/** A plain object of JSON values, taken as it is. */
export function record(description?: string) {
  const schema = z.record(z.string(), z.unknown(), { error: errorFor('an object') });
  return description ? schema.describe(description) : schema;
}
