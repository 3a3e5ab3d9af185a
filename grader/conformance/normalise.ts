// Making results from two clusters comparable: only what differs by nature between any two runs
// (names made unique per run, broker addresses, ids a cluster picks at random) is rewritten.
// Everything else a client can observe stays, so a real difference shows up as one.

/** Keys whose values are random per cluster, per member or per producer, whatever the broker (kafka-python spells them in snake case). */
export const VOLATILE_KEYS = new Set(['clusterId', 'memberId', 'producerId', 'topicId', 'clientHost', 'helpUrl', 'cluster_id', 'member_id', 'producer_id', 'topic_id', 'client_host']);

/** No value at all, or the all-zero topic id (as the wire and as kafka-python prints it): as observable as any other answer. */
const NO_ID = new Set([null, '', '0'.repeat(32), '00000000-0000-0000-0000-000000000000']);

export interface Renames {
  /** Actual name → the scenario's label for it (topics, groups, transactional ids). */
  names: Map<string, string>;
  /** Actual host:port → "broker-N". */
  addresses: Map<string, string>;
}

export function normalise(value: unknown, renames: Renames): unknown {
  // Longest first, so a name that extends another is replaced whole.
  const names = [...renames.names.entries()].sort((a, b) => b[0].length - a[0].length);
  const rewrite = (text: string) => {
    let out = text;
    for (const [actual, label] of names) out = out.split(actual).join(`<${label}>`);
    for (const [address, label] of renames.addresses) out = out.split(address).join(`<${label}>`);
    return out.replace(/127\.0\.0\.1:\d+/g, '<address>');
  };
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return rewrite(v);
    if (typeof v === 'bigint') return v.toString();
    if (Buffer.isBuffer(v)) return rewrite(v.toString('utf8'));
    if (Array.isArray(v)) return v.map(visit);
    if (v instanceof Map) return visit(Object.fromEntries(v));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v)) {
        if (inner === undefined) continue;
        out[rewrite(key)] = VOLATILE_KEYS.has(key) ? (NO_ID.has(inner as string | null) ? inner : '<volatile>') : visit(inner);
      }
      return out;
    }
    return v;
  };
  return visit(value);
}

/** What a client saw when an operation failed: the error's kind, Kafka's error type, nested causes. */
export function errorShape(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: String(error) };
  const e = error as Error & Record<string, unknown>;
  const shape: Record<string, unknown> = { name: e.name, message: e.message };
  for (const key of ['type', 'code', 'topic', 'partition', 'groupId'] as const) if (e[key] !== undefined) shape[key] = e[key];
  if (Array.isArray(e.errors)) shape.errors = e.errors.map(errorShape);
  if (Array.isArray(e.partitions)) shape.partitions = e.partitions;
  const cause = e.originalError ?? e.cause;
  if (cause) shape.cause = errorShape(cause);
  return shape;
}

export type Outcome<T> = { ok: T } | { error: Record<string, unknown> };

/** Runs an operation and returns its value or the shape of its error: both are observable results. */
export async function outcome<T>(operation: Promise<T> | (() => Promise<T>)): Promise<Outcome<T>> {
  try {
    return { ok: await (typeof operation === 'function' ? operation() : operation) };
  } catch (error) {
    return { error: errorShape(error) };
  }
}
