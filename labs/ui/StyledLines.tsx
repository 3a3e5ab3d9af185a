// Renders lines laid out by markdown.ts, one <Text> per line, never wrapped again by Ink.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import type { Line } from './markdown.ts';
import { useTheme } from './theme.ts';

export function StyledLines({ lines, width }: { lines: Line[]; width: number }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {line.every((segment) => segment.text === '')
            ? ' '
            : line.map((segment, n) => (
                <Text key={n} bold={segment.bold} color={segment.code ? theme.accent : undefined}>
                  {segment.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
