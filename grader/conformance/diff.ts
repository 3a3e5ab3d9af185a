// Deep comparison of two normalised results, and an account of their differences for people.

export interface Difference {
  path: string;
  left: unknown;
  right: unknown;
}

const MISSING = Symbol('missing');

export function differences(left: unknown, right: unknown, path = '$'): Difference[] {
  if (Object.is(left, right)) return [];
  const bothArrays = Array.isArray(left) && Array.isArray(right);
  const bothObjects = isPlainObject(left) && isPlainObject(right);
  if (bothArrays) {
    const out: Difference[] = [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      out.push(...differences(i < left.length ? left[i] : MISSING, i < right.length ? right[i] : MISSING, `${path}[${i}]`));
    }
    return out;
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
    return keys.flatMap((k) => differences(k in left ? left[k] : MISSING, k in right ? right[k] : MISSING, `${path}.${k}`));
  }
  return [{ path, left, right }];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const show = (v: unknown) => (v === MISSING ? '(missing)' : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));

/** One line per difference, at most `limit`: "  $.path: left-name <value> | right-name <value>". */
export function describeDifferences(diffs: Difference[], leftName: string, rightName: string, limit = 20): string {
  const lines = diffs.slice(0, limit).map((d) => `    ${d.path}\n      ${leftName.padEnd(9)} ${truncate(show(d.left))}\n      ${rightName.padEnd(9)} ${truncate(show(d.right))}`);
  if (diffs.length > limit) lines.push(`    … and ${diffs.length - limit} more`);
  return lines.join('\n');
}

const truncate = (s: string, max = 400) => (s.length > max ? `${s.slice(0, max)}…` : s);
