// Wiring a lab session to a cluster: the check context on its bootstrap servers (with introspection
// when kafka-lab runs the cluster itself), the live picture from introspection events or, for any
// other cluster, from polling the admin API, and the lab's services, running while it is open.

import path from 'node:path';
import { openCheckContext } from './check-runner.ts';
import type { LabCluster } from './lab-cluster.ts';
import type { LabDefinition, StepDefinition } from './lab-definition.ts';
import { StepRun } from './step-run.ts';
import type { ClusterHandle } from '../../simulator/index.ts';
import { LabSession } from './lab-session.ts';
import { startLabServices } from './lab-services.ts';
import { adminSource, introspectionSource } from './live.ts';
import type { ProgressStore } from './progress.ts';

export function openLabSession(lab: LabDefinition, { cluster, progress, workspaceDir }: { cluster: LabCluster; progress: ProgressStore; workspaceDir: string }): LabSession {
  const context = openCheckContext({
    bootstrapServers: cluster.bootstrapServers,
    workspaceDir,
    schemaDirs: [path.join(lab.dir, 'schemas')],
    introspection: cluster.embedded,
  });
  const live = cluster.embedded ? introspectionSource(cluster.embedded) : adminSource(context.kafka);
  const embedded = cluster.embedded;
  const watch = embedded ? (step: StepDefinition, onChange: () => void) => watchStep(embedded, lab, step, onChange) : undefined;
  const services = startLabServices(lab, { bootstrapServers: cluster.bootstrapServers, workspaceDir });
  const session = new LabSession({
    lab,
    progress,
    context,
    live,
    watch,
    onStop: async () => {
      await (await services).stop();
      await context.close();
    },
  });
  void services.then((started) => session.showServiceNotes(started.notes));
  session.start();
  return session;
}

/** The lab's watch on one step: its faults with the lab's seed, and the topics its checks judge by what producers were promised. */
export function watchStep(cluster: ClusterHandle, lab: LabDefinition, step: StepDefinition, onChange?: () => void): StepRun {
  const recordTopics = step.checks.flatMap((c) => c.kind.recorded?.(c.params) ?? []);
  return new StepRun(cluster, step, { seed: lab.cluster.seed, recordTopics, onChange });
}
