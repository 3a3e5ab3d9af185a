// The assignment's scoreboard as lines: the server (running or not, its consumer's lag, the
// transactions it produced, the deadline), then a row per group — rank, name, vid, submissions
// sent, accepted, refused (with the commonest reason), last seen, and a bar of accepted against
// the leader — then the class's totals. Pure, so `status` prints the same table without a terminal
// and tests read it without one. Every mark reads without colour.

import { CODE_NAMES, refusedCount, serverRunning, type AssignmentConfig, type Code, type GroupScore, type Scoreboard } from '../../../grader/assignment/index.ts';
import { clock } from '../chaos/event-line.ts';
import { fitLine, lineText, type Line, type Segment } from '../chaos/picture.ts';

export type SortOrder = 'accepted' | 'name' | 'last seen';
export const SORT_ORDERS: readonly SortOrder[] = ['accepted', 'name', 'last seen'];

export interface ScoreboardView {
  config: AssignmentConfig;
  /** Undefined before any server ran (no store yet). */
  board: Scoreboard | undefined;
  now: number;
  sort: SortOrder;
  /** The first group row shown. */
  scroll: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const pad = (text: string, width: number) => (text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length));
const right = (text: string, width: number) => (text.length >= width ? text.slice(0, width) : ' '.repeat(width - text.length) + text);

/** "12:03:04" today, "Dec 01" before. */
function when(ms: number | undefined, now: number): string {
  if (ms === undefined) return '—';
  if (now - ms < 24 * 3600_000 && new Date(ms).getDate() === new Date(now).getDate()) return clock(ms);
  const d = new Date(ms);
  return `${d.toLocaleString('en-US', { month: 'short' })} ${String(d.getDate()).padStart(2, '0')}`;
}

