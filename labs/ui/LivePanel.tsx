// What the cluster looks like right now for this step: each watched topic's partitions with their
// offsets (a bar that grows while a producer runs), each watched group's committed position and lag.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import type { LivePicture } from '../engine/live.ts';
import { useTheme } from './theme.ts';

const BAR = 20;

export function liveLines(picture: LivePicture | undefined, watching: { topics: string[]; groups: string[] }): { text: string; tone?: 'muted' }[] {
  if (watching.topics.length + watching.groups.length === 0) return [];
  if (!picture) return [{ text: 'live: waiting for the cluster…', tone: 'muted' }];
  const lines: { text: string; tone?: 'muted' }[] = [];
  const highest = Math.max(1, ...picture.topics.flatMap((t) => t.partitions.map((p) => p.high)));
  for (const topic of picture.topics) {
    if (!topic.exists) {
      lines.push({ text: `topic ${topic.name}: not created yet`, tone: 'muted' });
      continue;
    }
    for (const p of topic.partitions) {
      const filled = Math.round((p.high / highest) * BAR);
      const range = p.low > 0 ? `offsets ${p.low}–${p.high}` : `${p.high} records`;
      lines.push({ text: `${topic.name}[${p.partition}] ${'█'.repeat(filled)}${'░'.repeat(BAR - filled)} ${range}` });
    }
  }
  for (const group of picture.groups) {
    const members = group.members === undefined ? '' : `, ${group.members} member${group.members === 1 ? '' : 's'}`;
    if (group.positions.length === 0) {
      lines.push({ text: `group ${group.group}: nothing committed yet${members}`, tone: 'muted' });
      continue;
    }
    const positions = group.positions.map((p) => `${p.topic}[${p.partition}] at ${p.committed}, lag ${Math.max(0, p.high - p.committed)}`);
    lines.push({ text: `group ${group.group}: ${positions.join('; ')}${members}` });
  }
  return lines;
}

export function LivePanel({ lines, width }: { lines: { text: string; tone?: 'muted' }[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end" color={line.tone === 'muted' ? theme.muted : undefined}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
