// The verdict on the step on screen: passed, or the first failing check with what it saw and what
// it expected.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import type { SessionState } from '../engine/lab-session.ts';
import { wrap } from './markdown.ts';
import { MARK, useTheme } from './theme.ts';

export const CHECK_LINES = 4;

interface CheckLine {
  text: string;
  tone?: 'ok' | 'bad' | 'muted' | 'warn';
  wrap?: boolean;
}

export function checkLines(state: SessionState): CheckLine[] {
  const index = state.viewed;
  const result = state.results[index];
  const lines: CheckLine[] = [];
  if (state.notice && (state.passed[index] || index === state.current)) lines.push({ text: `${MARK.passed} ${state.notice}`, tone: 'ok' });
  if (state.passed[index]) {
    if (!state.notice) lines.push({ text: `${MARK.passed} passed`, tone: 'ok' });
    for (const r of result?.results ?? []) lines.push({ text: `  ${MARK.passed} ${r.summary}`, tone: 'ok' });
    if (index === state.current - 1 && state.current < state.lab.steps.length) lines.push({ text: 'Next step: → (or wait, it opens by itself)', tone: 'muted' });
    return lines;
  }
  if (!result) return [{ text: state.checking ? 'checking…' : 'not checked yet', tone: 'muted' }];
  const failing = result.results.find((r) => r.status !== 'pass');
  if (!failing) return [{ text: 'checking…', tone: 'muted' }];
  const passing = result.results.filter((r) => r.status === 'pass').length;
  const of = result.results.length > 1 ? ` (${passing} of ${result.results.length} checks pass)` : '';
  const mark = failing.status === 'skipped' ? MARK.skipped : MARK.failed;
  lines.push({ text: `${mark} ${failing.summary}${of}`, tone: failing.status === 'fail' ? 'bad' : 'warn' });
  if (failing.saw) lines.push({ text: `  saw:      ${failing.saw}`, wrap: true });
  if (failing.expected) lines.push({ text: `  expected: ${failing.expected}`, wrap: true });
  return lines;
}

/** Long "saw" and "expected" lines go on under themselves, indented, within the panel's lines. */
function fit(lines: CheckLine[], width: number): CheckLine[] {
  return lines.flatMap((line) => {
    if (!line.wrap || line.text.length <= width) return [line];
    return wrap([{ text: line.text.slice(12) }], width - 12).map((l, i) => ({ text: (i === 0 ? line.text.slice(0, 12) : ' '.repeat(12)) + l.map((s) => s.text).join(''), tone: line.tone }));
  });
}

export function CheckPanel({ state, width }: { state: SessionState; width: number }) {
  const theme = useTheme();
  const lines = fit(checkLines(state), width).slice(0, CHECK_LINES);
  while (lines.length < CHECK_LINES) lines.push({ text: ' ' });
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, index) => (
        <Text key={index} wrap="truncate-end" color={line.tone ? theme[line.tone] : undefined}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
