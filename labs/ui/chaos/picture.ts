// The chaos screen as lines, from a snapshot of the cluster and its recent events: brokers, the
// network, each partition's leader, ISR, high watermark and log end offset with a bar per replica,
// consumer groups with members, assignments and lag, and the event feed — fitted to the terminal.
// Pure, so that what the screen says can be checked without a terminal. Every mark reads without
// colour too: ★ leader, ! a broker that still believes it leads, ✗ out of the ISR; █ committed,
// ▒ not yet committed (above the high watermark).

import type { ClusterSnapshot, PartitionSnapshot, TimedEvent } from '../../../simulator/index.ts';
import { clock, cutText, feedLine, type Tone } from './event-line.ts';

export interface Segment {
  text: string;
  tone?: Tone;
  bold?: boolean;
}
export type Line = Segment[];

export interface ChaosView {
  snapshot: ClusterSnapshot;
  events: TimedEvent[];
  bootstrap: string;
  /** The broker the keys act on. */
  selected: number;
  /** What the last key did, or went wrong. */
  status?: { text: string; tone?: Tone };
  /** The scenario path being typed after `l`, or null. */
  prompt: string | null;
  /** Keys offered: the scenario key only when scenarios can be loaded. */
  scenarios: boolean;
}

const BAR = 10;

export const lineText = (line: Line) => line.map((s) => s.text).join('');

/** Cuts a line to `width` characters, marking the cut with "…". */
export function fitLine(line: Line, width: number): Line {
  if (lineText(line).length <= width) return line;
  const out: Line = [];
  let room = width - 1;
  for (const segment of line) {
    if (room <= 0) break;
    out.push({ ...segment, text: segment.text.slice(0, room) });
    room -= segment.text.length;
  }
  out.push({ text: '…' });
  return out;
}

/** Words (here: addresses) on as many lines as they need, never cut. */
function wrapWords(words: string[], width: number, separator: string): string[] {
  const lines: string[] = [];
  for (const word of words) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + separator.length + word.length <= width) lines[lines.length - 1] = last + separator + word;
    else lines.push(word);
  }
  return lines;
}

function header(view: ChaosView, width: number): Line[] {
  const { snapshot } = view;
  const controller = snapshot.controllerId < 0 ? 'no controller' : `controller ${snapshot.controllerId}`;
  const title: Line = [{ text: 'kafka-lab chaos', bold: true }, { text: ` · ${snapshot.brokers.length} brokers · ${controller}`, tone: 'muted' }];
  const addresses = wrapWords(`bootstrap=${view.bootstrap}`.split(/(?<=,)/), width, '');
  return [title, ...addresses.map((text) => [{ text, tone: 'accent' as const }])];
}

/** Brokers (up, down, paused, fenced, the controller) and the network's cut links. */
export function brokerLines(snapshot: ClusterSnapshot, width: number, selected?: number): Line[] {
  const cells = snapshot.brokers.map((b): Line => {
    const state = b.state === 'up' && b.fenced ? 'up, fenced' : b.state;
    const tone: Tone = b.state === 'down' ? 'bad' : b.state === 'paused' || b.fenced ? 'warn' : 'ok';
    const mark = b.id === selected ? '▸' : ' ';
    const extra = b.id === snapshot.controllerId ? ' controller' : '';
    return [{ text: `${mark}${b.id} `, bold: b.id === selected }, { text: state, tone }, { text: extra, tone: 'muted' }];
  });
  const lines: Line[] = [];
  let current: Line = [{ text: 'Brokers ', bold: true }];
  for (const cell of cells) {
    const separator = current.length > 1 ? '  ' : '';
    if (current.length > 1 && lineText(current).length + separator.length + lineText(cell).length > width) {
      lines.push(current);
      current = [{ text: ' '.repeat(8) }, ...cell];
    } else current.push({ text: separator }, ...cell);
  }
  lines.push(current);
  const cut = snapshot.network.cut;
  lines.push([{ text: 'Network ', bold: true }, cut.length === 0 ? { text: 'all links up', tone: 'ok' } : { text: `cut ${cutText(cut)}`, tone: 'warn' }]);
  return lines;
}

/** One replica's log as a bar: committed records, records above the high watermark, and what it lacks. */
function replicaBar(logEndOffset: number, highWatermark: number, scale: number, bar: number): string {
  const committed = Math.round((Math.min(logEndOffset, highWatermark) / scale) * bar);
  const held = Math.max(committed, Math.round((logEndOffset / scale) * bar));
  return '█'.repeat(committed) + '▒'.repeat(held - committed) + '░'.repeat(bar - held);
}

/** A partition's leader, epoch, ISR, high watermark and end, and a bar per replica. */
export function partitionLines(topic: string, p: PartitionSnapshot, width: number): Line[] {
  const leader: Segment = p.leader < 0 ? { text: 'OFFLINE', tone: 'bad', bold: true } : { text: `leader ${p.leader}` };
  const underReplicated = p.isr.length < p.replicas.length;
  const first: Line = [
    { text: `${topic}[${p.partition}] `, bold: true },
    leader,
    { text: ` · epoch ${p.leaderEpoch} · ` },
    { text: `ISR ${p.isr.join(',') || 'none'}`, tone: underReplicated ? 'warn' : undefined },
    { text: ` · hw ${p.highWatermark} · leo ${p.logEndOffset}` },
  ];
  const scale = Math.max(1, ...p.replicaStates.map((r) => r.logEndOffset));
  // Bars shrink so that every replica fits on the line (a cell is about 12 characters besides its bar).
  const bar = Math.max(3, Math.min(BAR, Math.floor((width - 2) / Math.max(1, p.replicaStates.length)) - 12));
  const second: Line = [{ text: '  ' }];
  for (const r of p.replicaStates) {
    const isLeader = r.brokerId === p.leader;
    const mark = isLeader ? '★' : r.believesLeader ? '!' : r.inSync ? ' ' : '✗';
    const tone: Tone | undefined = isLeader ? 'accent' : r.believesLeader ? 'bad' : r.inSync ? undefined : 'warn';
    second.push({ text: `${mark}${r.brokerId} `, tone }, { text: replicaBar(r.logEndOffset, p.highWatermark, scale, bar) }, { text: ` ${r.logEndOffset}  ` });
  }
  return [first, second];
}

