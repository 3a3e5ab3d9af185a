// The readable per-student report: the score, then each test with what it saw and what it
// expected, the fault timeline and how to replay it, and the programs' last output. Fits 80 columns.

import type { SubmissionResult, TestResult } from '../grading.ts';

const MARK = { pass: '✓', fail: '✗', error: '!', skipped: '-' } as const;

function wrap(text: string, indent: string, width = 80): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(indent + line);
  }
  return lines;
}

/** One test as text: its checks, faults and transcript (for Gradescope's per-test output too). */
export function testText(test: TestResult, { transcript = true } = {}): string {
  const lines: string[] = [];
  for (const check of test.checks) {
    lines.push(...wrap(`${MARK[check.status]} ${check.summary}`, '  '));
    if (check.status !== 'pass' && check.status !== 'skipped') {
      if (check.saw) lines.push(...wrap(`saw:      ${check.saw}`, '      '));
      if (check.expected) lines.push(...wrap(`expected: ${check.expected}`, '      '));
    }
  }
  if (test.faults) {
    lines.push(`  faults (seed ${test.faults.seed}):`);
    for (const entry of test.faults.timeline) lines.push(...wrap(entry, '      '));
    lines.push(...wrap(`replay: ${test.faults.replay}`, '  '));
  }
  if (transcript && !test.passed && test.transcript.trim()) {
    lines.push('  the programs printed (last lines):');
    for (const line of test.transcript.split('\n').slice(-15)) lines.push(`    ${line.slice(0, 76)}`);
  }
  return lines.join('\n');
}

export function submissionText(result: SubmissionResult, title: string): string {
  const head = [
    `${title}: ${result.id}`,
    `score ${result.score} / ${result.maxScore}${result.language ? `, ${result.language}` : ''}, ${(result.executionTimeMs / 1000).toFixed(1)} s, broker: ${result.provider}, seed ${result.seed}`,
    ...(result.error ? wrap(`could not be graded: ${result.error}`, '') : []),
    '',
  ];
  const tests = result.tests.map((t) => [`${t.passed ? 'PASS' : 'FAIL'} ${t.score}/${t.maxScore}  ${t.name}`, testText(t)].join('\n'));
  return `${[...head, ...tests].join('\n')}\n`;
}
