// Grading against a lab's grading.json. One submission: a fresh broker from the provider, the submission laid out as a workspace
// with its dependencies, the lab's steps run in order (each step's programs in the sandbox, then
// the checks of the tests on that step), and each fault test on a simulator cluster of its own
// while its seeded scenario fires. Whatever the programs do, the result is a score with reasons.

import fs from 'node:fs';
import path from 'node:path';
import { openCheckContext, runCheck, type CheckResult } from '../../labs/engine/check-runner.ts';
import type { Language } from '../../labs/engine/lab-definition.ts';
import { startFaultCluster } from './faults.ts';
import { DependencyError, nodeRuntime, pythonRuntime, type Runtime } from './dependencies.ts';
import type { GradingFile, GradingTest } from './grading-file.ts';
import { round, scoreOf, ungradable, type GradeContext, type Grading, type SubmissionResult, type TestResult } from './grading.ts';
import { runStepPrograms, type ProgramsContext } from './run-programs.ts';
import { claimUid, releaseUid, sandboxKind } from './sandbox/sandbox.ts';
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
    sandbox: sandboxKind().description,
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
    const programs = (dir: string, bootstrapServers: string[]): ProgramsContext => ({
      lab: grading.lab,
      language: found.language,
      workDir: dir,
      interpreter: runtime.command,
      expose: runtime.expose,
      hide: [...options.hide, options.workRoot],
      bootstrapServers,
      limits: grading.limits,
      uid,
    });

    const results: TestResult[] = [];
    // The lab's steps in order on one cluster, scoring the tests without faults as their step ends.
    const plain = grading.tests.filter((t) => !t.scenario);
    if (plain.length > 0) {
      const { cluster: settings } = grading.lab;
      const running = await options.provider.start({ brokers: settings.brokers, numPartitions: settings.numPartitions, groupInitialRebalanceDelayMs: settings.groupInitialRebalanceDelayMs });
      const context = openCheckContext({ bootstrapServers: running.bootstrapServers, workspaceDir: mainWork, schemaDirs: [path.join(grading.lab.dir, 'schemas')] });
      try {
        const last = Math.max(...plain.map((t) => grading.lab.steps.indexOf(t.step)));
        for (const step of grading.lab.steps.slice(0, last + 1)) {
          const outcome = await runStepPrograms(step, programs(mainWork, running.bootstrapServers));
          for (const test of plain.filter((t) => t.step === step)) {
            results.push(await scoreTest(test, outcome.result, outcome.transcript, context));
          }
        }
      } finally {
        await context.close();
        await running.stop();
      }
    }
    for (const test of grading.tests.filter((t) => t.scenario)) {
      results.push(await faultTest(test, submission, options, (dir, servers) => programs(dir, servers), mainWork, workDir));
    }
    results.sort((a, b) => a.index - b.index);
    return {
      ...base,
      maxScore: grading.maxScore,
      status: 'graded',
      language: found.language,
      dependencies: runtime.note,
      score: round(results.reduce((sum, r) => sum + r.score, 0)),
      tests: results,
      executionTimeMs: Date.now() - started,
    };
  } finally {
    releaseUid(uid);
    if (!options.keepWorkspaces) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function scoreTest(test: GradingTest, programs: CheckResult, transcript: string, context: Parameters<typeof runCheck>[1]): Promise<TestResult> {
  const checks = [programs];
  for (const check of test.checks) checks.push(await runCheck(check, context));
  const { score, passed } = scoreOf(test.points, test.partial, checks);
  return { index: test.index, name: test.name, score, maxScore: test.points, visibility: test.visibility, passed, checks, transcript };
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
  const settings = options.grading.lab.cluster;
  const dir = path.join(workDir, `fault-${test.index}`);
  fs.cpSync(mainWork, dir, { recursive: true, verbatimSymlinks: true });
  for (const leftover of ['sensor.log']) fs.rmSync(path.join(dir, leftover), { force: true });
  const faults = await startFaultCluster(test.scenario!, {
    seed: test.scenario!.scenario.seed ?? options.seed,
    scenarioFile: path.join(options.outDir, submission.id, `scenario-${test.index + 1}.json`),
    numPartitions: settings.numPartitions,
    groupInitialRebalanceDelayMs: settings.groupInitialRebalanceDelayMs,
  });
  const { cluster } = faults;
  const context = openCheckContext({ bootstrapServers: cluster.bootstrapServers, workspaceDir: dir, schemaDirs: [path.join(options.grading.lab.dir, 'schemas')], introspection: cluster });
  try {
    const steps = options.grading.lab.steps;
    for (const step of steps.slice(0, steps.indexOf(test.step))) await runStepPrograms(step, programs(dir, cluster.bootstrapServers));
    const firing = faults.fire();
    const outcome = await runStepPrograms(test.step, programs(dir, cluster.bootstrapServers));
    await firing.end();
    const result = await scoreTest(test, outcome.result, outcome.transcript, context);
    return { ...result, faults: faults.report() };
  } finally {
    await context.close();
    await faults.stop();
  }
}
