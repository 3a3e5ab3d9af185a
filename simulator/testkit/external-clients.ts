// Non-JavaScript clients (kafka-python, kcat): finding them, and running them as subprocesses.
// The tests, the differential suite and the lab tests share this; what a missing client means
// (skip locally, fail in CI) is the tests' affair (simulator/test/support/external-clients.ts).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { packagePath } from '../package-root.ts';

/** The Python client programs (`${CLIENT_SCRIPTS}produce_messages.py`), with a trailing slash. */
export const CLIENT_SCRIPTS = packagePath('simulator', 'testkit', 'clients') + '/';

export interface ExternalClient {
  name: string;
  /** The command to run, when the client was found. */
  command?: string;
  /** Why it was not found, or what was found. */
  detail: string;
}

/**
 * $KAFKA_PYTHON, else the package's .venv, else python3: the first that imports every module named.
 * The detail names the version of the first module.
 */
export function findPython(modules: string[]): ExternalClient {
  const name = modules.map((m) => (m === 'kafka' ? 'kafka-python' : m)).join(' and ');
  const candidates = [process.env.KAFKA_PYTHON, packagePath('.venv', 'bin', 'python'), 'python3'].filter(
    (c): c is string => !!c && (!c.includes('/') || existsSync(c)),
  );
  const tried: string[] = [];
  const probe = `import ${modules.join(', ')}; print(getattr(${modules[0]}, '__version__', ''))`;
  for (const python of candidates) {
    const result = spawnSync(python, ['-c', probe], { encoding: 'utf8', timeout: 20_000 });
    const version = result.stdout.trim();
    if (result.status === 0) return { name, command: python, detail: `${name}${version ? ` ${version}` : ''} via ${python}` };
    tried.push(`${python} (${result.error ? result.error.message : (result.stderr.trim().split('\n').pop() ?? `exit ${result.status}`)})`);
  }
  const pip = modules.map((m) => (m === 'kafka' ? 'kafka-python' : m)).join(' ');
  return { name, detail: `no Python with ${name}: tried ${tried.join(', ') || 'nothing'}; set KAFKA_PYTHON or run \`python3 -m venv .venv && .venv/bin/pip install ${pip}\`` };
}

export const findKafkaPython = (): ExternalClient => findPython(['kafka']);

export function findKcat(): ExternalClient {
  const probe = spawnSync('kcat', ['-V'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status === 0) return { name: 'kcat', command: 'kcat', detail: probe.stdout.split('\n').find((l) => l.startsWith('Version')) ?? 'kcat' };
  return { name: 'kcat', detail: `kcat not runnable (${probe.error?.message ?? `exit ${probe.status}`}); install it with \`apt-get install kcat\`` };
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
    child.stdin.on('error', () => {}); // a client that exits early must not crash the caller
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
