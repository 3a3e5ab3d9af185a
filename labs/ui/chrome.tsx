// The frame shared by the screens: a header with a title and something on the right, rules, and
// the line of keys at the bottom.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import { wrap } from './markdown.ts';
import { useTheme } from './theme.ts';

export function Header({ title, right, width }: { title: string; right: string; width: number }) {
  const theme = useTheme();
  const room = Math.max(10, width - right.length - 2);
  return (
    <Box width={width}>
      <Box width={room}>
        <Text bold wrap="truncate-end">
          {title}
        </Text>
      </Box>
      <Box flexGrow={1} justifyContent="flex-end">
        <Text color={theme.accent} wrap="truncate-start">
          {right}
        </Text>
      </Box>
    </Box>
  );
}

export function Rule({ width }: { width: number }) {
  const theme = useTheme();
  return <Text color={theme.muted}>{'─'.repeat(width)}</Text>;
}

export function KeysBar({ keys, width }: { keys: string[]; width: number }) {
  const theme = useTheme();
  return (
    <Text color={theme.muted} wrap="truncate-end">
      {keys.filter(Boolean).join('  ').slice(0, width)}
    </Text>
  );
}

/** Notes wrapped to the width: each note keeps every word (an address to copy must not be cut). */
export function noteLines(notes: string[], width: number): string[] {
  return notes.flatMap((note) => wrap([{ text: note }], width).map((line) => line.map((s) => s.text).join('')));
}

export function Notes({ notes, width }: { notes: string[]; width: number }) {
  const theme = useTheme();
  return (
    <>
      {noteLines(notes, width).map((line, index) => (
        <Text key={index} color={theme.warn}>
          {line}
        </Text>
      ))}
    </>
  );
}
