// What the cluster looks like right now for this step: the step's faults as they fire with the
// brokers and replicas they hit (the chaos screen's picture), each watched topic's partitions with
// their offsets (a bar that grows while a producer runs), and each watched group: which member owns
// which partition, and the lag table `kafka-consumer-groups --describe` prints.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import type { LiveGroup, LivePicture } from '../engine/live.ts';
import type { FaultsView } from '../engine/step-run.ts';
import { formatMs } from '../../simulator/faults/scenario/index.ts';
import { brokerLines, lineText, partitionLines, type Line } from './chaos/picture.ts';
import { MARK, useTheme } from './theme.ts';

const BAR = 20;

function faultLines(faults: FaultsView, picture: LivePicture, watching: { topics: string[] }, width: number): Line[] {
  const state = faults.state === 'waiting' ? `waiting: they start ${faults.trigger}` : faults.state === 'running' ? 'firing' : `done${faults.completed > 1 ? ` (${faults.completed} runs)` : ''}`;
  const lines: Line[] = [[{ text: 'Faults ', bold: true }, { text: `seed ${faults.seed} · ${state}`, tone: faults.state === 'running' ? 'warn' : 'muted' }]];
  if (faults.problem) lines.push([{ text: `  ${faults.problem}`, tone: 'bad' }]);
  const entries = faults.timeline.map((e): Line => {
    const mark = e.outcome === undefined ? MARK.locked : e.outcome === 'done' ? MARK.passed : MARK.failed;
    const tone = e.outcome === undefined ? 'muted' : e.outcome === 'done' ? 'accent' : 'bad';
    return [{ text: `  ${mark} +${formatMs(e.atMs).padEnd(6)} ${e.text}${e.outcome && e.outcome !== 'done' ? `: ${e.outcome}` : ''}`, tone }];
  });
  // Several short entries to a line, so that a long scenario leaves room for the picture.
  lines.push(...packed(entries, width));
  if (picture.snapshot) {
    lines.push(...brokerLines(picture.snapshot, width));
    for (const name of watching.topics) {
      const topic = picture.snapshot.topics.find((t) => t.name === name);
      for (const p of topic?.partitions ?? []) lines.push(...partitionLines(name, p, width));
    }
  }
  return lines;
}

/** Lines side by side, two columns where they fit. */
function packed(lines: Line[], width: number): Line[] {
  const half = Math.floor(width / 2);
  if (lines.every((l) => lineText(l).length < half - 1) && lines.length > 2) {
    const out: Line[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const left = lines[i];
      out.push(lines[i + 1] ? [...left, { text: ' '.repeat(half - lineText(left).length) }, ...lines[i + 1]] : left);
    }
    return out;
  }
  return lines;
}

function topicLines(picture: LivePicture): Line[] {
  const lines: Line[] = [];
  const highest = Math.max(1, ...picture.topics.flatMap((t) => t.partitions.map((p) => p.high)));
  for (const topic of picture.topics) {
    if (!topic.exists) {
      lines.push([{ text: `topic ${topic.name}: not created yet`, tone: 'muted' }]);
      continue;
    }
    for (const p of topic.partitions) {
      const filled = Math.round((p.high / highest) * BAR);
      const range = p.low > 0 ? `offsets ${p.low}–${p.high}` : `${p.high} records`;
      lines.push([{ text: `${topic.name}[${p.partition}] ${'█'.repeat(filled)}${'░'.repeat(BAR - filled)} ${range}` }]);
    }
  }
  return lines;
}

const COLUMNS = ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'OWNER'];

/** A group's members and partitions: who owns what (a picture), then the lag table. */
export function groupLines(group: LiveGroup, picture: LivePicture, width: number): Line[] {
  const count = group.members ?? group.owners?.length;
  const facts = [group.state, group.generation !== undefined ? `generation ${group.generation}` : '', count === undefined ? '' : `${count} member${count === 1 ? '' : 's'}`].filter(Boolean);
  const head: Line = [{ text: `group ${group.group}`, bold: true }, { text: facts.length ? ` · ${facts.join(' · ')}` : '', tone: group.state === 'Stable' ? 'ok' : group.state ? 'warn' : undefined }];
  const owners = group.owners ?? [];
  const ownerOf = new Map<string, string>();
  for (const m of owners) for (const [topic, partitions] of Object.entries(m.assignment)) for (const p of partitions) ownerOf.set(`${topic}[${p}]`, m.clientId);
  // Every partition the group owns or committed, and every partition of the topics it reads.
  const rows = new Map<string, { topic: string; partition: number }>();
  for (const key of ownerOf.keys()) rows.set(key, { topic: key.slice(0, key.lastIndexOf('[')), partition: Number(key.slice(key.lastIndexOf('[') + 1, -1)) });
  for (const p of group.positions) rows.set(`${p.topic}[${p.partition}]`, p);
  for (const t of picture.topics) if ([...rows.values()].some((r) => r.topic === t.name)) for (const p of t.partitions) rows.set(`${t.name}[${p.partition}]`, { topic: t.name, partition: p.partition });
  const sorted = [...rows.entries()].sort(([, a], [, b]) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  if (sorted.length === 0) return [head, [{ text: '  nothing owned or committed yet', tone: 'muted' }]];

  const arrows = sorted.map(([key]): Line => [{ text: `${key}→` }, { text: ownerOf.get(key) ?? '(none)', tone: ownerOf.has(key) ? 'accent' : 'warn' }]);
  const picturedLines: Line[] = [];
  let current: Line = [{ text: ' ' }];
  for (const arrow of arrows) {
    if (lineText(current).length + 2 + lineText(arrow).length > width && current.length > 1) {
      picturedLines.push(current);
      current = [{ text: ' ' }];
    }
    current.push({ text: ' ' }, ...arrow);
  }
  picturedLines.push(current);

  const endOf = (topic: string, partition: number) =>
    picture.topics.find((t) => t.name === topic)?.partitions.find((p) => p.partition === partition)?.high ?? group.positions.find((p) => p.topic === topic && p.partition === partition)?.high;
  const table = sorted.map(([key, { topic, partition }]) => {
    const committed = group.positions.find((p) => p.topic === topic && p.partition === partition)?.committed;
    const end = endOf(topic, partition);
    const lag = committed === undefined || end === undefined ? '-' : String(Math.max(0, end - committed));
    return [topic, String(partition), committed === undefined ? '-' : String(committed), end === undefined ? '-' : String(end), lag, ownerOf.get(key) ?? '-'];
  });
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...table.map((r) => r[i].length)));
  const row = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`.trimEnd();
  return [head, ...picturedLines, [{ text: row(COLUMNS), tone: 'muted' }], ...table.map((cells): Line => [{ text: row(cells) }])];
}

export function liveLines(picture: LivePicture | undefined, watching: { topics: string[]; groups: string[] }, width = 80): Line[] {
  if (!picture) return watching.topics.length + watching.groups.length === 0 ? [] : [[{ text: 'live: waiting for the cluster…', tone: 'muted' }]];
  const lines: Line[] = [];
  if (picture.faults) lines.push(...faultLines(picture.faults, picture, watching, width));
  else lines.push(...topicLines(picture));
  for (const group of picture.groups) lines.push(...groupLines(group, picture, width));
  return lines;
}

export function LivePanel({ lines, width }: { lines: Line[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {lineText(line) === ''
            ? ' '
            : line.map((segment, n) => (
                <Text key={n} color={segment.tone ? theme[segment.tone] : undefined} bold={theme.color && segment.bold}>
                  {segment.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
