// A scripted student: a workspace made by `kafka-lab init`, the lab's solutions copied over the
// starters, and each step's programs run as a student would run them — separate processes, from the
// workspace folder, with KAFKA_BOOTSTRAP pointing at the cluster.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { fileFor, type Language, type LabDefinition, type RunCommand, type StepDefinition } from '../../engine/lab-definition.ts';
import { applySolution, initWorkspace } from '../../engine/workspace.ts';

const REPO_NODE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const made: string[] = [];
/** Generated files (the 25 MB of tweets) made once per test file, copied into later workspaces. */
const generatedCache = new Map<string, string>();
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh workspace for `labs`, its programs able to import kafkajs and avsc; solved when asked. */
export async function workspaceFor(labs: LabDefinition[], { bootstrap, solved }: { bootstrap: string; solved: boolean }): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-workspace-'));
  made.push(dir);
  const generated = labs.flatMap((lab) => lab.generated.map((g) => g.file));
  for (const file of generated) {
    const cached = generatedCache.get(file);
    if (cached) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.copyFileSync(cached, path.join(dir, file));
    }
  }
  await initWorkspace(dir, labs, { bootstrap });
  for (const file of generated) if (!generatedCache.has(file)) generatedCache.set(file, path.join(dir, file));
  // What `npm install` would do in the student's workspace.
  fs.symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  if (solved) for (const lab of labs) applySolution(dir, lab);
  return dir;
}

export interface Student {
  workspaceDir: string;
  language: Language;
  bootstrap: string;
  /** The Python with kafka-python (and fastavro), for language 'python'. */
  python?: string;
}

interface Running {
  child: ChildProcess;
  output: string[];
  exit: Promise<number | null>;
}

function start(lab: LabDefinition, command: RunCommand, student: Student): Running {
  const file = path.join(lab.id, student.language, fileFor(command.file, student.language));
  const program = student.language === 'typescript' ? process.execPath : student.python!;
  const child = spawn(program, [file, ...command.args], {
    cwd: student.workspaceDir,
    env: { ...process.env, KAFKA_BOOTSTRAP: student.bootstrap, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output, exit };
}

async function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what())), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunOptions {
  timeoutMs?: number;
  /**
   * Polled while background programs still run (as the lab checks while a student's consumers
   * run); once it says true, they are stopped with SIGINT, as Ctrl-C would.
   */
  until?: () => Promise<boolean>;
}

/** Runs one step's programs in order: background ones until they print their ready line. */
export async function runStepSolution(lab: LabDefinition, step: StepDefinition, student: Student, { timeoutMs = 60_000, until }: RunOptions = {}): Promise<string> {
  const background: { command: RunCommand; running: Running }[] = [];
  const transcript: string[] = [];
  const describe = (command: RunCommand, running: Running) => `${command.file} ${command.args.join(' ')} (${student.language}) printed:\n${running.output.join('')}`;
  const expectExit = (command: RunCommand, running: Running, code: number | null) => {
    transcript.push(running.output.join(''));
    if (code !== command.exitCode) throw new Error(`exit ${code} (expected ${command.exitCode}): ${describe(command, running)}`);
  };
  try {
    for (const command of step.run) {
      const running = start(lab, command, student);
      if (command.background) {
        background.push({ command, running });
        const ready = new RegExp(command.ready ?? '.');
        await within(
          new Promise<void>((resolve, reject) => {
            const look = () => ready.test(running.output.join('')) && resolve();
            running.child.stdout!.on('data', look);
            running.child.stderr!.on('data', look);
            void running.exit.then(() => reject(new Error(`exited before it was ready: ${describe(command, running)}`)));
          }),
          timeoutMs,
          () => `not ready within ${timeoutMs} ms: ${describe(command, running)}`,
        );
        continue;
      }
      const code = await within(running.exit, timeoutMs, () => `still running after ${timeoutMs} ms: ${describe(command, running)}`);
      expectExit(command, running, code);
    }
    if (until) {
      const deadline = Date.now() + timeoutMs;
      while (!(await until())) {
        if (Date.now() > deadline) throw new Error(`the step did not pass within ${timeoutMs} ms of its programs starting; ${background.map(({ command, running }) => describe(command, running)).join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      for (const { running } of background) if (running.child.exitCode === null) running.child.kill('SIGINT');
      for (const { command, running } of background) {
        const code = await within(running.exit, timeoutMs, () => `still running after Ctrl-C: ${describe(command, running)}`);
        transcript.push(running.output.join(''));
        if (code !== 0 && code !== command.exitCode && code !== 130 && code !== null) throw new Error(`exit ${code} after Ctrl-C: ${describe(command, running)}`);
      }
      return transcript.join('');
    }
    for (const { command, running } of background) {
      const code = await within(running.exit, timeoutMs, () => `still running after ${timeoutMs} ms: ${describe(command, running)}`);
      expectExit(command, running, code);
    }
  } finally {
    for (const { running } of background) if (running.child.exitCode === null) running.child.kill('SIGKILL');
  }
  return transcript.join('');
}
