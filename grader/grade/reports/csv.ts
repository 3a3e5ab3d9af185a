// The class CSV: one row per submission — id, status, language, score, max, a column per test
// (its points), the seed and the error if any. RFC 4180 quoting; opens in any spreadsheet.

import type { Grading, SubmissionResult } from '../grading.ts';

const cell = (value: string | number) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function classCsv(results: SubmissionResult[], grading: Pick<Grading, 'tests'>): string {
  const header = ['submission', 'status', 'language', 'score', 'max_score', ...grading.tests.map((t) => t.name), 'seed', 'error'];
  const rows = results.map((r) => [r.id, r.status, r.language ?? '', r.score, r.maxScore, ...grading.tests.map((t) => r.tests.find((x) => x.index === t.index)?.score ?? 0), r.seed, r.error ?? '']);
  return `${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}
