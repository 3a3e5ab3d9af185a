// Running a scenario against a cluster: its plan, step by step at the planned times (never early),
// each step's outcome recorded — a step that fails says why, and the run goes on. An abort signal
// stops it between steps.

import type { Cluster } from '../../cluster/cluster.ts';
import type { FaultControls } from '../index.ts';
import type { Scenario, ScenarioAction } from './parse.ts';
import { planScenario, rolesIn, type PlannedStep } from './plan.ts';

export interface TimelineEntry extends PlannedStep {
  /** When it actually fired, in ms after the start. */
  firedAtMs: number;
  /** "done", or why it failed. */
  outcome: string;
}

export interface ScenarioRun {
  seed: number;
  timeline: TimelineEntry[];
  /** False when the run was stopped (signal) before its last step. */
  completed: boolean;
}

export type ScenarioCluster = FaultControls & Pick<Cluster, 'describe'>;

export interface RunOptions {
  /** Stops the run between steps; the timeline so far is returned. */
  signal?: AbortSignal;
  /** The seed for random steps when the scenario has none (one is drawn otherwise, and returned). */
  seed?: number;
  /** Told each step as it fires. */
  onStep?: (entry: TimelineEntry) => void;
}

/** Runs a scenario against a cluster; resolves with the timeline actually executed. */
export async function runScenario(cluster: ScenarioCluster, scenario: Scenario, { signal, seed: fallbackSeed, onStep }: RunOptions = {}): Promise<ScenarioRun> {
  const seed = scenario.seed ?? fallbackSeed ?? Math.floor(Math.random() * 2 ** 32);
  const snapshot = cluster.describe();
  const plan = planScenario(scenario, snapshot.brokers, seed, rolesIn(snapshot));
  const timeline: TimelineEntry[] = [];
  const start = performance.now();
  for (const step of plan) {
    if (!(await waitUntil(start + step.atMs, signal))) return { seed, timeline, completed: false };
    const firedAtMs = Math.floor(performance.now() - start);
    let outcome = 'done';
    try {
      await perform(cluster, step.action);
    } catch (error) {
      outcome = error instanceof Error ? error.message : String(error);
    }
    const entry = { ...step, firedAtMs, outcome };
    timeline.push(entry);
    onStep?.(entry);
  }
  return { seed, timeline, completed: true };
}

/** Waits until `time` (performance.now()); false if `signal` aborts first. */
function waitUntil(time: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (reached: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      resolve(reached);
    };
    const aborted = () => done(false);
    // Timers may fire a little early; a step never does.
    const check = () => (performance.now() >= time ? done(true) : (timer = setTimeout(check, Math.max(1, time - performance.now()))));
    let timer = setTimeout(check, Math.max(0, time - performance.now()));
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

async function perform(cluster: ScenarioCluster, action: ScenarioAction): Promise<void> {
  switch (action.kind) {
    case 'kill':
      return cluster.killBroker(action.brokerId);
    case 'stop':
      return cluster.stopBroker(action.brokerId);
    case 'restart':
      return cluster.restartBroker(action.brokerId);
    case 'pause':
      return cluster.pauseBroker(action.brokerId);
    case 'resume':
      return cluster.resumeBroker(action.brokerId);
    case 'diskFull':
    case 'diskFree':
      return cluster.diskFull(action.brokerId, action.kind === 'diskFull');
    case 'partition':
      return cluster.partition(...action.sides);
    case 'heal':
      return cluster.heal();
    case 'rule':
      cluster.addFaultRule(action.rule);
      return;
    case 'removeRule':
      if (!cluster.removeFaultRule(action.name)) throw new Error(`no rule named "${action.name}"`);
      return;
    case 'clearRules':
      return cluster.clearFaultRules();
    case 'latency':
      return cluster.latency(action.latency);
    case 'clearLatency':
      return cluster.clearLatency();
    case 'throttle':
      return cluster.throttle(action.throttle);
    case 'dropConnections':
      cluster.dropConnections({ brokerId: action.brokerId, clientId: action.clientId });
      return;
  }
}
