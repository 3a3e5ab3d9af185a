// A grading run over a class: every submission of the folder (or one, for Gradescope's
// run_autograder), N at a time, each graded by gradeSubmission, its result saved in --out as soon
// as it is done — so an interrupted run resumes where it stopped: a submission whose saved result
// has the same fingerprint (its files, the grading file, the provider, the seed) is not graded
// again. Then the reports: per submission results.json (Gradescope), prairielearn.json and
// report.txt; for the class grades.csv and junit.xml.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Language } from '../../labs/engine/lab-definition.ts';
import { cacheRoot } from '../real-kafka/jars.ts';
import type { BrokerProvider } from '../providers/index.ts';
import type { Grading, SubmissionResult } from './grading.ts';
import { classCsv } from './reports/csv.ts';
import { gradescopeResults } from './reports/gradescope.ts';
import { junitXml } from './reports/junit.ts';
import { prairielearnResults } from './reports/prairielearn.ts';
import { submissionText } from './reports/text.ts';
import { chooseSandbox, type SandboxChoice, type SandboxMode } from './sandbox/submission-sandbox.ts';
import { listSubmissions, submissionHash, SubmissionError, type Submission } from './submission.ts';

export const FORMATS = ['gradescope', 'prairielearn', 'junit', 'csv', 'text'] as const;
export type Format = (typeof FORMATS)[number];

export interface ClassRunOptions {
  grading: Grading;
  provider: BrokerProvider;
  /** The class folder (a sub-folder per submission), or with `single` one submission's folder. */
  submissionsDir: string;
  single?: boolean;
  outDir: string;
  jobs: number;
  formats: Format[];
  seed: number;
  python: string;
  language?: Language;
  /** More folders the programs must not read (an assignment's tokens). */
  hide?: string[];
  /** Where programs run: a mode (chooseSandbox decides), or a choice already made. Default auto. */
  sandbox?: SandboxMode | SandboxChoice;
  /** Told as submissions start and finish. */
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export type ProgressEvent =
  | { type: 'planned'; total: number; resumed: number }
  | { type: 'started'; id: string }
  | { type: 'finished'; result: SubmissionResult; resumed: boolean };

export interface ClassRun {
  results: SubmissionResult[];
  /** Files written, relative to outDir. */
  written: string[];
  resumed: number;
}

const RESULT_FILE = 'result.json';

function fingerprintOf(submission: Submission, options: ClassRunOptions): string {
  return crypto
    .createHash('sha256')
    .update([submissionHash(submission), fs.readFileSync(options.grading.file, 'utf8'), options.grading.settings ?? '', options.provider.name, String(options.seed), options.language ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 16);
}

/** The folder a submission's reports go to: its id, made safe as a folder name. */
const folderOf = (outDir: string, id: string, single?: boolean) => (single ? outDir : path.join(outDir, id.replace(/[^\w.@-]/g, '_')));

function savedResult(dir: string, fingerprint: string): SubmissionResult | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(path.join(dir, RESULT_FILE), 'utf8')) as SubmissionResult;
    return saved.fingerprint === fingerprint ? saved : undefined;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial-${process.pid}`;
  fs.writeFileSync(partial, content);
  fs.renameSync(partial, file);
}

function writeSubmission(dir: string, result: SubmissionResult, options: ClassRunOptions): string[] {
  const written: string[] = [];
  const write = (name: string, content: string) => {
    writeAtomically(path.join(dir, name), content);
    written.push(path.relative(options.outDir, path.join(dir, name)) || name);
  };
  if (options.formats.includes('gradescope')) write('results.json', `${JSON.stringify(gradescopeResults(result), null, 2)}\n`);
  if (options.formats.includes('prairielearn')) write('prairielearn.json', `${JSON.stringify(prairielearnResults(result), null, 2)}\n`);
  if (options.formats.includes('text')) write('report.txt', submissionText(result, options.grading.title));
  write(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`); // last: its presence means the rest is there
  return written;
}

export async function runClass(options: ClassRunOptions): Promise<ClassRun> {
  const submissions: Submission[] = options.single
    ? [{ id: path.basename(path.resolve(options.submissionsDir)), dir: path.resolve(options.submissionsDir) }]
    : listSubmissions(options.submissionsDir);
  if (submissions.length === 0) throw new SubmissionError(`${options.submissionsDir} holds no submission folders`);
  const sandbox = typeof options.sandbox === 'object' ? options.sandbox : chooseSandbox(options.sandbox);
  fs.mkdirSync(options.outDir, { recursive: true });
  const cacheDir = path.join(cacheRoot(), 'grade');
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-grade-'));
  fs.chmodSync(workRoot, 0o711); // each submission may enter its own folder, and list none
  const hide = [path.resolve(options.submissionsDir), path.resolve(options.outDir), ...(options.hide ?? []).map((h) => path.resolve(h))];

  const planned = submissions.map((submission) => {
    const fingerprint = fingerprintOf(submission, options);
    return { submission, fingerprint, saved: savedResult(folderOf(options.outDir, submission.id, options.single), fingerprint) };
  });
  const resumed = planned.filter((p) => p.saved).length;
  options.onProgress?.({ type: 'planned', total: planned.length, resumed });

  const results = new Map<string, SubmissionResult>();
  const written: string[] = [];
  for (const p of planned.filter((p) => p.saved)) {
    results.set(p.submission.id, p.saved!);
    options.onProgress?.({ type: 'finished', result: p.saved!, resumed: true });
  }
  const queue = planned.filter((p) => !p.saved);
  const worker = async () => {
    for (let next = queue.shift(); next && !options.signal?.aborted; next = queue.shift()) {
      const { submission, fingerprint } = next;
      options.onProgress?.({ type: 'started', id: submission.id });
      const dir = folderOf(options.outDir, submission.id, options.single);
      const result = await options.grading.grade(submission, {
        provider: options.provider,
        seed: options.seed,
        workRoot,
        cacheDir,
        outDir: options.single ? path.dirname(dir) : options.outDir,
        hide,
        python: options.python,
        language: options.language,
        sandbox,
        fingerprint,
      }).catch((error: unknown): SubmissionResult => ({
        id: submission.id,
        status: 'error',
        error: `the grader failed on this submission: ${(error as Error).message}`,
        score: 0,
        maxScore: options.grading.maxScore,
        tests: [],
        executionTimeMs: 0,
        provider: options.provider.name,
        seed: options.seed,
        sandbox: sandbox.description,
        fingerprint: '', // never resumed: graded again next run
        gradedAt: new Date().toISOString(),
      }));
      results.set(submission.id, result);
      written.push(...writeSubmission(dir, result, options));
      options.onProgress?.({ type: 'finished', result, resumed: false });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, queue.length)) }, worker));
  } finally {
    fs.rmSync(workRoot, { recursive: true, force: true });
  }

  const ordered = submissions.map((s) => results.get(s.id)).filter((r): r is SubmissionResult => r !== undefined);
  if (!options.single) {
    if (options.formats.includes('csv')) {
      writeAtomically(path.join(options.outDir, 'grades.csv'), classCsv(ordered, options.grading));
      written.push('grades.csv');
    }
    if (options.formats.includes('junit')) {
      writeAtomically(path.join(options.outDir, 'junit.xml'), junitXml(ordered, options.grading.id));
      written.push('junit.xml');
    }
  }
  return { results: ordered, written, resumed };
}
