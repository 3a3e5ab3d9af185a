// PrairieLearn's external grader results.json
// (https://prairielearn.readthedocs.io/en/latest/externalGrading/): gradable, score as a fraction
// 0–1, message, output, tests[] with name, description, points, max_points, message, output.

import type { SubmissionResult } from '../grading.ts';
import { testText } from './text.ts';

export function prairielearnResults(result: SubmissionResult) {
  return {
    gradable: result.status === 'graded',
    score: result.maxScore > 0 ? Math.round((result.score / result.maxScore) * 10_000) / 10_000 : 0,
    points: result.score,
    max_points: result.maxScore,
    message: result.error ? `Your submission could not be graded: ${result.error}` : `${result.score} / ${result.maxScore} points (seed ${result.seed})`,
    output: '',
    tests: result.tests.map((t) => ({
      name: t.name,
      description: t.checks.slice(1).map((c) => c.description).join('; '),
      points: t.score,
      max_points: t.maxScore,
      message: t.passed ? 'passed' : (t.checks.find((c) => c.status !== 'pass' && c.status !== 'skipped')?.summary ?? 'failed'),
      output: testText(t),
    })),
  };
}
