// Wiring a lab session to a cluster: the check context on its bootstrap servers (with introspection
// when kafka-lab runs the cluster itself), and the live picture from introspection events or, for
// any other cluster, from polling the admin API.

import path from 'node:path';
import { openCheckContext } from './check-runner.ts';
import type { LabCluster } from './lab-cluster.ts';
import type { LabDefinition } from './lab-definition.ts';
import { LabSession } from './lab-session.ts';
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
  const session = new LabSession({ lab, progress, context, live, onStop: () => context.close() });
  session.start();
  return session;
}
