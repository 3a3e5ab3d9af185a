// What the lab watches while a student works on one step, with the cluster kafka-lab runs itself:
// a recording of what the cluster promised producers (for the history checks), the group changes
// (members joining, leaving and why), and the step's faults — armed when the step opens, started
// by their trigger (a topic receiving records, a group growing), carried out as a scenario of the
// simulator's own format with the lab's seed, and shown on screen as each fault fires. A run that
// did not pass the step is armed again, so the student's next attempt meets the same faults.

import { planScenario, rolesIn, runScenario, type ClusterHandle, type TimedEvent } from '../../simulator/index.ts';
import { recordHistory, type HistoryRecorder } from '../../simulator/history/index.ts';
import type { FaultTrigger, StepDefinition } from './lab-definition.ts';

export interface FaultEntry {
  /** When it fires, in ms after the trigger. */
  atMs: number;
  text: string;
  /** Set once it fired: "done", or why it failed. */
  outcome?: string;
}

export interface FaultsView {
  state: 'waiting' | 'running' | 'done';
  /** "when orders holds 20 new records", "when billing has 2 members", "when the step opens". */
  trigger: string;
  seed: number;
  /** The last run's timeline, or the next one's while waiting for the first trigger. */
  timeline: FaultEntry[];
  /** Runs carried out to the end. */
  completed: number;
  /** Why the faults could not be planned (no such topic yet, say). */
  problem?: string;
}

export type GroupChange = Extract<TimedEvent, { type: 'group-changed' }>;

/** What checks that need the lab's watch read (see CheckContext.step). */
export interface StepWatch {
  /** What producers were promised during the latest faults run (or since the step opened). */
  readonly history: HistoryRecorder | undefined;
  readonly faults: FaultsView | undefined;
  /** Group changes since the step opened. */
  readonly groupChanges: readonly GroupChange[];
}

export interface StepRunOptions {
  /** Seed for the faults when the scenario has none (the lab cluster's). */
  seed?: number;
  /** Topics whose acknowledged writes the step's checks judge. */
  recordTopics?: string[];
  /** Told whenever the faults view changes. */
  onChange?: () => void;
  /** How long after a finished run that did not pass the faults are armed again (ms). */
  rearmAfterMs?: number;
}

const describeTrigger = (when?: FaultTrigger) =>
  !when ? 'when the step opens' : 'topic' in when ? `when ${when.topic} gets ${when.records} new records` : `when group ${when.group} has ${when.members} members`;

export class StepRun implements StepWatch {
  private recorder: HistoryRecorder | undefined;
  private nextRecorder: HistoryRecorder | undefined;
  private view: FaultsView | undefined;
  private readonly changes: GroupChange[] = [];
  private readonly unsubscribe: () => void;
  private disarm: (() => void) | undefined;
  private readonly abort = new AbortController();
  private rearmTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private passed = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly cluster: ClusterHandle,
    private readonly step: StepDefinition,
    private readonly options: StepRunOptions = {},
  ) {
    this.unsubscribe = cluster.events.subscribe((event) => {
      if (event.type === 'group-changed') this.changes.push(event);
    });
    if (options.recordTopics?.length) this.recorder = recordHistory(cluster, { topics: options.recordTopics });
    const faults = step.faults;
    if (faults) {
      const seed = faults.scenario.seed ?? options.seed ?? 1;
      this.view = { state: 'waiting', trigger: describeTrigger(faults.when), seed, timeline: this.preview(seed), completed: 0 };
      this.arm();
    }
  }

  get history(): HistoryRecorder | undefined {
    return this.recorder;
  }

  get faults(): FaultsView | undefined {
    return this.view;
  }

  get groupChanges(): readonly GroupChange[] {
    return this.changes;
  }

  /** The step passed: no more faults; resolves once the run under way (if any) has finished, then stops. */
  async finish(): Promise<void> {
    this.passed = true;
    clearTimeout(this.rearmTimer);
    this.disarm?.();
    this.disarm = undefined;
    await this.running;
    this.stop();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.disarm?.();
    clearTimeout(this.rearmTimer);
    this.unsubscribe();
    this.recorder?.stop();
    this.nextRecorder?.stop();
  }

  /** The timeline as it would run now (roles resolved against the cluster as it is). */
  private preview(seed: number): FaultEntry[] {
    try {
      const snapshot = this.cluster.describe();
      return planScenario(this.step.faults!.scenario, snapshot.brokers, seed, rolesIn(snapshot)).map((p) => ({ atMs: p.atMs, text: p.text }));
    } catch {
      return []; // roles name what does not exist yet; the run plans again when triggered
    }
  }

  private set(change: Partial<FaultsView>): void {
    this.view = { ...this.view!, ...change };
    this.options.onChange?.();
  }

  /** Waits for the trigger, then runs the faults. */
  private arm(): void {
    const when = this.step.faults!.when;
    if (this.view!.completed > 0 && this.options.recordTopics?.length) this.nextRecorder = recordHistory(this.cluster, { topics: this.options.recordTopics });
    if (!when) return void (this.running = this.fire());
    let appended = 0;
    const unsubscribe = this.cluster.events.subscribe((event) => {
      let reached = false;
      if ('topic' in when && event.type === 'records-appended' && event.topic === when.topic) {
        appended += event.recordCount;
        reached = appended >= when.records;
      } else if ('group' in when && event.type === 'group-changed' && event.group === when.group && event.change === 'rebalance-completed') {
        reached = event.members.length >= when.members;
      }
      if (!reached) return;
      unsubscribe();
      this.disarm = undefined;
      // Out of the event's emitter: the faults act on the cluster that is emitting it.
      setImmediate(() => void (this.running = this.fire()));
    });
    this.disarm = unsubscribe;
  }

  private async fire(): Promise<void> {
    if (this.stopped) return;
    if (this.nextRecorder) {
      this.recorder?.stop();
      this.recorder = this.nextRecorder;
      this.nextRecorder = undefined;
    }
    const { seed } = this.view!;
    const scenario = this.step.faults!.scenario;
    const timeline = this.preview(seed);
    this.set({ state: 'running', timeline, problem: undefined });
    try {
      const run = await runScenario(this.cluster, scenario, {
        seed,
        signal: this.abort.signal,
        onStep: (entry) => {
          const fired = [...(this.view!.timeline.length ? this.view!.timeline : timeline)];
          const index = fired.findIndex((e) => e.outcome === undefined && e.text === entry.text);
          if (index >= 0) fired[index] = { ...fired[index], outcome: entry.outcome };
          else fired.push({ atMs: entry.atMs, text: entry.text, outcome: entry.outcome });
          this.set({ timeline: fired });
        },
      });
      if (!run.completed || this.stopped) return;
      this.set({ state: 'done', completed: this.view!.completed + 1 });
    } catch (error) {
      this.set({ state: 'done', problem: (error as Error).message });
    }
    if (this.passed || this.stopped) return;
    this.rearmTimer = setTimeout(() => {
      if (this.passed || this.stopped) return;
      this.set({ state: 'waiting' });
      this.arm();
    }, this.options.rearmAfterMs ?? 3000);
  }
}
