// What every grading file has, whatever it grades: limits for the programs, and tests with a
// name, points, a visibility, partial credit, and maybe a fault scenario on a cluster of their
// own. A lab's grading.json (grading-file.ts) and an assignment's (assignment/grading-file.ts) are
// these plus their own fields; problems read the same in both, each with its path.

import fs from 'node:fs';
import path from 'node:path';
import { ALWAYS, fields, flag, integer, oneOf, record, text, z } from '../../labs/engine/lab-fields.ts';
import { checkScenario, parseScenario, ScenarioError, type Scenario } from '../../simulator/faults/scenario/index.ts';
import { dotted, validate } from '../../simulator/validation.ts';
import { VISIBILITIES } from './grading.ts';
import { DEFAULT_LIMITS, type SandboxLimits } from './sandbox/sandbox.ts';

export { ALWAYS, fields, z };

/** A test's faults: the scenario, where it came from (for the replay file), and the brokers it needs (else the cluster's own). */
export interface FaultScenario {
  scenario: Scenario;
  file: string;
  brokers?: number;
  text: string;
}

export class GradingFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

/** A scenario file beside the grading file, or a scenario written inline; loaded and checked. */
function scenarioField(file: string) {
  return z.union([text(), record()], { error: () => 'expected a scenario file (a path beside grading.json) or a scenario object' }).transform((value, ctx) => {
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
}

/** The fields of a test every grading file has; `creditText` says what partial credit divides. */
export function testFields(file: string, creditText: string) {
  return {
    name: text("the test's name, as the reports show it"),
    points: integer({ min: 0, max: 10_000 }, 'what the test is worth').default(1),
    visibility: oneOf(VISIBILITIES, "Gradescope's visibility of the test").default('visible'),
    partial: flag(creditText).default(false),
    scenario: scenarioField(file).optional(),
    brokers: integer({ min: 1, max: 9 }, "brokers of the scenario's cluster (default: the lab's, or 1)").optional(),
  };
}

/** A test's own problems across fields: brokers only with a scenario. */
export function refineTest(raw: unknown, ctx: z.RefinementCtx): void {
  const { scenario, brokers } = (raw ?? {}) as Record<string, unknown>;
  if (brokers !== undefined && scenario === undefined) ctx.addIssue({ code: 'custom', path: ['brokers'], message: 'only a test with a scenario runs on a cluster of its own' });
}

/** The file's own problems across tests: names are unique. */
export function refineTests(raw: unknown, ctx: z.RefinementCtx): void {
  const tests = (raw as { tests?: unknown } | null)?.tests;
  if (!Array.isArray(tests)) return;
  const names = new Map<string, number>();
  tests.forEach((t: { name?: unknown }, index) => {
    if (typeof t?.name !== 'string') return;
    if (names.has(t.name)) ctx.addIssue({ code: 'custom', path: ['tests', index, 'name'], message: `"${t.name}" is also the name of tests[${names.get(t.name)}]` });
    else names.set(t.name, index);
  });
}

export const limitsField = fields({
  wallClockSeconds: integer({ min: 1, max: 3600 }, 'wall clock per program').default(DEFAULT_LIMITS.wallClockMs / 1000),
  memoryMb: integer({ min: 64, max: 65_536 }, 'memory per program').default(DEFAULT_LIMITS.memoryMb),
  processes: integer({ min: 8, max: 100_000 }, 'processes and threads per program').default(DEFAULT_LIMITS.processes),
  cpuSeconds: integer({ min: 1, max: 36_000 }, 'CPU time per program').default(DEFAULT_LIMITS.cpuSeconds),
}).optional();

export function toLimits(limits: z.output<typeof limitsField>): SandboxLimits {
  return limits ? { wallClockMs: limits.wallClockSeconds * 1000, memoryMb: limits.memoryMb, processes: limits.processes, cpuSeconds: limits.cpuSeconds } : DEFAULT_LIMITS;
}

/** A test's scenario as it runs: the loaded file and its brokers, when it names them. */
export function faultScenario(test: { scenario?: Omit<FaultScenario, 'brokers'>; brokers?: number }): { scenario?: FaultScenario } {
  return test.scenario ? { scenario: { ...test.scenario, ...(test.brokers !== undefined && { brokers: test.brokers }) } } : {};
}

/** The file read as JSON and checked against `schema`, or a GradingFileError naming every problem. */
export function readGradingFile<T>(file: string, schema: z.ZodType<T>, missing: string): T {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new GradingFileError(file, [(error as NodeJS.ErrnoException).code === 'ENOENT' ? missing : (error as Error).message]);
  }
  const checked = validate(schema, json);
  if ('problems' in checked) throw new GradingFileError(file, checked.problems.map((p) => (p.path.length ? `${dotted(p.path)}: ${p.message}` : p.message)));
  return checked.value;
}
