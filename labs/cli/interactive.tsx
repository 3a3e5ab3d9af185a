// Runs the Ink app for `kafka-lab` and `kafka-lab lab`: loads the labs, opens the cluster, renders,
// and cleans up whatever way the student leaves.

/** @jsxRuntime automatic @jsxImportSource react */

import { render } from 'ink';
import { App } from '../ui/App.tsx';
import { ThemeContext, themeFor } from '../ui/theme.ts';
import { openLabCluster, type LabCluster } from '../engine/lab-cluster.ts';
import { DEFAULT_CLUSTER, findLab, loadLabs } from '../engine/load.ts';
import { openLabSession } from '../engine/open-session.ts';
import { ProgressStore } from '../engine/progress.ts';
import { findWorkspace, readWorkspaceConfig } from '../engine/workspace.ts';
import type { LabOptions } from './commands/lab.ts';
import { quietKafkajsTimerWarning } from './quiet-warnings.ts';

export async function startInteractive(id: string | undefined, options: LabOptions, fail: (message: string) => never): Promise<number> {
  quietKafkajsTimerWarning();
  let labs;
  try {
    labs = loadLabs();
    if (id !== undefined) findLab(id);
  } catch (error) {
    return fail((error as Error).message);
  }
  const lab = labs.find((l) => l.id === id);
  const progress = new ProgressStore();
  if (lab && options.reset) progress.reset(lab.id);

  const workspaceDir = options.workspace ?? findWorkspace() ?? process.cwd();
  const notes: string[] = [];
  if (!options.workspace && !findWorkspace()) notes.push(`No workspace here: create one with \`kafka-lab init <dir>\` and start from it.`);
  if (progress.warning) notes.push(progress.warning);

  let cluster: LabCluster;
  try {
    cluster = await openLabCluster({
      settings: lab?.cluster ?? labs[0]?.cluster ?? DEFAULT_CLUSTER,
      port: options.port,
      bootstrap: options.bootstrap?.split(',').map((s) => s.trim()).filter(Boolean),
      dataDir: options.dataDir,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  const bootstrap = cluster.bootstrapServers.join(',');
  if (cluster.origin === 'already-running') notes.push(`Using ${cluster.description} (checks use the Kafka API).`);
  const configured = readWorkspaceConfig(workspaceDir)?.bootstrap;
  if (configured && configured !== bootstrap && process.env.KAFKA_BOOTSTRAP !== bootstrap) {
    notes.push(`Your programs read ${configured} from kafka-lab.json; point them at this cluster with:`, `  export KAFKA_BOOTSTRAP=${bootstrap}`);
  }

  const instance = render(
    <ThemeContext.Provider value={themeFor()}>
      <App labs={labs} progress={progress} bootstrap={bootstrap} notes={notes} initialLab={lab?.id} openSession={(l) => openLabSession(l, { cluster, progress, workspaceDir })} />
    </ThemeContext.Provider>,
    // Interactive even where CI=true is set: this only runs on a real terminal.
    { alternateScreen: true, interactive: true, exitOnCtrlC: true },
  );
  const leave = () => instance.unmount();
  // Ctrl-C arrives as a key (the terminal is in raw mode); these come from elsewhere (kill, a closed window).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, leave);
  try {
    await instance.waitUntilExit();
  } catch {
    // An error inside the app has unmounted it: still stop the cluster below.
  }
  await cluster.stop();
  process.stdout.write(`kafka-lab: your progress is kept in ${progress.file}\n`);
  return 0;
}
