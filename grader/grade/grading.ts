// What a grading run grades against — a lab's grading.json (lab-grading.ts) or the
// transaction-verifier assignment (assignment-grading.ts) — and what grading a submission gives:
// a score per test with the checks behind it. runClass (class-run.ts) drives either the same way,
// and every report reads only these types.

import type { CheckResult } from '../../labs/engine/check-runner.ts';
import type { Language } from '../../labs/engine/lab-definition.ts';
import type { BrokerProvider } from '../providers/index.ts';
import type { SandboxChoice } from './sandbox/submission-sandbox.ts';
import type { Submission } from './submission.ts';

export const VISIBILITIES = ['visible', 'hidden', 'after_due_date', 'after_published'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** A test as the reports and the class CSV list it. */
export interface TestInfo {
  /** Its place in the grading file, from 0. */
  index: number;
  name: string;
  points: number;
  visibility: Visibility;
}

export interface TestResult {
  index: number;
  name: string;
  score: number;
  maxScore: number;
  visibility: Visibility;
  passed: boolean;
  /** The programs' outcome first, then each check. */
  checks: CheckResult[];
  /** What the programs printed (last lines). */
  transcript: string;
  /** For fault tests: the seed, the timeline that fired, and how to replay it. */
  faults?: { seed: number; timeline: string[]; replay: string; scenarioFile: string };
}

export interface SubmissionResult {
  id: string;
  status: 'graded' | 'error';
  /** Why it could not be graded (no programs found, dependencies would not install, ...). */
  error?: string;
  language?: Language;
  score: number;
  maxScore: number;
  tests: TestResult[];
  executionTimeMs: number;
  provider: string;
  seed: number;
  sandbox: string;
  dependencies?: string;
  /** Fingerprint of submission + grading file + options: a resumed run reuses equal ones. */
  fingerprint: string;
  gradedAt: string;
}

/** What grading one submission needs besides the submission. */
export interface GradeContext {
  provider: BrokerProvider;
  /** Seed for fault scenarios without their own. */
  seed: number;
  /** Where workspaces are made (one folder per submission, removed afterwards). */
  workRoot: string;
  /** Dependency and generated-data cache. */
  cacheDir: string;
  /** Output folder: scenario files for replay go to <outDir>/<id>/. */
  outDir: string;
  /** Folders no submission may read (the class folder, the output folder, tokens). */
  hide: string[];
  python: string;
  language?: Language;
  /** Where its programs run (chooseSandbox): a container per submission, namespaces, or limits only. */
  sandbox: SandboxChoice;
  fingerprint: string;
  keepWorkspaces?: boolean;
}

export interface Grading {
  /** A short name: the lab's id, or "assignment"; JUnit's class names start with it. */
  id: string;
  /** For the reports' heading: "Producer and consumer (producer-consumer)". */
  title: string;
  /** The grading file: its text is part of every submission's fingerprint. */
  file: string;
  /** Other settings a result depends on (an assignment's partitions and rate limits): fingerprinted too. */
  settings?: string;
  tests: TestInfo[];
  maxScore: number;
  grade(submission: Submission, context: GradeContext): Promise<SubmissionResult>;
}

export const round = (n: number) => Math.round(n * 100) / 100;

/** The result of a submission that could not be graded: every test 0, each saying why. */
export function ungradable(grading: Pick<Grading, 'tests' | 'maxScore'>, base: Omit<SubmissionResult, 'status' | 'tests' | 'score' | 'maxScore'>, error: string): SubmissionResult {
  return {
    ...base,
    status: 'error',
    error,
    score: 0,
    maxScore: grading.maxScore,
    tests: grading.tests.map((t) => ({
      index: t.index,
      name: t.name,
      score: 0,
      maxScore: t.points,
      visibility: t.visibility,
      passed: false,
      checks: [{ description: 'the submission can be graded', status: 'error', summary: error }],
      transcript: '',
    })),
  };
}

/**
 * A test's score from its checks (the skipped ones aside): all its points when every one passed;
 * with `partial`, each check's share of them — a check may carry a `credit` from 0 to 1 of its
 * share (the share of transactions accepted, say); without, nothing.
 */
export function scoreOf(points: number, partial: boolean, checks: (CheckResult & { credit?: number })[]): { score: number; passed: boolean } {
  const judged = checks.filter((c) => c.status !== 'skipped');
  const passed = judged.every((c) => c.status === 'pass');
  if (passed) return { score: points, passed };
  if (!partial || judged.length === 0) return { score: 0, passed };
  const credit = judged.reduce((sum, c) => sum + (c.status === 'pass' ? 1 : (c.credit ?? 0)), 0);
  return { score: round((points * credit) / judged.length), passed };
}
