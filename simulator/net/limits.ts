// What the brokers' listeners let a client hold: how large a frame may be (before and after it has
// logged in), how many request bytes all connections together may hold, how many connections one
// address and one broker may have, and how long an idle connection stays open. Kafka's names and
// defaults, except where Kafka's default is "no limit" and one process serves a whole class.

const MiB = 1024 * 1024;

export interface ConnectionLimitOptions {
  /** Kafka's socket.request.max.bytes (default 100 MiB): a larger size prefix closes the connection before any of it is read. */
  socketRequestMaxBytes?: number;
  /**
   * Kafka's queued.max.request.bytes: the request bytes every connection of the cluster together may
   * hold while they are read or wait to be handled; past it, connections are not read until
   * memory frees. Kafka's default -1 means no limit; kafka-lab's is 256 MiB, at least
   * socket.request.max.bytes (as Kafka requires). Connections that have not logged in yet may hold
   * a sixteenth of it between them (16 MiB by default); one whose frame does not fit in that is
   * closed rather than kept waiting.
   */
  queuedMaxRequestBytes?: number;
  /** Kafka's connections.max.idle.ms (default 600000): a connection with nothing read, written or in progress for longer is closed; -1 never. */
  connectionsMaxIdleMs?: number;
  /** Kafka's max.connections.per.ip (default: no limit): more connections from one address to one broker are closed at once. */
  maxConnectionsPerIp?: number;
  /** Kafka's max.connections (default: no limit): more connections to one broker are closed at once. */
  maxConnections?: number;
}

export type ConnectionLimits = Required<ConnectionLimitOptions>;

const NO_LIMIT = 2 ** 31 - 1; // Kafka's Int.MaxValue
/** Connections that have not logged in share this fraction of queued.max.request.bytes. */
const UNAUTHENTICATED_SHARE = 16;

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  socketRequestMaxBytes: 100 * MiB,
  queuedMaxRequestBytes: 256 * MiB,
  connectionsMaxIdleMs: 600_000,
  maxConnectionsPerIp: NO_LIMIT,
  maxConnections: NO_LIMIT,
};

/** The limits with defaults filled in, or an Error naming the option that cannot be. */
export function connectionLimits(options: ConnectionLimitOptions): ConnectionLimits {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...definedOnly(options) };
  const whole = (name: keyof ConnectionLimits, min: number) => {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number, at least ${min}, not ${value}`);
  };
  whole('socketRequestMaxBytes', 1);
  whole('maxConnectionsPerIp', 0);
  whole('maxConnections', 0);
  if (limits.connectionsMaxIdleMs !== -1) whole('connectionsMaxIdleMs', 1);
  if (limits.queuedMaxRequestBytes !== -1) {
    whole('queuedMaxRequestBytes', 1);
    if (limits.queuedMaxRequestBytes < limits.socketRequestMaxBytes) {
      throw new Error(`queuedMaxRequestBytes (${limits.queuedMaxRequestBytes}) must be at least socketRequestMaxBytes (${limits.socketRequestMaxBytes}), or -1 for no limit, as Kafka requires`);
    }
  }
  return limits;
}

const definedOnly = <T extends object>(options: T): Partial<T> =>
  Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;

/**
 * Request bytes held across the cluster (Kafka's MemoryPool for queued.max.request.bytes): a
 * connection reserves a frame's size when it reads the size prefix, and gives it back once the
 * request has been handled. A reservation that does not fit waits, its connection unread; one of
 * a connection that has not logged in, past that share, is refused (the listener closes it), so
 * waiting login-less connections hold nothing either.
 */
export class RequestMemory {
  private inUse = 0;
  private unauthenticatedInUse = 0;
  private readonly waiting = new Set<{ bytes: number; go: () => void }>();
  readonly unauthenticatedLimit: number;

  constructor(readonly limit: number) {
    this.unauthenticatedLimit = limit === -1 ? -1 : Math.floor(limit / UNAUTHENTICATED_SHARE);
  }

  /**
   * Reserves `bytes` now ('reserved'); refuses them for a connection that has not logged in when its
   * share is taken ('refused'); or calls `go` once it has reserved them ('waiting').
   */
  reserve(bytes: number, unauthenticated: boolean, go: () => void): { outcome: 'reserved' | 'refused' | 'waiting'; cancel: () => void } {
    if (this.fits(bytes, unauthenticated)) {
      this.take(bytes, unauthenticated);
      return { outcome: 'reserved', cancel: () => {} };
    }
    if (unauthenticated) return { outcome: 'refused', cancel: () => {} };
    const waiter = { bytes, go };
    this.waiting.add(waiter);
    return { outcome: 'waiting', cancel: () => this.waiting.delete(waiter) };
  }

  release(bytes: number, unauthenticated: boolean): void {
    this.inUse -= bytes;
    if (unauthenticated) this.unauthenticatedInUse -= bytes;
    for (const waiter of [...this.waiting]) {
      if (!this.fits(waiter.bytes, false)) continue;
      this.waiting.delete(waiter);
      this.take(waiter.bytes, false);
      waiter.go();
    }
  }

  /** Bytes reserved now, and by connections that have not logged in. */
  get held(): { total: number; unauthenticated: number } {
    return { total: this.inUse, unauthenticated: this.unauthenticatedInUse };
  }

  private fits(bytes: number, unauthenticated: boolean): boolean {
    if (this.limit === -1) return true;
    // A frame larger than the whole allowance could never be read: it waits for an empty pool instead.
    if (this.inUse > 0 && this.inUse + bytes > this.limit) return false;
    if (unauthenticated && this.unauthenticatedInUse > 0 && this.unauthenticatedInUse + bytes > this.unauthenticatedLimit) return false;
    return true;
  }

  private take(bytes: number, unauthenticated: boolean): void {
    this.inUse += bytes;
    if (unauthenticated) this.unauthenticatedInUse += bytes;
  }
}
