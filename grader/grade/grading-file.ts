// grading.json, beside a lab's lab.json: what a grading run scores and how much each test is worth.
//
//   { "limits": { "wallClockSeconds": 60, "memoryMb": 768, "processes": 256, "cpuSeconds": 120 },
//     "tests": [
//       { "name": "producer: 100 numbered messages", "step": "produce", "points": 10, "partial": true },
//       { "name": "producer: nothing stored twice", "step": "produce", "points": 5,
//         "checks": [{ "type": "log-history", "topic": "sample" }] },
//       { "name": "producer: rides out failing requests", "step": "produce", "points": 10,
//         "scenario": "grading/produce-errors.json", "visibility": "after_published" } ] }
//
// A test scores a step of the lab: after the step's programs ran (in the lab's order, on the
// submission's one cluster), its checks — the step's own, or the `checks` given — and the programs'
// exit (each must end with 0) are judged. With `partial`, each of those earns its share of the
// points; without, all must pass. A test with a `scenario` runs the lab's steps up to its step on a
// cluster of its own (the simulator, `brokers` of them) while the scenario's faults fire, seeded.
// Problems are reported all at once, each with its path, as for lab.json: the same zod building
// blocks (labs/engine/lab-fields.ts), and each check judged by lab.json's own check schema.

import fs from 'node:fs';
import path from 'node:path';
import type { ParsedCheck } from '../../labs/engine/check-runner.ts';
import type { LabDefinition, StepDefinition } from '../../labs/engine/lab-definition.ts';
import { ALWAYS, fields, flag, integer, list, oneOf, record, text, z } from '../../labs/engine/lab-fields.ts';
import { checkSchema } from '../../labs/engine/lab-schema.ts';
import { parsedCheck } from '../../labs/engine/load.ts';
import { checkScenario, parseScenario, ScenarioError, type Scenario } from '../../simulator/faults/scenario/index.ts';
import { dotted, nearlyEqual, validate } from '../../simulator/validation.ts';
import { VISIBILITIES, type Visibility } from './grading.ts';
import { DEFAULT_LIMITS, type SandboxLimits } from './sandbox/sandbox.ts';


export interface GradingTest {
  /** Its place in the file, from 0. */
  index: number;
  name: string;
  step: StepDefinition;
  points: number;
  visibility: Visibility;
  partial: boolean;
  checks: ParsedCheck[];
  /** Faults during the run, on a cluster of the test's own. */
  scenario?: { scenario: Scenario; file: string; brokers: number; text: string };
}

export interface GradingFile {
  file: string;
  lab: LabDefinition;
  limits: SandboxLimits;
  tests: GradingTest[];
  maxScore: number;
}

export class GradingFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

export function gradingFilePath(lab: LabDefinition): string {
  return path.join(lab.dir, 'grading.json');
}

/** A test's scenario, loaded: a file beside grading.json, or written inline. */
type LoadedScenario = NonNullable<GradingTest['scenario']>;

