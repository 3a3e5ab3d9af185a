// Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/):
// score, execution_time (s), output, tests[] with name, score, max_score, status, output and
// visibility. Its shape is checked by gradescopeProblems, which the tests run on every file.

import type { SubmissionResult } from '../grading.ts';
import { testText } from './text.ts';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  visibility: 'visible' | 'hidden' | 'after_due_date' | 'after_published';
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  visibility: 'visible';
  stdout_visibility: 'hidden';
  tests: GradescopeTest[];
}

export function gradescopeResults(result: SubmissionResult): GradescopeResults {
  const lines = [`${result.score} / ${result.maxScore} points`, `seed ${result.seed} (fault scenarios replay with it), broker: ${result.provider}`];
  if (result.error) lines.unshift(`Your submission could not be graded: ${result.error}`);
  return {
    score: result.score,
    execution_time: Math.round(result.executionTimeMs / 1000),
    output: lines.join('\n'),
    visibility: 'visible',
    stdout_visibility: 'hidden',
    tests: result.tests.map((t) => ({
      name: t.name,
      number: String(t.index + 1),
      score: t.score,
      max_score: t.maxScore,
      status: t.passed ? 'passed' : 'failed',
      output: testText(t),
      visibility: t.visibility,
    })),
  };
}

const VISIBILITY = ['visible', 'hidden', 'after_due_date', 'after_published'];
const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** What in a results.json does not fit Gradescope's documented shape (empty when it fits). */
export function gradescopeProblems(json: unknown): string[] {
  const problems: string[] = [];
  const r = json as Record<string, unknown>;
  if (typeof r !== 'object' || r === null) return ['not an object'];
  const known = ['score', 'execution_time', 'output', 'output_format', 'test_output_format', 'test_name_format', 'visibility', 'stdout_visibility', 'extra_data', 'tests', 'leaderboard'];
  for (const key of Object.keys(r)) if (!known.includes(key)) problems.push(`unknown top-level key ${key}`);
  if (r.score !== undefined && !isNumber(r.score)) problems.push('score must be a number');
  if (r.score === undefined && !Array.isArray(r.tests)) problems.push('score or tests is required');
  if (r.execution_time !== undefined && !Number.isInteger(r.execution_time)) problems.push('execution_time must be whole seconds');
  if (r.output !== undefined && typeof r.output !== 'string') problems.push('output must be a string');
  for (const key of ['visibility', 'stdout_visibility']) if (r[key] !== undefined && !VISIBILITY.includes(r[key] as string)) problems.push(`${key} must be one of ${VISIBILITY.join(', ')}`);
  if (r.tests !== undefined) {
    if (!Array.isArray(r.tests)) problems.push('tests must be a list');
    else
      r.tests.forEach((t: Record<string, unknown>, i) => {
        const testKnown = ['score', 'max_score', 'status', 'name', 'name_format', 'number', 'output', 'output_format', 'tags', 'visibility', 'extra_data'];
        for (const key of Object.keys(t)) if (!testKnown.includes(key)) problems.push(`tests[${i}]: unknown key ${key}`);
        if (t.score !== undefined && !isNumber(t.score)) problems.push(`tests[${i}].score must be a number`);
        if (t.max_score !== undefined && !isNumber(t.max_score)) problems.push(`tests[${i}].max_score must be a number`);
        if (t.score === undefined && t.status === undefined) problems.push(`tests[${i}]: score or status is required`);
        if (t.status !== undefined && !['passed', 'failed'].includes(t.status as string)) problems.push(`tests[${i}].status must be passed or failed`);
        for (const key of ['name', 'number', 'output']) if (t[key] !== undefined && typeof t[key] !== 'string') problems.push(`tests[${i}].${key} must be a string`);
        if (t.visibility !== undefined && !VISIBILITY.includes(t.visibility as string)) problems.push(`tests[${i}].visibility must be one of ${VISIBILITY.join(', ')}`);
      });
  }
  return problems;
}
