// One JUnit XML file for the class: a <testsuite> per submission, a <testcase> per test, with a
// <failure> saying what was seen and expected. CI dashboards and IDEs read it.

import type { SubmissionResult } from '../grading.ts';
import { testText } from './text.ts';

const escape = (text: string) =>
  text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

export function junitXml(results: SubmissionResult[], gradingId: string): string {
  const suites = results.map((r) => {
    const failures = r.tests.filter((t) => !t.passed).length;
    const cases = r.tests.map((t) => {
      const time = `time="0"`;
      const body = t.passed
        ? ''
        : `\n      <failure message="${escape(t.checks.find((c) => c.status !== 'pass' && c.status !== 'skipped')?.summary ?? 'failed')}">${escape(testText(t))}</failure>\n    `;
      return `    <testcase classname="${escape(`${gradingId}.${r.id}`)}" name="${escape(`${t.name} (${t.score}/${t.maxScore})`)}" ${time}>${body}</testcase>`;
    });
    return [
      `  <testsuite name="${escape(r.id)}" tests="${r.tests.length}" failures="${failures}" errors="${r.status === 'error' ? 1 : 0}" time="${(r.executionTimeMs / 1000).toFixed(3)}">`,
      `    <properties><property name="score" value="${r.score}"/><property name="max_score" value="${r.maxScore}"/><property name="seed" value="${r.seed}"/></properties>`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const tests = results.reduce((n, r) => n + r.tests.length, 0);
  const failures = results.reduce((n, r) => n + r.tests.filter((t) => !t.passed).length, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kafka-lab grade ${escape(gradingId)}" tests="${tests}" failures="${failures}">\n${suites.join('\n')}\n</testsuites>\n`;
}
