// Grading against a lab's grading.json. One submission: a fresh cluster, the submission laid out as
// a workspace with its dependencies, and the lab's steps run in order as the lab screen runs them —
// the lab's services beside the cluster, each step watched (its faults armed, its group changes
// recorded) while its programs run sandboxed, background ones until the step's checks pass — then
// the checks of the tests on that step; each fault test on a simulator cluster of its own while its
// seeded scenario fires. Whatever the programs do, the result is a score with reasons.
//
// The cluster is the provider's, except when the lab needs what only the simulator gives (step
// faults, checks that watch the cluster or use its introspection): then every run is on the
// simulator with the lab's cluster settings, whatever --provider says, so scores do not depend on it.

import fs from 'node:fs';
import path from 'node:path';
import { openCheckContext, runCheck, runStep, type CheckResult, type OpenContext } from '../../labs/engine/check-runner.ts';
import { clusterOptions } from '../../labs/engine/lab-cluster.ts';
import type { LabDefinition, Language, StepDefinition } from '../../labs/engine/lab-definition.ts';
import { startLabServices } from '../../labs/engine/lab-services.ts';
import { watchStep } from '../../labs/engine/open-session.ts';
import { startCluster, type ClusterHandle } from '../../simulator/index.ts';
import { startFaultCluster } from './faults.ts';
import { DependencyError, nodeRuntime, pythonRuntime, type Runtime } from './dependencies.ts';
import type { GradingFile, GradingTest } from './grading-file.ts';
import { round, scoreOf, ungradable, type GradeContext, type Grading, type SubmissionResult, type TestResult } from './grading.ts';
import { runStepPrograms, type ProgramsContext, type ProgramsOutcome } from './run-programs.ts';
import { claimUid, releaseUid } from './sandbox/sandbox.ts';
import { openSandbox, type SubmissionSandbox } from './sandbox/submission-sandbox.ts';
import { findPrograms, prepareWorkspace, SubmissionError, type Submission } from './submission.ts';

/** A lab's grading file as runClass grades with it. */
export function labGrading(grading: GradingFile): Grading {
  return {
    id: grading.lab.id,
    title: `${grading.lab.title} (${grading.lab.id})`,
    file: grading.file,
    tests: grading.tests,
    maxScore: grading.maxScore,
    grade: (submission, context) => gradeSubmission(submission, { ...context, grading }),
  };
}

interface GradeOptions extends GradeContext {
  grading: GradingFile;
}

