// grading.json: every lab's own file loads, and a wrong one is refused with every problem named at
// its path, in lab.json's words (the checks go through lab.json's own check schema).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLab, loadLabs } from '../../labs/engine/load.ts';
import { loadAssignmentGrading } from '../grade/assignment/grading-file.ts';
import { GradingFileError, gradingFilePath, loadGradingFile } from '../grade/grading-file.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grading-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lab = findLab('producer-consumer');

function problemsOf(json: unknown): string[] {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  try {
    loadGradingFile(lab, file);
  } catch (error) {
    if (error instanceof GradingFileError) return error.problems;
    throw error;
  }
  throw new Error('the grading file was accepted');
}

describe('grading.json', () => {
  it("loads every lab's grading file, each test naming a step of its lab", () => {
    const graded = loadLabs().filter((l) => fs.existsSync(gradingFilePath(l)));
    expect(graded.map((l) => l.id)).toContain('producer-consumer');
    for (const each of graded) {
      const grading = loadGradingFile(each);
      expect(grading.tests.length).toBeGreaterThan(0);
      expect(grading.maxScore).toBe(grading.tests.reduce((sum, t) => sum + t.points, 0));
      for (const test of grading.tests) expect(each.steps).toContain(test.step);
    }
  });

  it('fills in defaults: a step’s own checks, 1 point, visible, the default limits', () => {
    const file = path.join(dir, 'minimal.json');
    fs.writeFileSync(file, JSON.stringify({ tests: [{ name: 'produce', step: 'produce' }] }));
    const grading = loadGradingFile(lab, file);
    expect(grading.tests[0]).toMatchObject({ points: 1, visibility: 'visible', partial: false });
    expect(grading.tests[0].checks).toBe(lab.steps.find((s) => s.id === 'produce')!.checks);
    expect(grading.limits).toEqual({ wallClockMs: 60_000, memoryMb: 768, processes: 256, cpuSeconds: 120 });
  });

  it('names every problem at once, with its path', () => {
    const problems = problemsOf({
      lab: 'avro',
      limit: {},
      limits: { memoryMb: 10 },
      tests: [
        { name: 'a', step: 'produse', points: -1 },
        { name: 'a', step: 'consume', checks: [{ type: 'record', topic: 'x' }], brokers: 3 },
        { name: 'b', step: 'consume', checks: [{ type: 'records' }], visibility: 'secret' },
        { name: 'c', step: 'produce', scenario: 'no-such-file.json' },
        { name: 'd', step: 'produce', scenario: { steps: [{ at: '0s', kill: 'everyone' }] } },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'lab: "avro" is not this lab ("producer-consumer")',
        'limit: unknown field (did you mean "limits"?)',
        'limits.memoryMb: expected a whole number from 64 to 65536, got 10',
        'tests[0].step: no step "produse" in lab producer-consumer (did you mean "produce"?); steps: produce, consume, poll, replay, tail, sensor, file-writer',
        'tests[0].points: expected a whole number from 0 to 10000, got -1',
        'tests[1].name: "a" is also the name of tests[0]',
        expect.stringMatching(/^tests\[1\]\.checks\[0\]\.type: unknown check type "record" \(did you mean "records"\?\)/),
        'tests[1].brokers: only a test with a scenario runs on a cluster of its own',
        'tests[2].checks[0].topic: is required',
        expect.stringMatching(/^tests\[2\]\.visibility: expected one of "visible", "hidden"/),
        'tests[3].scenario: no scenario file no-such-file.json beside grading.json',
        expect.stringMatching(/^tests\[4\]\.scenario: steps\[0\]: "kill": expected a broker id/),
      ]),
    );
    expect(problems).toHaveLength(12);
  });

  it('refuses a file that is not JSON, or a lab without one', () => {
    expect(problemsOf('{ "tests": [')).toEqual([expect.stringMatching(/JSON/)]);
    expect(() => loadGradingFile(lab, path.join(dir, 'absent.json'))).toThrow(/lab producer-consumer has no grading.json/);
  });
});

describe("the assignment's grading file", () => {
  it('names every problem at once, in the same words', () => {
    const file = path.join(dir, 'assignment.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        transactions: 1,
        tests: [
          { name: 'a', points: 5, expect: ['accepted', 'duplicates'] },
          { name: 'a', run: 'crash', expect: [] },
          { name: 'b', expect: ['accepted'], brokers: 3 },
        ],
      }),
    );
    let problems: string[] = [];
    try {
      loadAssignmentGrading(file);
    } catch (error) {
      problems = (error as GradingFileError).problems;
    }
    expect(problems).toEqual([
      'transactions: expected a whole number from 2 to 100000, got 1',
      expect.stringMatching(/^tests\[0\]\.expect\[1\]: expected one of "accepted", "no-duplicates", "signatures", "well-formed"/),
      expect.stringMatching(/^tests\[1\]\.run: expected one of "steady", "restart", got "crash"/),
      'tests[1].expect: expected at least 1 entries',
      'tests[2].brokers: only a test with a scenario runs on a cluster of its own',
      'tests[1].name: "a" is also the name of tests[0]',
    ]);
  });
});
