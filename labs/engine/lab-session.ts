// One student working through one lab: which step is open, which are passed and which still locked,
// the last check result, hints and the solution shown. The current step's checks run again whenever
// the cluster changes and every `recheckMs` (files, clusters without events); a pass is saved,
// ticks the step and opens the next, whose checks run at once. The Ink screen only renders this.

import fs from 'node:fs';
import path from 'node:path';
import type { CheckContext } from '../checks/check-kind.ts';
import { runStep, type StepResult } from './check-runner.ts';
import { fileFor, workspacePath, type LabDefinition, type Language, type StepDefinition } from './lab-definition.ts';
import type { LivePicture, LiveSource } from './live.ts';
import type { ProgressStore } from './progress.ts';
import type { StepRun } from './step-run.ts';

export interface SessionState {
  lab: LabDefinition;
  /** Index of the step on screen. */
  viewed: number;
  /** Index of the first step not passed: the one being checked. steps.length when all passed. */
  current: number;
  passed: boolean[];
  /** The last result of each step that was checked in this session. */
  results: (StepResult | undefined)[];
  checking: boolean;
  /** Hints revealed for the viewed step. */
  hintsShown: number;
  showingSolution: boolean;
  solutionShown: boolean[];
  language: Language;
  /** A passing moment worth saying: "Step 2 passed". */
  notice?: string;
  /** What the lab's services say (lab.json `services`): a practice server's vid, why one did not start. */
  serviceNotes: string[];
  picture?: LivePicture;
}

export interface SessionOptions {
  lab: LabDefinition;
  progress: ProgressStore;
  context: CheckContext;
  live?: LiveSource;
  /** How often the current step is checked again without a cluster event (default 1000 ms). */
  recheckMs?: number;
  /** How often the live picture is refreshed without a cluster event (default 1000 ms). */
  refreshMs?: number;
  /** Runs once the session has stopped (closing the check context's connections). */
  onStop?: () => Promise<void>;
  /** Watches the cluster while a step is worked on (its faults, what producers were promised); embedded clusters only. */
  watch?: (step: StepDefinition, onChange: () => void) => StepRun;
}

type Listener = () => void;

const NOTICE_MS = 5000;

export class LabSession {
  private state: SessionState;
  private readonly listeners = new Set<Listener>();
  private readonly stoppers: (() => void)[] = [];
  private checkAgain = false;
  private running: Promise<void> | undefined;
  private stopped = false;
  private refreshing = false;
  /** The watch on the step being checked, and those of passed steps whose faults still run. */
  private watching: StepRun | undefined;
  private readonly finishing = new Set<StepRun>();

  constructor(private readonly options: SessionOptions) {
    const { lab, progress } = options;
    const passed = lab.steps.map((s) => progress.passed(lab.id, s.id));
    const current = firstUnpassed(passed);
    this.state = {
      lab,
      viewed: Math.min(current, lab.steps.length - 1),
      current,
      passed,
      results: lab.steps.map(() => undefined),
      checking: false,
      hintsShown: progress.step(lab.id, lab.steps[Math.min(current, lab.steps.length - 1)].id).hintsShown ?? 0,
      showingSolution: false,
      solutionShown: lab.steps.map((s) => progress.step(lab.id, s.id).solutionShownAt !== undefined),
      language: progress.language,
      serviceNotes: [],
    };
  }

