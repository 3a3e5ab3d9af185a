// The grading file of the transaction-verifier assignment: how many transactions each run
// serves, and the tests — each a run of the submission's verifier against a fresh assignment
// server, judged by the server's own verdicts.
//
//   { "transactions": 30, "ratePerSecond": 50,
//     "tests": [
//       { "name": "verifies every transaction", "points": 40, "partial": true, "expect": ["accepted"] },
//       { "name": "submits each transaction once", "points": 10, "expect": ["no-duplicates"] },
//       { "name": "exactly once across a crash", "points": 20, "run": "restart", "expect": ["accepted", "no-duplicates"] },
//       { "name": "rides out failing requests", "points": 15, "scenario": "submit-errors.json", "expect": ["accepted", "no-duplicates"] } ] }
//
// Runs: `steady` (the default) serves the transactions and lets the verifier work; `restart`
// SIGKILLs it once half of them are accepted, then starts it again for the rest. Tests of the same
// run without a scenario share it; a test with a scenario has a run of its own on a simulator
// cluster while the faults fire, seeded. The default file is beside this module (grading.json);
// a TA's own goes beside the assignment's assignment.json, or is named with --grading.

import fs from 'node:fs';
import path from 'node:path';
import { integer, list, oneOf } from '../../../labs/engine/lab-fields.ts';
import { packagePath } from '../../../simulator/package-root.ts';
import { CODES, type Code } from '../../assignment/codes.ts';
import { ALWAYS, faultScenario, fields, limitsField, readGradingFile, refineTest, refineTests, testFields, toLimits, z, type FaultScenario } from '../grading-fields.ts';
import type { Visibility } from '../grading.ts';
import type { SandboxLimits } from '../sandbox/sandbox.ts';

export { GradingFileError } from '../grading-fields.ts';

/** What a test expects of the server's verdicts on its run, and the codes each one is about. */
export const EXPECTATIONS = {
  /** Every transaction of the run accepted (partial credit: the share accepted). */
  accepted: [CODES.ACCEPTED],
  'no-duplicates': [CODES.DUPLICATE],
  signatures: [CODES.BAD_SIGNATURE],
  'well-formed': [CODES.MALFORMED, CODES.UNKNOWN_VID, CODES.UNKNOWN_TXID],
  'not-rate-limited': [CODES.RATE_LIMITED],
  'on-time': [CODES.TOO_LATE],
} as const satisfies Record<string, readonly Code[]>;
export type Expectation = keyof typeof EXPECTATIONS;
const EXPECTATION_NAMES = Object.keys(EXPECTATIONS) as [Expectation, ...Expectation[]];

export const RUNS = ['steady', 'restart'] as const;
export type RunKind = (typeof RUNS)[number];

export interface AssignmentTest {
  index: number;
  name: string;
  points: number;
  visibility: Visibility;
  partial: boolean;
  run: RunKind;
  expect: Expectation[];
  scenario?: FaultScenario;
}

export interface AssignmentGradingFile {
  file: string;
  /** Transactions each run serves. */
  transactions: number;
  ratePerSecond: number;
  /** How long a run waits for the verifier's next verdict before it ends short. */
  patienceMs: number;
  /** How long the restarted verifier has for its first verdict (its group must drop the killed member first). */
  rejoinMs: number;
  limits: SandboxLimits;
  tests: AssignmentTest[];
  maxScore: number;
}

/** The grading file used when the assignment folder has none. */
export const DEFAULT_ASSIGNMENT_GRADING = packagePath('grader', 'grade', 'assignment', 'grading.json');

function assignmentGradingSchema(file: string) {
  const test = fields({
    ...testFields(file, 'each expectation (and the verifier staying up) earns its share of the points; `accepted` by the share of transactions accepted'),
    run: oneOf(RUNS, 'steady: the verifier works undisturbed; restart: SIGKILLed once half the transactions are accepted, then started again').default('steady'),
    expect: list(oneOf(EXPECTATION_NAMES), { minLength: 1 }, "what the server's verdicts on the run must show"),
  }).superRefine(refineTest, ALWAYS);
  return fields({
    $schema: z.string().optional(),
    transactions: integer({ min: 2, max: 100_000 }, 'transactions each run serves').default(30),
    ratePerSecond: integer({ min: 1, max: 10_000 }, 'transactions made per second').default(50),
    patienceSeconds: integer({ min: 1, max: 3600 }, "how long a run waits for the verifier's next verdict before it ends short").default(15),
    rejoinSeconds: integer({ min: 1, max: 3600 }, "how long the restarted verifier has for its first verdict: its consumer group drops the killed member only after its session timeout (kafka-python's defaults: about 45 s on Kafka 4)").default(60),
    limits: limitsField,
    tests: list(test, { minLength: 1 }, 'the tests, in report order'),
  }).superRefine(refineTests, ALWAYS);
}

export function loadAssignmentGrading(file = DEFAULT_ASSIGNMENT_GRADING): AssignmentGradingFile {
  const json = readGradingFile(file, assignmentGradingSchema(file), `no grading file ${file}`);
  const tests = json.tests.map((t, index): AssignmentTest => ({
    index,
    name: t.name,
    points: t.points,
    visibility: t.visibility,
    partial: t.partial,
    run: t.run,
    expect: [...new Set(t.expect)],
    ...faultScenario(t),
  }));
  return {
    file,
    transactions: json.transactions,
    ratePerSecond: json.ratePerSecond,
    patienceMs: json.patienceSeconds * 1000,
    rejoinMs: json.rejoinSeconds * 1000,
    limits: toLimits(json.limits),
    tests,
    maxScore: tests.reduce((sum, t) => sum + t.points, 0),
  };
}

/** The grading file for an assignment folder: --grading, else its own grading.json, else the default. */
export function assignmentGradingPath(assignmentDir: string, given?: string): string {
  if (given) return path.resolve(given);
  const own = path.join(path.resolve(assignmentDir), 'grading.json');
  return fs.existsSync(own) ? own : DEFAULT_ASSIGNMENT_GRADING;
}

