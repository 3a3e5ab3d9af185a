// The report of `kafka-lab check`: per step a tick or a cross, per check what it saw and expected,
// wrapped to 80 columns; coloured only on a terminal without NO_COLOR.

import path from 'node:path';
import { openCheckContext, runStep, type StepResult } from '../engine/check-runner.ts';
import { findLab } from '../engine/load.ts';
import type { LabDefinition } from '../engine/lab-definition.ts';
import { findWorkspace, readWorkspaceConfig } from '../engine/workspace.ts';
import { wrap } from '../ui/markdown.ts';
import { MARK } from '../ui/theme.ts';
import type { CheckOptions } from './commands/check.ts';
import { quietKafkajsTimerWarning } from './quiet-warnings.ts';
import { shouldColor } from './trace-format.ts';

const WIDTH = 80;

export async function runChecks(labId: string, options: CheckOptions, fail: (message: string) => never): Promise<number> {
  quietKafkajsTimerWarning();
  let lab: LabDefinition;
  try {
    lab = findLab(labId);
  } catch (error) {
    return fail((error as Error).message);
  }
  const steps = options.step ? lab.steps.filter((s) => s.id === options.step) : lab.steps;
  if (steps.length === 0) return fail(`lab ${lab.id} has no step "${options.step}"; steps: ${lab.steps.map((s) => s.id).join(', ')}`);
  const workspaceDir = options.workspace ?? findWorkspace() ?? process.cwd();
  const bootstrap = (options.bootstrap ?? readWorkspaceConfig(workspaceDir)?.bootstrap ?? '127.0.0.1:9092').split(',').map((s) => s.trim()).filter(Boolean);

  const context = openCheckContext({ bootstrapServers: bootstrap, workspaceDir, schemaDirs: [path.join(lab.dir, 'schemas')] });
  let unreachable: string | undefined;
  try {
    await context.kafka.topicNames();
  } catch (error) {
    unreachable = (error as Error).message;
  }
  const results: StepResult[] = [];
  try {
    if (!unreachable) for (const step of steps) results.push(await runStep(step, context));
  } finally {
    await context.close();
  }

  if (options.json) {
    process.stdout.write(`${JSON.stringify(toJson(lab, steps, results, bootstrap, workspaceDir, unreachable), null, 2)}\n`);
  } else {
    process.stdout.write(formatReport(lab, steps, results, { bootstrap, workspaceDir, unreachable, color: shouldColor(process.stdout) }));
  }
  if (unreachable) return 2;
  return results.every((r) => r.passed) ? 0 : 1;
}

function toJson(lab: LabDefinition, steps: LabDefinition['steps'], results: StepResult[], bootstrap: string[], workspace: string, unreachable?: string) {
  return {
    lab: lab.id,
    bootstrap: bootstrap.join(','),
    workspace,
    error: unreachable,
    passed: !unreachable && results.every((r) => r.passed),
    steps: results.map((r, i) => ({ id: steps[i].id, title: steps[i].title, passed: r.passed, checks: r.results })),
  };
}

export function formatReport(
  lab: LabDefinition,
  steps: LabDefinition['steps'],
  results: StepResult[],
  { bootstrap, workspaceDir, unreachable, color }: { bootstrap: string[]; workspaceDir: string; unreachable?: string; color: boolean },
): string {
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[39m` : text);
  const green = (t: string) => paint(32, t);
  const red = (t: string) => paint(31, t);
  const yellow = (t: string) => paint(33, t);
  const out: string[] = [`kafka-lab check ${lab.id} · ${lab.title}`, `bootstrap=${bootstrap.join(',')}`, `workspace=${workspaceDir}`, ''];
  const lines = (text: string, indent: number) => wrap([{ text }], WIDTH - indent).map((l) => ' '.repeat(indent) + l.map((s) => s.text).join(''));
  // "saw:      ..." with the text's further lines under the text, not under the label.
  const labelled = (label: string, text: string) => lines(text, 8 + label.length).map((line, i) => (i === 0 ? `        ${label}${line.trimStart()}` : line));
  if (unreachable) {
    out.push(red(`${MARK.failed} ${unreachable}`), '', 'Nothing was checked. Is the cluster running? (kafka-lab lab, or kafka-lab broker)', '');
    return out.join('\n');
  }
  results.forEach((result, i) => {
    const step = steps[i];
    const number = lab.steps.indexOf(step) + 1;
    out.push(result.passed ? green(`${MARK.passed} ${number} ${step.title}`) : red(`${MARK.failed} ${number} ${step.title}`));
    for (const check of result.results) {
      const mark = check.status === 'pass' ? green(MARK.passed) : check.status === 'skipped' ? yellow(MARK.skipped) : red(MARK.failed);
      const [first, ...rest] = lines(check.summary, 6);
      out.push(`    ${mark} ${first.trimStart()}`, ...rest);
      if (check.saw) out.push(...labelled('saw:      ', check.saw));
      if (check.expected) out.push(...labelled('expected: ', check.expected));
    }
  });
  const passed = results.filter((r) => r.passed).length;
  const summary = `${passed} of ${results.length} steps pass`;
  out.push('', passed === results.length ? green(summary) : red(summary), '');
  return out.join('\n');
}