  getState = (): SessionState => this.state;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    const { live, recheckMs = 1000, refreshMs = 1000 } = this.options;
    this.watchCurrent();
    const recheck = setInterval(() => this.check(), recheckMs);
    this.stoppers.push(() => clearInterval(recheck));
    if (live) {
      const refresh = setInterval(() => this.refresh(), refreshMs);
      this.stoppers.push(() => clearInterval(refresh));
      let pending: NodeJS.Timeout | undefined;
      const unsubscribe = live.onChange(() => {
        // Coalesce bursts (a producer appending 100 batches) into one refresh and one check.
        if (pending) return;
        pending = setTimeout(() => {
          pending = undefined;
          this.refresh();
          this.check();
        }, 100);
      });
      this.stoppers.push(unsubscribe, () => clearTimeout(pending));
      this.refresh();
    }
    this.check();
  }

  /** Stops checking and watching; resolves once a check under way has finished. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const stop of this.stoppers.splice(0)) stop();
    clearTimeout(this.noticeTimer);
    this.watching?.stop();
    for (const run of this.finishing) run.stop();
    await this.running;
    await this.options.onStop?.();
  }

  get viewedStep(): StepDefinition {
    return this.state.lab.steps[this.state.viewed];
  }

  showServiceNotes(serviceNotes: string[]): void {
    if (!this.stopped) this.set({ serviceNotes });
  }

  /** Runs the current step's checks now (or once more after the run under way). */
  check(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.checkAgain = true;
      return this.running;
    }
    this.running = this.checkLoop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkLoop(): Promise<void> {
    do {
      this.checkAgain = false;
      const index = this.state.current;
      const step = this.state.lab.steps[index];
      if (!step) return;
      this.set({ checking: true });
      const result = await runStep(step, this.options.context);
      if (this.stopped) return;
      const results = [...this.state.results];
      results[index] = result;
      if (!result.passed) {
        this.set({ checking: false, results });
        continue;
      }
      this.options.progress.markPassed(this.state.lab.id, step.id);
      this.finishWatch();
      const passed = [...this.state.passed];
      passed[index] = true;
      const current = firstUnpassed(passed);
      const follow = this.state.viewed === index && current < passed.length;
      const allDone = current >= passed.length;
      this.set({
        checking: false,
        results,
        passed,
        current,
        notice: allDone ? `Step ${index + 1} passed: the lab is complete` : `Step ${index + 1} passed`,
        ...(follow ? this.viewing(current) : {}),
      });
      this.clearNoticeLater();
      this.watchCurrent();
      // The next step may already be done (the student ran ahead): check it at once.
      this.checkAgain = !allDone;
    } while (this.checkAgain && !this.stopped);
  }

  /** Starts watching the current step (its faults armed), when the session can watch the cluster. */
  private watchCurrent(): void {
    const step = this.state.lab.steps[this.state.current];
    if (!step || !this.options.watch || this.stopped) return;
    this.watching = this.options.watch(step, () => {
      if (this.state.viewed === this.state.current) void this.refresh();
    });
    this.options.context.step = this.watching;
  }

  /** The step passed: its watch stops once its faults have run their course (never mid-way: a killed broker comes back). */
  private finishWatch(): void {
    const run = this.watching;
    if (!run) return;
    this.watching = undefined;
    this.options.context.step = undefined;
    this.finishing.add(run);
    void run.finish().then(() => this.finishing.delete(run));
  }

  private noticeTimer: NodeJS.Timeout | undefined;

  /** "Step 2 passed" stays a few seconds, then gives its line back to the check's details. */
  private clearNoticeLater(): void {
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.set({ notice: undefined }), NOTICE_MS);
  }

  private viewing(index: number): Partial<SessionState> {
    const step = this.state.lab.steps[index];
    return { viewed: index, showingSolution: false, hintsShown: this.options.progress.step(this.state.lab.id, step.id).hintsShown ?? 0 };
  }

  /** Opens the next step, if it is unlocked. */
  next(): void {
    const limit = Math.min(this.state.current, this.state.lab.steps.length - 1);
    if (this.state.viewed < limit) this.set({ ...this.viewing(this.state.viewed + 1), notice: undefined });
  }

  previous(): void {
    if (this.state.viewed > 0) this.set({ ...this.viewing(this.state.viewed - 1), notice: undefined });
  }

  /** Reveals one more hint of the viewed step; false when there is none left. */
  hint(): boolean {
    const step = this.viewedStep;
    if (this.state.hintsShown >= step.hints.length) return false;
    const hintsShown = this.state.hintsShown + 1;
    this.options.progress.markHintShown(this.state.lab.id, step.id, hintsShown);
    this.set({ hintsShown });
    return true;
  }

  /** Shows or hides the viewed step's solution; showing it is recorded in the progress. */
  toggleSolution(): void {
    if (this.state.showingSolution) return this.set({ showingSolution: false });
    const step = this.viewedStep;
    this.options.progress.markSolutionShown(this.state.lab.id, step.id, this.state.language);
    const solutionShown = [...this.state.solutionShown];
    solutionShown[this.state.viewed] = true;
    this.set({ showingSolution: true, solutionShown });
  }

  toggleLanguage(): void {
    const language: Language = this.state.language === 'typescript' ? 'python' : 'typescript';
    this.options.progress.setLanguage(language);
    if (this.state.showingSolution) this.options.progress.markSolutionShown(this.state.lab.id, this.viewedStep.id, language);
    this.set({ language });
  }

  /** The viewed step's solution files in the current language, each under its workspace path. */
  solution(): { path: string; text: string }[] {
    const { lab, language } = this.state;
    return this.viewedStep.files.map((base) => ({
      path: workspacePath(lab.id, base, language),
      text: fs.readFileSync(path.join(lab.dir, 'solution', language, fileFor(base, language)), 'utf8'),
    }));
  }

  private async refresh(): Promise<void> {
    const { live } = this.options;
    if (!live || this.refreshing || this.stopped) return;
    this.refreshing = true;
    try {
      const step = this.viewedStep;
      const picture = await live.picture(step.live);
      const faults = this.state.viewed === this.state.current ? this.watching?.faults : undefined;
      if (!this.stopped) this.set({ picture: { ...picture, ...(faults && { faults }) } });
    } catch {
      // The cluster is unreachable for a moment: keep the last picture; the checks say what is wrong.
    } finally {
      this.refreshing = false;
    }
  }

  private set(change: Partial<SessionState>): void {
    const viewedChanged = change.viewed !== undefined && change.viewed !== this.state.viewed;
    this.state = { ...this.state, ...change };
    if (viewedChanged) void this.refresh();
    for (const listener of this.listeners) listener();
  }
}

function firstUnpassed(passed: boolean[]): number {
  const index = passed.indexOf(false);
  return index === -1 ? passed.length : index;
}
