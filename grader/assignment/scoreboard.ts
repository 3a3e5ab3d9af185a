// The scoreboard: per group, how many submissions it sent, how many were accepted (distinct
// transactions, each counted once), what the rest were refused for, when it was last seen and when
// it first succeeded; and how the server is doing (running, its consumer's lag, transactions
// produced). Read from the store's tallies, so it costs the same on day 1 and day 14.

import { ALL_CODES, CODES } from './codes.ts';
import type { AssignmentConfig } from './state.ts';
import type { AssignmentStore } from './store.ts';

export interface GroupScore {
  vid: string;
  name: string;
  members: string[];
  submitted: number;
  accepted: number;
  /** Count per refusing code (400, 403, ...), only codes that occurred. */
  refused: Record<number, number>;
  /** When the group's last submission arrived, ms since the epoch. */
  lastSeen?: number;
  /** When its first accepted verdict was given. */
  firstSuccess?: number;
}

/** What the server writes to the store every second while it runs. */
export interface ServerStatus {
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  bootstrap: string;
  /** Submissions not yet answered: the server's consumer group's lag on submit. */
  lag: number | null;
  /** What went wrong last, if it is still wrong. */
  problem?: string;
}

export interface Scoreboard {
  assignment: string;
  groups: GroupScore[];
  /** Submissions no group can be held to: malformed records and unknown vids. */
  unattributed: { submitted: number; refused: Record<number, number>; lastSeen?: number };
  transactions: { made: number; produced: number };
  /** The server's last heartbeat, if it ever ran. */
  server?: ServerStatus;
  deadline?: string;
}

export const STATUS_KEY = 'server-status';

/** A server whose heartbeat is older than this is shown as stopped. */
export const STALE_MS = 5000;

export function scoreboard(config: AssignmentConfig, store: AssignmentStore): Scoreboard {
  const tallies = store.tallies();
  const blank = () => ({ submitted: 0, accepted: 0, refused: {} as Record<number, number>, lastSeen: undefined as number | undefined, firstSuccess: undefined as number | undefined });
  const byVid = new Map<string, ReturnType<typeof blank>>();
  for (const t of tallies) {
    const entry = byVid.get(t.vid) ?? blank();
    entry.submitted += t.count;
    entry.lastSeen = Math.max(entry.lastSeen ?? 0, t.lastAt);
    if (t.code === CODES.ACCEPTED) {
      entry.accepted = t.count;
      entry.firstSuccess = t.firstAt;
    } else entry.refused[t.code] = t.count;
    byVid.set(t.vid, entry);
  }
  const groups = config.groups.map((g): GroupScore => {
    const { submitted, accepted, refused, lastSeen, firstSuccess } = byVid.get(g.vid) ?? blank();
    return { vid: g.vid, name: g.name, members: g.members.map((m) => m.text), submitted, accepted, refused, lastSeen, firstSuccess };
  });
  const none = byVid.get('') ?? blank();
  const statusText = store.meta(STATUS_KEY);
  return {
    assignment: config.id,
    groups,
    unattributed: { submitted: none.submitted, refused: none.refused, lastSeen: none.lastSeen },
    transactions: store.transactionCounts(),
    server: statusText ? (JSON.parse(statusText) as ServerStatus) : undefined,
    deadline: config.deadline,
  };
}

/** Leaders first: most accepted, then the earliest first success, then by name. */
export function ranked(groups: GroupScore[]): GroupScore[] {
  return [...groups].sort(
    (a, b) => b.accepted - a.accepted || (a.firstSuccess ?? Infinity) - (b.firstSuccess ?? Infinity) || a.name.localeCompare(b.name),
  );
}

export function refusedCount(score: Pick<GroupScore, 'refused'>): number {
  return ALL_CODES.reduce((sum, code) => sum + (score.refused[code] ?? 0), 0);
}

export function serverRunning(board: Pick<Scoreboard, 'server'>, now = Date.now()): boolean {
  return board.server !== undefined && now - board.server.heartbeatAt < STALE_MS;
}
