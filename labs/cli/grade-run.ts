// What `kafka-lab grade` does once its flags are read: load the lab and its grading file, check
// the provider, run the class with a progress bar, print where the reports are.

import { findLab, LabDefinitionError } from '../engine/load.ts';
import { loadGradingFile, GradingFileError } from '../../grader/grade/grading-file.ts';
import { runClass, type Format } from '../../grader/grade/class-run.ts';
import { labGrading } from '../../grader/grade/lab-grading.ts';
import { assignmentGrading } from '../../grader/grade/assignment/assignment-grading.ts';
import { assignmentGradingPath, loadAssignmentGrading } from '../../grader/grade/assignment/grading-file.ts';
import type { Grading } from '../../grader/grade/grading.ts';
import { AssignmentError } from '../../grader/assignment/state.ts';
import { ProgressBar } from '../../grader/grade/progress.ts';
import { chooseSandbox, SandboxUnavailable, type SandboxChoice, type SandboxMode } from '../../grader/grade/sandbox/submission-sandbox.ts';
import { SubmissionError } from '../../grader/grade/submission.ts';
import { providerNamed } from '../../grader/providers/index.ts';

export interface GradeRunOptions {
  /** A lab's id, or with `assignment` unset. */
  lab?: string;
  /** The TA's assignment folder (kafka-lab assignment init), instead of a lab. */
  assignment?: string;
  provider: string;
  jobs: number;
  out: string;
  format: string[];
  seed?: number;
  single?: boolean;
  language?: 'python' | 'typescript';
  python?: string;
  grading?: string;
  hide?: string[];
  sandbox?: SandboxMode;
}

export async function runGradeCommand(submissions: string, options: GradeRunOptions, usage: (message: string) => never): Promise<number> {
  let grading: Grading;
  try {
    grading = options.assignment ? assignmentGrading(options.assignment, loadAssignmentGrading(assignmentGradingPath(options.assignment, options.grading))) : labGrading(loadGradingFile(findLab(options.lab!), options.grading));
  } catch (error) {
    if (error instanceof GradingFileError || error instanceof LabDefinitionError || error instanceof AssignmentError) usage(error.message);
    usage((error as Error).message);
  }
  let provider;
  try {
    provider = providerNamed(options.provider);
  } catch (error) {
    usage((error as Error).message);
  }
  const missing = await provider.unavailable();
  if (missing) usage(missing);
  let sandbox: SandboxChoice;
  try {
    sandbox = chooseSandbox(options.sandbox);
  } catch (error) {
    if (error instanceof SandboxUnavailable) usage(error.message);
    throw error;
  }
  const python = options.python ?? process.env.KAFKA_PYTHON ?? 'python3';
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const bar = new ProgressBar(process.stderr);
  process.stderr.write(`grading ${submissions} against ${grading.title} (${grading.tests.length} tests, ${grading.maxScore} points), broker: ${provider.name}, seed ${seed}\nsandbox: ${sandbox.description}\n`);
  const abort = new AbortController();
  const stop = () => {
    process.stderr.write('\nstopping after the submissions in progress; run again with the same --out to resume\n');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const run = await runClass({
      grading,
      provider,
      submissionsDir: submissions,
      single: options.single,
      outDir: options.out,
      jobs: options.jobs,
      formats: options.format as Format[],
      seed,
      python,
      language: options.language,
      hide: options.hide,
      sandbox,
      signal: abort.signal,
      onProgress: (event) => bar.update(event),
    });
    bar.done();
    for (const r of run.results) process.stdout.write(`${r.id}\t${r.status === 'graded' ? `${r.score}/${r.maxScore}` : `error: ${r.error}`}\n`);
    process.stderr.write(`reports in ${options.out}${run.resumed ? ` (${run.resumed} resumed from an earlier run)` : ''}\n`);
    return run.results.every((r) => r.status === 'graded') ? 0 : 1;
  } catch (error) {
    bar.done();
    if (error instanceof SubmissionError) usage(error.message);
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
