// Runs one lab step's programs for a submission, as the lab's `run` says and as the student would
// from the workspace — `node <lab>/typescript/<file>.ts args` or `python3 <lab>/python/<file>.py
// args` — each in the sandbox. A background program keeps running while the next ones run, once
// it printed its `ready` line. The outcome is a check result like the lab's checks: passed when
// every program ended with its exit code (0, or the crash its step asks for) within the limits, else what went wrong and what it printed.

import path from 'node:path';
import type { CheckResult } from '../../labs/engine/check-runner.ts';
import { fileFor, type Language, type LabDefinition, type RunCommand, type StepDefinition } from '../../labs/engine/lab-definition.ts';
import type { SandboxLimits, SandboxRun } from './sandbox/sandbox.ts';
import type { SubmissionSandbox } from './sandbox/submission-sandbox.ts';

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
  /** The submission's sandbox (its container, or the host's namespaces): where every program runs. */
  sandbox: SubmissionSandbox;
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
  return context.sandbox.run({
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

/**
 * A background program that got Ctrl-C has this long to end. Past kafkajs's requestTimeout (30 s):
 * after its group's coordinator died and came back (consumer-groups, step 7), the lab's correct
 * kafkajs consumer took over 30 s to get through disconnect(), though it commits and leaves.
 */
const INTERRUPT_GRACE_MS = 45_000;
const UNTIL_POLL_MS = 500;

export interface StepRunOptions {
  /**
   * Polled while background programs run, as the lab screen runs a step's checks while a
   * student's consumers run: once it says true, they get Ctrl-C (SIGINT) and may end with 0, their
   * own exit code, or 130. Without it (or never true), they must end by themselves.
   */
  until?: () => Promise<boolean>;
}

export async function runStepPrograms(step: StepDefinition, context: ProgramsContext, { until }: StepRunOptions = {}): Promise<ProgramsOutcome> {
  const problems: string[] = [];
  const transcript: string[] = [];
  const background: { command: RunCommand; run: SandboxRun; ended: boolean; interrupted: boolean }[] = [];
  const finish = async (command: RunCommand, run: SandboxRun, interrupted = false) => {
    const exit = await run.exit;
    const text = commandText(context.lab, command, context.language);
    transcript.push(`$ ${text}`, ...run.output.slice(-TAIL_LINES), ...(interrupted ? ['[Ctrl-C: the step passed]'] : []));
    const fine = exit.code === command.exitCode || (interrupted && (exit.code === 0 || exit.code === 130 || exit.signal === 'SIGINT'));
    if (exit.reason) problems.push(`${text}: ${exit.reason}`);
    else if (!fine) problems.push(`${text}: ${exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`}${command.exitCode === 0 ? '' : ` (expected ${command.exitCode})`}${interrupted ? ' after Ctrl-C' : ''}`);
  };
  for (const command of step.run) {
    const run = await startProgram(context, command);
    if (command.background) {
      const entry = { command, run, ended: false, interrupted: false };
      void run.exit.then(() => (entry.ended = true));
      background.push(entry);
      if (!(await waitReady(run, new RegExp(command.ready ?? '.')))) {
        problems.push(`${commandText(context.lab, command, context.language)}: ended before printing a line like /${command.ready ?? '.'}/`);
        break;
      }
      continue;
    }
    await finish(command, run);
  }
  if (until && problems.length === 0 && background.some((b) => !b.ended)) {
    const deadline = Date.now() + context.limits.wallClockMs;
    while (Date.now() < deadline && background.some((b) => !b.ended) && !(await until())) await new Promise((resolve) => setTimeout(resolve, UNTIL_POLL_MS));
    for (const entry of background.filter((b) => !b.ended)) {
      entry.interrupted = true;
      entry.run.interrupt();
      const timer = setTimeout(() => entry.run.kill(`did not end within ${INTERRUPT_GRACE_MS / 1000} s of Ctrl-C`), INTERRUPT_GRACE_MS);
      void entry.run.exit.then(() => clearTimeout(timer));
    }
  }
  for (const { command, run, interrupted } of background) await finish(command, run, interrupted);
  const description = `the step's programs run to completion (their exit code within ${context.limits.wallClockMs / 1000} s, ${context.limits.memoryMb} MB)`;
  const result: CheckResult =
    problems.length === 0
      ? { description, status: 'pass', summary: `${step.run.map((c) => commandText(context.lab, c, context.language)).join('; ')}: exit code ${[...new Set(step.run.map((c) => c.exitCode))].join(', ')}` }
      : { description, status: 'fail', summary: problems[0], saw: problems.join('; '), expected: 'every program ends with its exit code (0 unless the step asks for a crash; background ones once the step passes)' };
  return { result, transcript: transcript.join('\n') };
}
