// The whole-terminal screens (`kafka-lab chaos`, `kafka-lab assignment status`): an Ink app in the
// alternate screen, sized to the terminal, so that leaving — q, Ctrl-C, SIGTERM, a closed window —
// gives the terminal back as it was; and the lines such a screen is laid out in, drawn with the
// theme's colours (none under NO_COLOR).

/** @jsxRuntime automatic @jsxImportSource react */

import type { ReactNode } from 'react';
import { Box, render, Text, useApp, useWindowSize } from 'ink';
import type { Tone } from './chaos/event-line.ts';
import { lineText, type Line } from './chaos/picture.ts';
import { ThemeContext, themeFor, useTheme } from './theme.ts';

/** What a screen gets: the room it has (one row spare, or a frame as tall as the terminal scrolls its first line away), and how to close. */
export interface ScreenRoom {
  width: number;
  height: number;
  quit(): void;
}

function Sized({ screen }: { screen: (room: ScreenRoom) => ReactNode }) {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  return <>{screen({ width: columns, height: rows - 1, quit: () => exit() })}</>;
}

/** Shows `screen` until it quits (or the process is told to stop); resolves then. */
export async function runFullScreen(screen: (room: ScreenRoom) => ReactNode): Promise<void> {
  const instance = render(
    <ThemeContext.Provider value={themeFor()}>
      <Sized screen={screen} />
    </ThemeContext.Provider>,
    // Interactive even where CI=true is set: this only runs on a real terminal.
    { alternateScreen: true, interactive: true, exitOnCtrlC: true },
  );
  const leave = () => instance.unmount();
  process.once('SIGTERM', leave);
  process.once('SIGHUP', leave);
  try {
    await instance.waitUntilExit();
  } catch {
    // An error inside the screen has unmounted it: the caller still cleans up after it.
  } finally {
    process.off('SIGTERM', leave);
    process.off('SIGHUP', leave);
  }
}

/** Lines of toned segments, one <Text> each, never wrapped again by Ink. */
export function ToneLines({ lines, width }: { lines: Line[]; width: number }) {
  const theme = useTheme();
  const colour = (tone?: Tone) => (tone ? theme[tone] : undefined);
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end">
          {lineText(line) === ''
            ? ' '
            : line.map((segment, n) => (
                <Text key={n} color={colour(segment.tone)} bold={theme.color && segment.bold}>
                  {segment.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
