// Runs one lab step's programs for a submission, as the lab's `run` says and as the student would
// from the workspace — `node <lab>/typescript/<file>.ts args` or `python3 <lab>/python/<file>.py
// args` — each in the sandbox. A background program keeps running while the next ones run, once
// it printed its `ready` line. The outcome is a check result like the lab's checks: passed when
// every program ended with its exit code (0, or the crash its step asks for) within the limits, else what went wrong and what it printed.

import path from 'node:path';
import type { CheckResult } from '../../labs/engine/check-runner.ts';
import { fileFor, type Language, type LabDefinition, type RunCommand, type StepDefinition } from '../../labs/engine/lab-definition.ts';
import { runSandboxed, type SandboxLimits, type SandboxRun } from './sandbox/sandbox.ts';

export interface ProgramsContext {
  lab: LabDefinition;
  language: Language;
  workDir: string;
  interpreter: string;
  expose: string[];
  hide: string[];
  bootstrapServers: string[];
  limits: SandboxLimits;
  uid: number;
}

export interface ProgramsOutcome {
  result: CheckResult;
  /** What the programs printed, last lines first cut. */
  transcript: string;
}

const TAIL_LINES = 25;

export function commandText(lab: LabDefinition, command: RunCommand, language: Language): string {
  return [language === 'typescript' ? 'node' : 'python3', path.join(lab.id, language, fileFor(command.file, language)), ...command.args].join(' ');
}

/** One of the lab's programs, started in the sandbox from the workspace; `env` adds to what every program gets. */
export function startProgram(context: ProgramsContext, command: RunCommand, env: Record<string, string> = {}): Promise<SandboxRun> {
  const { lab, language } = context;
  return runSandboxed({
    command: context.interpreter,
    args: [path.join(lab.id, language, fileFor(command.file, language)), ...command.args],
    workDir: context.workDir,
    env: {
      KAFKA_BOOTSTRAP: context.bootstrapServers.join(','),
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      NODE_NO_WARNINGS: '1',
      ...env,
    },
    brokers: context.bootstrapServers,
    hide: context.hide,
    expose: context.expose,
    limits: context.limits,
    uid: context.uid,
  });
}

function waitReady(run: SandboxRun, ready: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    if (run.output.some((line) => ready.test(line))) return resolve(true);
    run.onLine((line) => ready.test(line) && resolve(true));
    void run.exit.then(() => resolve(run.output.some((line) => ready.test(line))));
  });
}

export async function runStepPrograms(step: StepDefinition, context: ProgramsContext): Promise<ProgramsOutcome> {
  const problems: string[] = [];
  const transcript: string[] = [];
  const background: { command: RunCommand; run: SandboxRun }[] = [];
  const finish = async (command: RunCommand, run: SandboxRun) => {
    const exit = await run.exit;
    const text = commandText(context.lab, command, context.language);
    transcript.push(`$ ${text}`, ...run.output.slice(-TAIL_LINES));
    if (exit.reason) problems.push(`${text}: ${exit.reason}`);
    else if (exit.code !== command.exitCode) problems.push(`${text}: ${exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`}${command.exitCode === 0 ? '' : ` (expected ${command.exitCode})`}`);
  };
  for (const command of step.run) {
    const run = await startProgram(context, command);
    if (command.background) {
      background.push({ command, run });
      if (!(await waitReady(run, new RegExp(command.ready ?? '.')))) {
        problems.push(`${commandText(context.lab, command, context.language)}: ended before printing a line like /${command.ready ?? '.'}/`);
        break;
      }
      continue;
    }
    await finish(command, run);
  }
  for (const { command, run } of background) await finish(command, run);
  const description = `the step's programs run to completion (their exit code within ${context.limits.wallClockMs / 1000} s, ${context.limits.memoryMb} MB)`;
  const result: CheckResult =
    problems.length === 0
      ? { description, status: 'pass', summary: `${step.run.map((c) => commandText(context.lab, c, context.language)).join('; ')}: exit code ${[...new Set(step.run.map((c) => c.exitCode))].join(', ')}` }
      : { description, status: 'fail', summary: problems[0], saw: problems.join('; '), expected: 'every program ends by itself with its exit code (0 unless the step asks for a crash)' };
  return { result, transcript: transcript.join('\n') };
}