/** grading.json's schema for one lab: its steps are the ones a test may name. */
function gradingSchema(lab: LabDefinition, file: string) {
  const stepIds = lab.steps.map((s) => s.id);
  const scenario = z.union([text(), record()], { error: () => 'expected a scenario file (a path beside grading.json) or a scenario object' }).transform((value, ctx) => {
    const where = typeof value === 'string' ? path.resolve(path.dirname(file), value) : file;
    try {
      if (typeof value !== 'string') return { scenario: checkScenario(value, { source: 'scenario' }), file: where, text: JSON.stringify(value, null, 2) };
      const written = fs.readFileSync(where, 'utf8');
      return { scenario: parseScenario(written, value), file: where, text: written };
    } catch (error) {
      const problems = error instanceof ScenarioError ? error.problems : [(error as NodeJS.ErrnoException).code === 'ENOENT' ? `no scenario file ${value} beside grading.json` : (error as Error).message];
      // An inline scenario's problems are already at `tests[i].scenario`: no name of its own before them.
      const inline = typeof value !== 'string';
      for (const message of problems) ctx.addIssue({ code: 'custom', message: inline ? message.replace(/^scenario: /, '') : message });
      return z.NEVER;
    }
  });

  const test = fields({
    name: text('the test\'s name, as the reports show it'),
    step: text('the lab step whose programs run before the checks').superRefine((id, ctx) => {
      if (stepIds.includes(id)) return;
      const close = stepIds.find((s) => nearlyEqual(s, id));
      ctx.addIssue({ code: 'custom', message: `no step "${id}" in lab ${lab.id}${close ? ` (did you mean "${close}"?)` : ''}; steps: ${stepIds.join(', ')}` });
    }),
    points: integer({ min: 0, max: 10_000 }, 'what the test is worth').default(1),
    visibility: oneOf(VISIBILITIES, "Gradescope's visibility of the test").default('visible'),
    partial: flag('each check (and each program\'s exit) earns its share of the points').default(false),
    checks: list(checkSchema(), { minLength: 1 }, "the checks to judge (default: the step's own)").optional(),
    scenario: scenario.optional(),
    brokers: integer({ min: 1, max: 9 }, 'brokers of the scenario\'s cluster').optional(),
  }).superRefine((raw, ctx) => {
    const { scenario, brokers } = raw as Record<string, unknown>;
    if (brokers !== undefined && scenario === undefined) ctx.addIssue({ code: 'custom', path: ['brokers'], message: 'only a test with a scenario runs on a cluster of its own' });
  }, ALWAYS);

  return fields({
    $schema: z.string().optional(),
    lab: text('the lab graded (its id)')
      .superRefine((id, ctx) => {
        if (id !== lab.id) ctx.addIssue({ code: 'custom', message: `"${id}" is not this lab ("${lab.id}")` });
      })
      .optional(),
    limits: fields({
      wallClockSeconds: integer({ min: 1, max: 3600 }, 'wall clock per program').default(DEFAULT_LIMITS.wallClockMs / 1000),
      memoryMb: integer({ min: 64, max: 65_536 }, 'memory per program').default(DEFAULT_LIMITS.memoryMb),
      processes: integer({ min: 8, max: 100_000 }, 'processes and threads per program').default(DEFAULT_LIMITS.processes),
      cpuSeconds: integer({ min: 1, max: 36_000 }, 'CPU time per program').default(DEFAULT_LIMITS.cpuSeconds),
    }).optional(),
    tests: list(test, { minLength: 1 }, 'the tests, in report order'),
  }).superRefine((raw, ctx) => {
    const tests = (raw as { tests?: unknown } | null)?.tests;
    if (!Array.isArray(tests)) return;
    const names = new Map<string, number>();
    tests.forEach((t: { name?: unknown }, index) => {
      if (typeof t?.name !== 'string') return;
      if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tests', index, 'name'], message: `"${t.name}" is also the name of tests[${names.get(t.name)}]` });
      else names.set(t.name, index);
    });
  }, ALWAYS);
}

export function loadGradingFile(lab: LabDefinition, file = gradingFilePath(lab)): GradingFile {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GradingFileError(file, [(error as NodeJS.ErrnoException).code === 'ENOENT' ? `lab ${lab.id} has no grading.json` : (error as Error).message]);
  }
  const checked = validate(gradingSchema(lab, file), json);
  if ('problems' in checked) throw new GradingFileError(file, checked.problems.map((p) => (p.path.length ? `${dotted(p.path)}: ${p.message}` : p.message)));
  const { limits, tests } = checked.value;
  const gradingTests = tests.map((t, index): GradingTest => {
    const step = lab.steps.find((s) => s.id === t.step)!;
    return {
      index,
      name: t.name,
      step,
      points: t.points,
      visibility: t.visibility,
      partial: t.partial,
      checks: t.checks ? t.checks.map((c) => parsedCheck(c as { type: string })) : step.checks,
      ...(t.scenario && { scenario: { ...(t.scenario as Omit<LoadedScenario, 'brokers'>), brokers: t.brokers ?? 1 } }),
    };
  });
  return {
    file,
    lab,
    limits: limits ? { wallClockMs: limits.wallClockSeconds * 1000, memoryMb: limits.memoryMb, processes: limits.processes, cpuSeconds: limits.cpuSeconds } : DEFAULT_LIMITS,
    tests: gradingTests,
    maxScore: gradingTests.reduce((sum, t) => sum + t.points, 0),
  };
}
