// Non-JavaScript clients (kafka-python, kcat) run as subprocesses against the embedded cluster.
// Locally a missing client skips its tests with a printed reason; in CI (CI=true) it fails them,
// so a CI image that lost a client cannot pass green by testing nothing.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLIENT_SCRIPTS = fileURLToPath(new URL('../clients/', import.meta.url));

const inCI = ['true', '1'].includes((process.env.CI ?? '').toLowerCase());

export interface ExternalClient {
  name: string;
  /** The command to run, when the client was found. */
  command?: string;
  /** Why it was not found, or what was found. */
  detail: string;
}

/** kafka-python: $KAFKA_PYTHON, else the repo's .venv, else python3; the first that imports kafka. */
export function findKafkaPython(): ExternalClient {
  const candidates = [process.env.KAFKA_PYTHON, `${REPO_ROOT}.venv/bin/python`, 'python3'].filter(
    (c): c is string => !!c && (!c.includes('/') || existsSync(c)),
  );
  const tried: string[] = [];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import kafka; print(kafka.__version__)'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { name: 'kafka-python', command: python, detail: `kafka-python ${probe.stdout.trim()} via ${python}` };
    tried.push(`${python} (${probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`)})`);
  }
  return {
    name: 'kafka-python',
    detail: `no Python with kafka-python: tried ${tried.join(', ') || 'nothing'}; set KAFKA_PYTHON or run \`python3 -m venv .venv && .venv/bin/pip install kafka-python\``,
  };
}

export function findKcat(): ExternalClient {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status === 0) return { name: 'kcat', command: 'kcat', detail: probe.stdout.split('\n').find((l) => l.startsWith('Version')) ?? 'kcat' };
  return { name: 'kcat', detail: `kcat not runnable (${probe.error?.message ?? `exit ${probe.status}`}); install it with \`apt-get install kcat\`` };
}

/**
 * `describe` for tests that need an external client: skipped with a message when it is missing,
 * except in CI, where a single failing test says what is missing.
 */
export function describeWithClient(client: ExternalClient, title: string, body: (command: string) => void): void {
  const skip = !client.command && !inCI;
  if (skip) console.warn(`[kafka-lab] skipping "${title}": ${client.detail}`);
  describe.skipIf(skip)(title, () => {
    if (!client.command) {
      it(`has ${client.name} installed (required when CI=true)`, () => {
        throw new Error(`CI=true but ${client.detail}`);
      });
      return;
    }
    body(client.command);
  });
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin; rejects on a non-zero exit or timeout. */
export function run(command: string, args: string[], { input = '', timeoutMs = 45_000, env = {} as Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
      if (code === 0) return resolve(result);
      const why = signal ? `killed by ${signal}${signal === 'SIGKILL' ? ` after ${timeoutMs} ms` : ''}` : `exit ${code}`;
      reject(new Error(`${command} ${args.join(' ')}: ${why}\n${result.stderr.slice(-4000)}`));
    });
    child.stdin.on('error', () => {}); // a client that exits early must not crash the test runner
    child.stdin.end(input);
  });
}

/** Parses one JSON value per non-empty line. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
