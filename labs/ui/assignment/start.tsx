// Runs the scoreboard in this terminal, in the alternate screen so that leaving — q, Ctrl-C,
// SIGTERM — gives the terminal back as it was.

/** @jsxRuntime automatic @jsxImportSource react */

import { render, useApp, useWindowSize } from 'ink';
import type { AssignmentConfig, Scoreboard } from '../../../grader/assignment/index.ts';
import { ThemeContext, themeFor } from '../theme.ts';
import { ScoreboardScreen } from './ScoreboardScreen.tsx';

function ScoreboardApp({ config, read }: { config: AssignmentConfig; read: () => Scoreboard | undefined }) {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  // One row spare: a frame as tall as the terminal would scroll its first line away.
  return <ScoreboardScreen config={config} read={read} width={columns} height={rows - 1} onQuit={() => exit()} />;
}

/** Resolves when the screen is closed. */
export async function showScoreboard(config: AssignmentConfig, read: () => Scoreboard | undefined): Promise<void> {
  const instance = render(
    <ThemeContext.Provider value={themeFor()}>
      <ScoreboardApp config={config} read={read} />
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
    // An error inside the screen has unmounted it.
  } finally {
    process.off('SIGTERM', leave);
    process.off('SIGHUP', leave);
  }
}