function partitions(view: ChaosView, width: number): Line[] {
  const topics = view.snapshot.topics.filter((t) => !t.internal && !t.name.startsWith('__'));
  if (topics.length === 0) return [[{ text: 'No topics yet: the topics your programs write to appear here.', tone: 'muted' }]];
  return topics.flatMap((t) => t.partitions.flatMap((p) => partitionLines(t.name, p, width)));
}

function groups(view: ChaosView): Line[] {
  return view.snapshot.groups
    .filter((g) => g.members.length > 0 || g.offsets.length > 0)
    .flatMap((g): Line[] => {
      const lag = g.offsets.reduce((sum, o) => sum + Math.max(0, o.lag), 0);
      const first: Line = [
        { text: `group ${g.groupId} `, bold: true },
        { text: g.state, tone: g.state === 'Stable' ? 'ok' : g.state === 'Empty' ? 'muted' : 'warn' },
        { text: ` · generation ${g.generationId} · coordinator ${g.coordinator} · lag ${lag}` },
      ];
      const members = g.members.map((m): Line => {
        const assigned = Object.entries(m.assignment ?? {}).map(([topic, ps]) => `${topic}[${ps.join(',')}]`);
        return [{ text: `  ${m.clientId} ` }, { text: assigned.length > 0 ? assigned.join(' ') : 'no partitions', tone: 'muted' }];
      });
      const lags = g.offsets.filter((o) => o.lag > 0).map((o) => `${o.topic}[${o.partition}] ${o.lag}`);
      return [first, ...members, ...(lags.length > 0 ? [[{ text: `  lag: ${lags.join(', ')}`, tone: 'muted' as const }]] : [])];
    });
}

function feed(view: ChaosView): Line[] {
  return view.events.flatMap((event) => {
    const line = feedLine(event);
    return line ? [[{ text: `${clock(line.time)} `, tone: 'muted' as const }, { text: line.text, tone: line.tone }]] : [];
  });
}

export function keysText(view: ChaosView): string {
  if (view.prompt !== null) return 'Enter load  Esc cancel';
  return ['k kill', 'r restart', 'p pause', 's split', 'c cut clients', 'h heal', view.scenarios ? 'l scenario' : '', 'q quit'].filter(Boolean).join('  ');
}

/** What the status line says before any key: which broker the keys act on, and how to pick another. */
function selectionText(view: ChaosView): string {
  const ids = view.snapshot.brokers.map((b) => b.id).filter((id) => id <= 9);
  const pick = ids.length > 1 ? `; ${ids[0]}-${ids.at(-1)} picks another` : '';
  return `keys act on broker ${view.selected}${pick}`;
}

/** Takes up to `room` lines of a section, ending with "… N more" when it had to leave some out. */
function take(lines: Line[], room: number, what: string, newest = false): Line[] {
  if (lines.length <= room) return lines;
  if (room <= 0) return [];
  const kept = newest ? lines.slice(lines.length - (room - 1)) : lines.slice(0, room - 1);
  return newest ? [[{ text: `… ${lines.length - kept.length} earlier ${what}`, tone: 'muted' }], ...kept] : [...kept, [{ text: `… ${lines.length - kept.length} more ${what}`, tone: 'muted' }]];
}

/** The whole screen, `height` lines at most, each at most `width` characters. */
export function chaosLines(view: ChaosView, width: number, height: number): Line[] {
  const rule: Line = [{ text: '─'.repeat(width), tone: 'muted' }];
  const top = [...header(view, width), rule, ...brokerLines(view.snapshot, width, view.selected), rule];
  const status: Line =
    view.prompt !== null
      ? [{ text: 'scenario file: ', bold: true }, { text: `${view.prompt}█` }]
      : [{ text: view.status?.text ?? selectionText(view), tone: view.status?.tone ?? 'muted' }];
  const bottom: Line[] = [rule, status, [{ text: keysText(view), tone: 'muted' }]];

  const sections = { partitions: partitions(view, width), groups: groups(view), events: feed(view) };
  const titled = (title: string, lines: Line[]) => (lines.length > 0 ? [[{ text: title, bold: true }] as Line, ...lines] : []);
  let room = Math.max(0, height - top.length - bottom.length);
  // Partitions first (up to half the room), then groups (up to a quarter), the feed gets the rest.
  const partitionRoom = Math.min(sections.partitions.length + 1, Math.max(3, Math.floor(room / 2)), room);
  const shownPartitions = titled('Partitions  ★ leader  ✗ out of ISR  █ committed  ▒ above hw', take(sections.partitions, partitionRoom - 1, 'lines'));
  room -= shownPartitions.length;
  const groupRoom = Math.min(sections.groups.length + 1, Math.max(0, Math.floor(room / 2)));
  const shownGroups = groupRoom > 1 ? titled('Groups', take(sections.groups, groupRoom - 1, 'lines')) : [];
  room -= shownGroups.length;
  const shownEvents = room > 1 ? titled('Events', take(sections.events, room - 1, 'events', true)) : [];

  return [...top, ...shownPartitions, ...shownGroups, ...shownEvents, ...bottom].slice(0, Math.max(height, bottom.length)).map((line) => fitLine(line, width));
}