async function gradeSubmission(submission: Submission, options: GradeOptions): Promise<SubmissionResult> {
  const started = Date.now();
  const { grading } = options;
  const base = {
    id: submission.id,
    provider: options.provider.name,
    seed: options.seed,
    sandbox: options.sandbox.description,
    fingerprint: options.fingerprint,
    gradedAt: new Date().toISOString(),
  };
  const failAll = (error: string, language?: Language): SubmissionResult => ungradable(grading, { ...base, ...(language && { language }), executionTimeMs: Date.now() - started }, error);

  let found;
  try {
    found = findPrograms(submission, grading.lab, options.language);
  } catch (error) {
    if (error instanceof SubmissionError) return failAll(error.message);
    throw error;
  }
  const uid = claimUid();
  const workDir = fs.mkdtempSync(path.join(options.workRoot, `${submission.id.replace(/[^\w.-]/g, '_')}-`));
  let sandbox: SubmissionSandbox | undefined;
  try {
    const mainWork = path.join(workDir, 'main');
    let runtime: Runtime;
    try {
      await prepareWorkspace(mainWork, grading.lab, submission, found, '127.0.0.1:9092', options.cacheDir);
      runtime = found.language === 'python' ? await pythonRuntime(options.python, mainWork, options.cacheDir) : await nodeRuntime(mainWork, options.cacheDir);
    } catch (error) {
      if (error instanceof DependencyError || error instanceof SubmissionError) return failAll(error.message, found.language);
      throw error;
    }
    const hide = [...options.hide, options.workRoot];
    const opened = (sandbox = await openSandbox(options.sandbox, { workDir, expose: runtime.expose, hide, limits: grading.limits }));
    const programs = (dir: string, bootstrapServers: string[]): ProgramsContext => ({
      lab: grading.lab,
      language: found.language,
      workDir: dir,
      interpreter: runtime.command,
      expose: runtime.expose,
      hide,
      bootstrapServers,
      limits: grading.limits,
      uid,
      sandbox: opened,
    });

    const results: TestResult[] = [];
    const { lab } = grading;
    const simulator = needsSimulator(grading);
    // The lab's steps in order on one cluster, scoring the tests without faults as their step ends.
    const plain = grading.tests.filter((t) => !t.scenario);
    if (plain.length > 0) {
      const cluster = simulator || options.provider.name === 'embedded' ? await simulatorCluster(lab) : await providerCluster(lab, options);
      const run = await openLabRun(lab, mainWork, cluster);
      try {
        const last = Math.max(...plain.map((t) => lab.steps.indexOf(t.step)));
        for (const step of lab.steps.slice(0, last + 1)) {
          const tests = plain.filter((t) => t.step === step);
          const { outcome, judged, done } = await run.step(step, programs(mainWork, cluster.bootstrapServers), tests);
          tests.forEach((test, i) => results.push(scoreTest(test, outcome, judged[i])));
          await done();
        }
      } finally {
        await run.stop();
      }
    }
    for (const test of grading.tests.filter((t) => t.scenario)) {
      results.push(await faultTest(test, submission, options, (dir, servers) => programs(dir, servers), mainWork, workDir));
    }
    results.sort((a, b) => a.index - b.index);
    return {
      ...base,
      ...(simulator && options.provider.name !== 'embedded' && { provider: `embedded (lab ${lab.id} needs the simulator)` }),
      maxScore: grading.maxScore,
      status: 'graded',
      language: found.language,
      dependencies: runtime.note,
      score: round(results.reduce((sum, r) => sum + r.score, 0)),
      tests: results,
      executionTimeMs: Date.now() - started,
    };
  } finally {
    await sandbox?.close();
    releaseUid(uid);
    if (!options.keepWorkspaces) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function judgeChecks(test: GradingTest, context: OpenContext): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const check of test.checks) checks.push(await runCheck(check, context));
  return checks;
}

function scoreTest(test: GradingTest, programs: ProgramsOutcome, judged: CheckResult[]): TestResult {
  const checks = [programs.result, ...judged];
  const { score, passed } = scoreOf(test.points, test.partial, checks);
  return { index: test.index, name: test.name, score, maxScore: test.points, visibility: test.visibility, passed, checks, transcript: programs.transcript };
}

// ------------------------------------------------------------------------------------ runs

/** A cluster for one run of the lab's steps; `handle` when it is the simulator in this process. */
interface RunCluster {
  bootstrapServers: string[];
  handle?: ClusterHandle;
  stop(): Promise<void>;
}

const SIMULATOR_NEEDS = ['watch', 'introspection'];

/** The lab (or a test's checks) needs the simulator: step faults, or checks that watch the cluster or look inside it. */
function needsSimulator({ lab, tests }: GradingFile): boolean {
  const checks = [...lab.steps.flatMap((s) => s.checks), ...tests.flatMap((t) => t.checks)];
  return lab.steps.some((s) => s.faults) || checks.some((c) => c.kind.needs.some((need) => SIMULATOR_NEEDS.includes(need)));
}

async function simulatorCluster(lab: LabDefinition): Promise<RunCluster> {
  const handle = await startCluster({ ...clusterOptions(lab.cluster), port: 0 });
  return { bootstrapServers: handle.bootstrapServers, handle, stop: () => handle.stop() };
}

async function providerCluster(lab: LabDefinition, options: GradeOptions): Promise<RunCluster> {
  const { brokers, numPartitions, groupInitialRebalanceDelayMs, brokerSessionTimeoutMs } = lab.cluster;
  return options.provider.start({ brokers, numPartitions, groupInitialRebalanceDelayMs, ...(brokerSessionTimeoutMs !== undefined && { brokerSessionTimeoutMs }) });
}

