// Runs the chaos screen in this terminal, in the alternate screen so that leaving — q, Ctrl-C,
// SIGTERM — gives the terminal back as it was. The cluster is the caller's: it keeps running
// until the caller stops it.

/** @jsxRuntime automatic @jsxImportSource react */

import { render, useApp, useWindowSize } from 'ink';
import type { ClusterHandle } from '../../../simulator/index.ts';
import { ThemeContext, themeFor } from '../theme.ts';
import { ChaosScreen } from './ChaosScreen.tsx';

function ChaosApp({ cluster, scenarioPath }: { cluster: ClusterHandle; scenarioPath?: string }) {
  const { exit } = useApp();
  const { columns, rows } = useWindowSize();
  // One row spare: a frame as tall as the terminal would scroll its first line away.
  return <ChaosScreen cluster={cluster} bootstrap={cluster.bootstrapServers.join(',')} width={columns} height={rows - 1} scenarioPath={scenarioPath} onQuit={() => exit()} />;
}

/** Resolves when the screen is closed. */
export async function showChaos(cluster: ClusterHandle, { scenarioPath }: { scenarioPath?: string } = {}): Promise<void> {
  const instance = render(
    <ThemeContext.Provider value={themeFor()}>
      <ChaosApp cluster={cluster} scenarioPath={scenarioPath} />
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
    // An error inside the screen has unmounted it: the caller still stops the cluster.
  } finally {
    process.off('SIGTERM', leave);
    process.off('SIGHUP', leave);
  }
}
