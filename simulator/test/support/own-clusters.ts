// Clusters a test starts and stops itself — to restart one over its data dir, or to crash it — and
// the data dirs it makes: whatever is still running after a test is stopped, and the folders are
// removed after the file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { Cluster, type ClusterOptions } from '../../index.ts';

export interface OwnClusters {
  /** A fresh, empty folder under the OS temp dir. */
  dataDir(): string;
  start(options?: ClusterOptions): Promise<Cluster>;
  stop(cluster: Cluster): Promise<void>;
}

export function ownClusters(prefix: string, defaults: ClusterOptions = {}): OwnClusters {
  const running = new Set<Cluster>();
  const directories: string[] = [];
  afterEach(async () => {
    for (const cluster of running) await cluster.stop();
    running.clear();
  });
  afterAll(() => {
    for (const dir of directories) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dataDir() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-lab-${prefix}-`));
      directories.push(dir);
      return dir;
    },
    async start(options = {}) {
      const cluster = new Cluster({ ...defaults, ...options });
      await cluster.start();
      running.add(cluster);
      return cluster;
    },
    async stop(cluster) {
      running.delete(cluster);
      await cluster.stop();
    },
  };
}
