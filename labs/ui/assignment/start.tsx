// Runs the scoreboard in this terminal, in the alternate screen so that leaving — q, Ctrl-C,
// SIGTERM — gives the terminal back as it was.

/** @jsxRuntime automatic @jsxImportSource react */

import type { AssignmentConfig, Scoreboard } from '../../../grader/assignment/index.ts';
import { runFullScreen } from '../full-screen.tsx';
import { ScoreboardScreen } from './ScoreboardScreen.tsx';

/** Resolves when the screen is closed. */
export function showScoreboard(config: AssignmentConfig, read: () => Scoreboard | undefined): Promise<void> {
  return runFullScreen(({ width, height, quit }) => <ScoreboardScreen config={config} read={read} width={width} height={height} onQuit={quit} />);
}
