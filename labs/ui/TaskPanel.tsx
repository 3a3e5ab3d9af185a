// The open step: its text with the files and commands for the student's language, the hints they
// asked for — or, on request, the solution. Scrolls by line.

/** @jsxRuntime automatic @jsxImportSource react */

import { Box, Text } from 'ink';
import { commandLine, LANGUAGE_NAMES, workspacePath, type LabDefinition, type Language, type StepDefinition } from '../engine/lab-definition.ts';
import { layoutMarkdown, wrap, type Line } from './markdown.ts';
import { StyledLines } from './StyledLines.tsx';
import { useTheme } from './theme.ts';

export interface TaskView {
  lab: LabDefinition;
  step: StepDefinition;
  index: number;
  language: Language;
  hintsShown: number;
  /** The solution files, when shown instead of the task. */
  solution?: { path: string; text: string }[];
}

/** Every line of the panel's body, for scrolling (the caller keeps the offset). */
export function taskLines(view: TaskView, width: number, color: boolean): Line[] {
  const { lab, step, language } = view;
  if (view.solution) {
    const lines: Line[] = [];
    for (const file of view.solution) {
      lines.push([{ text: `── ${file.path}`, bold: true }]);
      for (const code of file.text.replace(/\n$/, '').split('\n')) lines.push(...codeLines(code, width));
      lines.push([]);
    }
    return lines;
  }
  const lines = layoutMarkdown(step.text, { width, language, color });
  const files = step.files.map((base) => workspacePath(lab.id, base, language));
  if (files.length > 0) {
    lines.push([], ...wrap([{ text: `Your files (${LANGUAGE_NAMES[language]}): `, bold: true }, { text: files.join(', '), code: true }], width));
    const commands = step.run.filter((r, i, all) => all.findIndex((x) => x.file === r.file) === i);
    for (const command of commands) lines.push(...wrap([{ text: 'Run: ', bold: true }, { text: commandLine(lab.id, command, language), code: true }], width));
  }
  for (let n = 0; n < view.hintsShown && n < step.hints.length; n++) {
    lines.push([], ...wrap([{ text: `Hint ${n + 1} of ${step.hints.length}: `, bold: true }, ...layoutMarkdown(step.hints[n], { width: 10_000, language, color }).flat()], width));
  }
  return lines;
}

/** A line of code cut to the width; the pieces after the first are marked ↳ (indentation matters in Python). */
function codeLines(code: string, width: number): Line[] {
  if (code.length <= width) return [[{ text: code, code: true }]];
  const lines: Line[] = [[{ text: code.slice(0, width), code: true }]];
  for (let at = width; at < code.length; at += width - 2) lines.push([{ text: '↳ ' }, { text: code.slice(at, at + width - 2), code: true }]);
  return lines;
}

export function TaskPanel({ view, width, height, scroll }: { view: TaskView; width: number; height: number; scroll: number }) {
  const theme = useTheme();
  const lines = taskLines(view, width, theme.color);
  const bodyHeight = height - 1;
  const top = Math.max(0, Math.min(scroll, lines.length - bodyHeight));
  const more = top + bodyHeight < lines.length;
  const visible = lines.slice(top, top + (more ? bodyHeight - 1 : bodyHeight));
  const title = view.solution ? `Solution · step ${view.index + 1} · ${LANGUAGE_NAMES[view.language]} (s: back to the task)` : `Step ${view.index + 1} of ${view.lab.steps.length} · ${view.step.title}`;
  return (
    <Box flexDirection="column" width={width}>
      <Text bold wrap="truncate-end" color={view.solution ? theme.warn : theme.accent}>
        {title}
      </Text>
      <StyledLines lines={visible} width={width} />
      {more && (
        <Text color={theme.muted} wrap="truncate-end">
          ↓ {lines.length - top - visible.length} more lines (↑/↓ to scroll)
        </Text>
      )}
    </Box>
  );
}