/** "3 d 4 h", "2 h 05 min", "40 s". */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 86_400) return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min`;
  return `${s} s`;
}

/** "403×10, 409×2": refusals by code, commonest first. */
export function refusalText(refused: Record<number, number>, max = 3): string {
  const entries = Object.entries(refused)
    .map(([code, n]) => [Number(code), n] as const)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const shown = entries.slice(0, max).map(([code, n]) => `${code}×${count(n)}`);
  return entries.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

export function sortGroups(groups: GroupScore[], sort: SortOrder): GroupScore[] {
  const byName = (a: GroupScore, b: GroupScore) => a.name.localeCompare(b.name);
  if (sort === 'name') return [...groups].sort(byName);
  if (sort === 'last seen') return [...groups].sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0) || byName(a, b));
  return [...groups].sort((a, b) => b.accepted - a.accepted || (a.firstSuccess ?? Infinity) - (b.firstSuccess ?? Infinity) || byName(a, b));
}

function header(view: ScoreboardView): Line[] {
  const { config, board, now } = view;
  const title: Line = [{ text: 'kafka-lab assignment ', bold: true }, { text: `${config.id} · ${config.groups.length} group${config.groups.length === 1 ? '' : 's'}`, tone: 'muted' }];
  let server: Line;
  if (!board?.server) server = [{ text: 'server: ', bold: true }, { text: 'has not run yet', tone: 'muted' }];
  else if (serverRunning(board, now)) {
    const lag = board.server.lag === null ? 'lag unknown' : `lag ${count(board.server.lag)}`;
    server = [
      { text: 'server: ', bold: true },
      { text: 'running', tone: 'ok' },
      { text: ` · pid ${board.server.pid} · ` },
      { text: lag, tone: board.server.lag ? 'warn' : undefined },
      { text: ` · ${count(board.transactions.produced)} transactions sent` },
    ];
  } else {
    const last = board.server.heartbeatAt > 0 ? `last heard ${when(board.server.heartbeatAt, now)}` : 'stopped cleanly';
    server = [{ text: 'server: ', bold: true }, { text: 'not running', tone: 'bad' }, { text: ` (${last}) · ${count(board.transactions.produced)} transactions sent`, tone: 'muted' }];
  }
  const lines = [title, server];
  if (config.deadline) {
    const deadline = Date.parse(config.deadline);
    const left = deadline - now;
    lines.push([{ text: 'deadline: ', bold: true }, { text: `${config.deadline.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` }, left > 0 ? { text: ` (in ${duration(left)})`, tone: left < 3600_000 ? 'warn' : 'muted' } : { text: ' (passed: new submissions get 408)', tone: 'bad' }]);
  }
  if (board?.server?.problem && serverRunning(board, now)) lines.push([{ text: 'problem: ', bold: true, tone: 'bad' }, { text: board.server.problem, tone: 'bad' }]);
  return lines;
}

interface Columns {
  name: number;
  bar: number;
}

function columnsFor(width: number): Columns {
  // rank 3, vid 5, sent 7, accepted 9, refused 11, last seen 9, and the spaces between.
  const fixed = 3 + 1 + 5 + 7 + 9 + 1 + 11 + 1 + 9;
  const room = Math.max(12, width - fixed - 1);
  const bar = room >= 28 ? Math.min(24, room - 18) : 0;
  return { name: Math.max(12, room - bar - (bar > 0 ? 1 : 0)), bar };
}

function tableHeader(c: Columns): Line {
  const text = `${right('#', 3)} ${pad('group', c.name)}${pad('vid', 5)}${right('sent', 7)}${right('accepted', 9)} ${pad('refused', 11)} ${pad('last seen', 9)}${c.bar > 0 ? ` ${pad('accepted', c.bar)}` : ''}`;
  return [{ text, bold: true }];
}

function groupRow(g: GroupScore, rank: number, leader: number, c: Columns, now: number): Line {
  const refused = refusedCount(g);
  const why = refused > 0 ? `${count(refused)} (${refusalText(g.refused, 1).replace(/×.*/, '')})` : '0';
  const filled = leader > 0 ? Math.round((g.accepted / leader) * c.bar) : 0;
  const row: Segment[] = [
    { text: `${right(String(rank), 3)} ` },
    { text: pad(g.name, c.name), bold: rank === 1 && g.accepted > 0 },
    { text: pad(g.vid, 5), tone: 'muted' },
    { text: right(count(g.submitted), 7) },
    { text: right(count(g.accepted), 9), tone: g.accepted > 0 ? 'ok' : undefined },
    { text: ` ${pad(why, 11)}`, tone: refused > g.accepted ? 'warn' : undefined },
    { text: ` ${pad(when(g.lastSeen, now), 9)}`, tone: 'muted' },
  ];
  if (c.bar > 0) row.push({ text: ` ${'█'.repeat(filled)}${'░'.repeat(c.bar - filled)}`, tone: 'ok' });
  return row;
}

function totals(view: ScoreboardView): Line[] {
  const { board } = view;
  if (!board) return [[{ text: 'No submissions yet: the store is made when the server first runs.', tone: 'muted' }]];
  const sent = board.groups.reduce((s, g) => s + g.submitted, 0);
  const accepted = board.groups.reduce((s, g) => s + g.accepted, 0);
  const refused: Record<number, number> = {};
  for (const g of board.groups) for (const [code, n] of Object.entries(g.refused)) refused[Number(code)] = (refused[Number(code)] ?? 0) + n;
  const lines: Line[] = [
    [{ text: 'class: ', bold: true }, { text: `${count(sent)} sent, ${count(accepted)} accepted, ${count(sent - accepted)} refused${sent > accepted ? ` (${refusalText(refused, 4)})` : ''}` }],
  ];
  const u = board.unattributed;
  if (u.submitted > 0) lines.push([{ text: 'no group: ', bold: true }, { text: `${count(u.submitted)} (${Object.entries(u.refused).map(([code, n]) => `${code} ${CODE_NAMES[Number(code) as Code] ?? ''}×${count(n)}`).join(', ')})`, tone: 'warn' }]);
  return lines;
}

export function keysText(view: Pick<ScoreboardView, 'sort'>): string {
  return `↑/↓ scroll  s sort (now by ${view.sort})  q quit`;
}

/** The whole screen, at most `height` lines of at most `width` characters. */
export function scoreboardLines(view: ScoreboardView, width: number, height: number): Line[] {
  const rule: Line = [{ text: '─'.repeat(width), tone: 'muted' }];
  const c = columnsFor(width);
  const groups = sortGroups(view.board?.groups ?? view.config.groups.map((g) => ({ vid: g.vid, name: g.name, members: [], submitted: 0, accepted: 0, refused: {} })), view.sort);
  const leader = Math.max(0, ...groups.map((g) => g.accepted));
  const ranks = new Map(sortGroups(groups, 'accepted').map((g, i) => [g.vid, i + 1]));
  const top = [...header(view), rule, tableHeader(c)];
  const bottom = [rule, ...totals(view), [{ text: keysText(view), tone: 'muted' as const }]];
  const room = Math.max(1, height - top.length - bottom.length);
  const scroll = Math.max(0, Math.min(view.scroll, Math.max(0, groups.length - room)));
  let rows = groups.slice(scroll, scroll + room).map((g) => groupRow(g, ranks.get(g.vid)!, leader, c, view.now));
  const above = scroll;
  const below = groups.length - scroll - rows.length;
  if (below > 0 && rows.length > 0) rows = [...rows.slice(0, -1), [{ text: `    … ${below + 1} more below (↓)`, tone: 'muted' }]];
  if (above > 0 && rows.length > 0) rows = [[{ text: `    … ${above + 1} more above (↑)`, tone: 'muted' }], ...rows.slice(1)];
  return [...top, ...rows, ...bottom].map((line) => fitLine(line, width));
}

/** The scoreboard once, as plain text: every group, no colour (status without a terminal). */
export function scoreboardText(config: AssignmentConfig, board: Scoreboard | undefined, { width = 80, now = Date.now() }: { width?: number; now?: number } = {}): string {
  const lines = scoreboardLines({ config, board, now, sort: 'accepted', scroll: 0 }, Math.max(60, width), Number.MAX_SAFE_INTEGER);
  return lines
    .slice(0, -1) // no keys without a terminal
    .map((line) => lineText(line).trimEnd())
    .join('\n');
}