/** How long after its programs ended a step with faults may take to pass (its scenario finishing). */
const STEP_FAULTS_MS = 30_000;

interface LabRun {
  context: OpenContext;
  /**
   * Runs the step's programs, watched, and judges the checks of `tests` (one list each): while
   * background programs still run, the moment the step's own checks pass (a group's members are
   * there only while its consumers run), else once the programs ended. `done` ends the watch.
   */
  step(step: StepDefinition, programs: ProgramsContext, tests?: GradingTest[]): Promise<{ outcome: ProgramsOutcome; judged: CheckResult[][]; done(): Promise<void> }>;
  stop(): Promise<void>;
}

/** The lab's steps on `cluster`, as the lab screen runs them, its services beside it. */
async function openLabRun(lab: LabDefinition, workspaceDir: string, cluster: RunCluster): Promise<LabRun> {
  const services = await startLabServices(lab, { bootstrapServers: cluster.bootstrapServers, workspaceDir });
  const context = openCheckContext({ bootstrapServers: cluster.bootstrapServers, workspaceDir, schemaDirs: [path.join(lab.dir, 'schemas')], introspection: cluster.handle });
  const passes = async (step: StepDefinition) => (await runStep(step, context)).passed;
  return {
    context,
    async step(step, programs, tests = []) {
      const watch = cluster.handle ? watchStep(cluster.handle, lab, step) : undefined;
      context.step = watch;
      const judge = async () => {
        const lists: CheckResult[][] = [];
        for (const test of tests) lists.push(await judgeChecks(test, context));
        return lists;
      };
      let judged: CheckResult[][] | undefined;
      const outcome = await runStepPrograms(step, programs, {
        until: async () => {
          if (!(await passes(step))) return false;
          judged = await judge();
          return true;
        },
      });
      if (step.faults && watch) {
        const deadline = Date.now() + STEP_FAULTS_MS;
        while (Date.now() < deadline && !(await passes(step))) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      judged ??= await judge();
      return {
        outcome,
        judged,
        async done() {
          await watch?.finish();
          context.step = undefined;
        },
      };
    },
    async stop() {
      await context.close();
      await services.stop();
      await cluster.stop();
    },
  };
}

/** A fault test: the lab's steps up to the test's on a simulator cluster of its own, the scenario firing during its step. */
async function faultTest(
  test: GradingTest,
  submission: Submission,
  options: GradeOptions,
  programs: (dir: string, servers: string[]) => ProgramsContext,
  mainWork: string,
  workDir: string,
): Promise<TestResult> {
  const { lab } = options.grading;
  const dir = path.join(workDir, `fault-${test.index}`);
  fs.cpSync(mainWork, dir, { recursive: true, verbatimSymlinks: true });
  for (const leftover of ['sensor.log']) fs.rmSync(path.join(dir, leftover), { force: true });
  const faults = await startFaultCluster(test.scenario!, {
    seed: test.scenario!.scenario.seed ?? options.seed,
    scenarioFile: path.join(options.outDir, submission.id, `scenario-${test.index + 1}.json`),
    cluster: clusterOptions(lab.cluster),
  });
  const { cluster } = faults;
  const run = await openLabRun(lab, dir, { bootstrapServers: cluster.bootstrapServers, handle: cluster, stop: () => faults.stop() });
  try {
    for (const step of lab.steps.slice(0, lab.steps.indexOf(test.step))) await (await run.step(step, programs(dir, cluster.bootstrapServers))).done();
    const firing = await faults.fire();
    const { outcome, judged, done } = await run.step(test.step, programs(dir, cluster.bootstrapServers), [test]);
    await firing.end();
    const fired: CheckResult[] = firing.error
      ? [{ description: 'the test\'s faults fired', status: 'fail', summary: `the faults could not fire: ${firing.error}`, expected: 'what the scenario names exists once the earlier steps ran' }]
      : [];
    const result = scoreTest(test, outcome, [...fired, ...judged[0]]);
    await done();
    return { ...result, faults: faults.report() };
  } finally {
    await run.stop();
  }
}
