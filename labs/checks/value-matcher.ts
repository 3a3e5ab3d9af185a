// What a record value or a file line must look like, shared by the `records` and `file-lines` checks:
// a regular expression, JSON with typed fields, or both; and optionally numbered ("message #i": every
// i in a range present at least once).

import { fields, integer, regex, typeMap, type z } from '../engine/lab-fields.ts';
import { quote } from './check-kind.ts';

export const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array'] as const;

export interface ValueShape {
  match?: RegExp;
  json?: Record<string, string>;
  /** With `match` and a capture group: the numbers it captures must cover from..from+count-1. */
  numbered?: { from: number; count: number };
}

/** The parameters that describe a value's shape, for the checks that judge values. */
export const VALUE_SHAPE = {
  match: regex('a regular expression the value must match (with a capture group for `numbered`)').optional(),
  json: typeMap(JSON_TYPES, 'the value is a JSON object with these fields of these types').optional(),
  numbered: fields({
    from: integer({ min: 0 }, 'the first number').default(0),
    count: integer({ min: 1 }, 'how many numbers').default(1),
  })
    .describe("`match`'s first capture group must cover every number from `from` to `from + count - 1`")
    .optional(),
};

export function refineValueShape(raw: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (raw.numbered === undefined) return;
  if (raw.match === undefined) ctx.addIssue({ code: 'custom', path: ['numbered'], message: 'needs "match" with a capture group for the number' });
  const source = raw.match instanceof RegExp ? raw.match.source : typeof raw.match === 'string' ? raw.match : null;
  if (source !== null && !/\((?!\?)/.test(source)) ctx.addIssue({ code: 'custom', path: ['match'], message: 'needs a capture group for "numbered"' });
}

/** "/^message #(\d+)$/", "JSON with id: string, value: number", "any value". */
export function describeShape(shape: ValueShape): string {
  const parts: string[] = [];
  if (shape.match) parts.push(`matching /${shape.match.source}/`);
  if (shape.json) parts.push(`JSON with ${Object.entries(shape.json).map(([k, t]) => `${k}: ${t}`).join(', ')}`);
  return parts.join(' and ') || 'of any value';
}

export interface ShapeVerdict {
  ok: boolean;
  /** Why a value does not fit, for the report. */
  why?: string;
  /** The number captured for `numbered`. */
  number?: number;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

export function judge(shape: ValueShape, text: string): ShapeVerdict {
  let number: number | undefined;
  if (shape.match) {
    const m = shape.match.exec(text);
    if (!m) return { ok: false, why: `${quote(text)} does not match /${shape.match.source}/` };
    if (shape.numbered && m[1] !== undefined) number = Number(m[1]);
  }
  if (shape.json) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { ok: false, why: `${quote(text)} is not JSON` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, why: `${quote(text)} is not a JSON object` };
    for (const [field, type] of Object.entries(shape.json)) {
      const actual = typeOf((parsed as Record<string, unknown>)[field]);
      const fits = actual === type || (type === 'number' && actual === 'integer');
      if (!fits) return { ok: false, why: `${quote(text)} has ${field}: ${actual === 'undefined' ? 'missing' : actual}, not ${type}` };
    }
  }
  return { ok: true, number };
}

/** The numbers of a `numbered` range not seen, as "#3, #7–#99". */
export function missingNumbers(range: { from: number; count: number }, seen: Set<number>): string | null {
  const runs: [number, number][] = [];
  for (let n = range.from; n < range.from + range.count; n++) {
    if (seen.has(n)) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === n - 1) last[1] = n;
    else runs.push([n, n]);
  }
  if (runs.length === 0) return null;
  const shown = runs.slice(0, 4).map(([a, b]) => (a === b ? `#${a}` : `#${a}–#${b}`));
  return shown.join(', ') + (runs.length > 4 ? ', …' : '');
}
