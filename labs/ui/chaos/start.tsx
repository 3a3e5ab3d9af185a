// Runs the chaos screen in this terminal, in the alternate screen so that leaving — q, Ctrl-C,
// SIGTERM — gives the terminal back as it was. The cluster is the caller's: it keeps running
// until the caller stops it.

/** @jsxRuntime automatic @jsxImportSource react */

import type { ClusterHandle } from '../../../simulator/index.ts';
import { runFullScreen } from '../full-screen.tsx';
import { ChaosScreen } from './ChaosScreen.tsx';

/** Resolves when the screen is closed. */
export function showChaos(cluster: ClusterHandle, { scenarioPath }: { scenarioPath?: string } = {}): Promise<void> {
  return runFullScreen(({ width, height, quit }) => (
    <ChaosScreen cluster={cluster} bootstrap={cluster.bootstrapServers.join(',')} width={width} height={height} scenarioPath={scenarioPath} onQuit={quit} />
  ));
}
