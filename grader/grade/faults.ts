// Fault tests, whatever is graded: a simulator cluster of the test's own (only the simulator
// injects request faults, so scores match across providers), the scenario fired with the run's
// seed while the programs work, a healthy cluster again before judging, and the scenario written
// out with its seed so that `kafka-lab broker --scenario` replays exactly what was graded.

import fs from 'node:fs';
import path from 'node:path';
import { startCluster, type ClusterHandle, type ClusterOptions } from '../../simulator/index.ts';
import { runScenario, ScenarioError } from '../../simulator/faults/scenario/index.ts';
import type { FaultScenario } from './grading-fields.ts';
import type { TestResult } from './grading.ts';

export type FaultsReport = NonNullable<TestResult['faults']>;

export interface FaultCluster {
  cluster: ClusterHandle;
  seed: number;
  /**
   * Fires the scenario now; `end` stops it and heals the cluster. `error` when it could not start:
   * a step names a broker by a role nothing has (the leader of a topic the submission never made).
   */
  fire(): Promise<{ error?: string; end(): Promise<void> }>;
  /** What fired, when, and how to replay it. */
  report(): FaultsReport;
  stop(): Promise<void>;
}

/**
 * The test's cluster: `cluster`'s settings (the lab's), its brokers unless the test names how many,
 * a short broker session (a killed broker is fenced within 2 s) and the run's seed.
 */
export async function startFaultCluster(
  fault: FaultScenario,
  { seed, scenarioFile, cluster: settings = {} }: { seed: number; scenarioFile: string; cluster?: Omit<ClusterOptions, 'port'> },
): Promise<FaultCluster> {
  const brokers = fault.brokers ?? settings.brokers ?? 1;
  const cluster = await startCluster({ groupInitialRebalanceDelayMs: 0, ...settings, brokers, port: 0, seed, brokerSessionTimeoutMs: 2000 });
  fs.mkdirSync(path.dirname(scenarioFile), { recursive: true });
  fs.writeFileSync(scenarioFile, `${JSON.stringify({ ...JSON.parse(fault.text), seed }, null, 2)}\n`);
  const replay = `kafka-lab broker --brokers ${brokers} --port 0 --seed ${seed} --scenario ${scenarioFile}`;
  const timeline: string[] = [];
  return {
    cluster,
    seed,
    async fire() {
      const abort = new AbortController();
      let error: string | undefined;
      const running = runScenario(cluster, fault.scenario, { seed, signal: abort.signal, onStep: (e) => timeline.push(`${e.firedAtMs} ms: ${e.text}${e.outcome === 'done' ? '' : ` (${e.outcome})`}`) }).catch((problem: unknown) => {
        if (!(problem instanceof ScenarioError)) throw problem;
        error = problem.problems.map((p) => p.replace(/^[^:]*: /, '')).join('; ');
        timeline.push(`0 ms: the scenario could not start: ${error}`);
      });
      // A scenario that cannot be planned on this cluster fails before its first step: known by now.
      await new Promise((resolve) => setImmediate(resolve));
      return {
        error,
        async end() {
          abort.abort();
          await running;
          await heal(cluster);
        },
      };
    },
    report: () => ({ seed, timeline, replay, scenarioFile }),
    stop: () => cluster.stop(),
  };
}

/** Back to a healthy cluster: faults end, every broker returns. */
async function heal(cluster: ClusterHandle): Promise<void> {
  cluster.clearFaultRules();
  cluster.clearLatency();
  cluster.heal();
  for (const broker of cluster.describe().brokers) {
    if (broker.state === 'paused') cluster.resumeBroker(broker.id);
    else if (broker.state === 'down') await cluster.restartBroker(broker.id).catch(() => {});
  }
}
