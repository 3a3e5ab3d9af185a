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

import path from 'node:path';
import type { ParsedCheck } from '../../labs/engine/check-runner.ts';
import type { LabDefinition, StepDefinition } from '../../labs/engine/lab-definition.ts';
import { list, text } from '../../labs/engine/lab-fields.ts';
import { checkSchema } from '../../labs/engine/lab-schema.ts';
import { parsedCheck } from '../../labs/engine/load.ts';
import { nearlyEqual } from '../../simulator/validation.ts';
import { ALWAYS, faultScenario, fields, limitsField, readGradingFile, refineTest, refineTests, testFields, toLimits, z, type FaultScenario } from './grading-fields.ts';
import type { Visibility } from './grading.ts';
import type { SandboxLimits } from './sandbox/sandbox.ts';

export { GradingFileError } from './grading-fields.ts';

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
  scenario?: FaultScenario;
}

export interface GradingFile {
  file: string;
  lab: LabDefinition;
  limits: SandboxLimits;
  tests: GradingTest[];
  maxScore: number;
}

export function gradingFilePath(lab: LabDefinition): string {
  return path.join(lab.dir, 'grading.json');
}

/** grading.json's schema for one lab: its steps are the ones a test may name. */
function gradingSchema(lab: LabDefinition, file: string) {
  const stepIds = lab.steps.map((s) => s.id);
  const test = fields({
    ...testFields(file, "each check (and each program's exit) earns its share of the points"),
    step: text('the lab step whose programs run before the checks').superRefine((id, ctx) => {
      if (stepIds.includes(id)) return;
      const close = stepIds.find((s) => nearlyEqual(s, id));
      ctx.addIssue({ code: 'custom', message: `no step "${id}" in lab ${lab.id}${close ? ` (did you mean "${close}"?)` : ''}; steps: ${stepIds.join(', ')}` });
    }),
    checks: list(checkSchema(), { minLength: 1 }, "the checks to judge (default: the step's own)").optional(),
  }).superRefine(refineTest, ALWAYS);

  return fields({
    $schema: z.string().optional(),
    lab: text('the lab graded (its id)')
      .superRefine((id, ctx) => {
        if (id !== lab.id) ctx.addIssue({ code: 'custom', message: `"${id}" is not this lab ("${lab.id}")` });
      })
      .optional(),
    limits: limitsField,
    tests: list(test, { minLength: 1 }, 'the tests, in report order'),
  }).superRefine(refineTests, ALWAYS);
}

export function loadGradingFile(lab: LabDefinition, file = gradingFilePath(lab)): GradingFile {
  const { limits, tests } = readGradingFile(file, gradingSchema(lab, file), `lab ${lab.id} has no grading.json`);
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
      ...faultScenario(t),
    };
  });
  return { file, lab, limits: toLimits(limits), tests: gradingTests, maxScore: gradingTests.reduce((sum, t) => sum + t.points, 0) };
}
