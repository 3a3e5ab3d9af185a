// What a submission's programs import: its requirements.txt or package.json, installed once per
// distinct set into a cache and shared by every submission that asks for the same. Installs run
// no package code: pip takes wheels only (--only-binary :all:), npm skips install scripts. When
// the grader's own Python or node_modules already satisfy a set, nothing is installed at all.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** The node_modules kafka-lab's own dependencies come from (the repository's, or the project's that installed it). */
export const REPO_NODE_MODULES = nodeModulesHolding('kafkajs');

function nodeModulesHolding(name: string): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  while (path.basename(dir) !== 'node_modules' && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export interface Runtime {
  /** The interpreter to run the programs with. */
  command: string;
  /** Folders the sandbox must keep visible for it (interpreter prefix, venv, node_modules). */
  expose: string[];
  /** How the dependencies were met, for the report. */
  note: string;
}

export class DependencyError extends Error {}

function run(command: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const output: string[] = [];
    child.stdout.on('data', (d) => output.push(String(d)));
    child.stderr.on('data', (d) => output.push(String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => output.push(error.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.join('') });
    });
  });
}

const digest = (text: string) => crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Requirement lines that mean something (comments, blanks and pip options dropped), sorted. */
function requirementLines(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '')
    .sort();
}

function pythonPrefixes(python: string): string[] {
  const probe = spawnSync(python, ['-c', 'import sys; print(sys.prefix); print(sys.base_prefix)'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status !== 0) throw new DependencyError(`${python} does not run: ${probe.error?.message ?? probe.stderr.trim()}`);
  return [...new Set(probe.stdout.trim().split('\n'))];
}

/** One install per dependency set at a time, even with several jobs asking at once. */
const installing = new Map<string, Promise<Runtime>>();

export function pythonRuntime(basePython: string, workDir: string, cacheDir: string): Promise<Runtime> {
  const requirements = path.join(workDir, 'requirements.txt');
  const lines = fs.existsSync(requirements) ? requirementLines(requirements) : [];
  const key = `python:${basePython}:${lines.join('\n')}`;
  let pending = installing.get(key);
  if (!pending) {
    pending = resolvePython(basePython, lines, cacheDir);
    installing.set(key, pending);
    pending.catch(() => installing.delete(key));
  }
  return pending;
}

async function resolvePython(basePython: string, lines: string[], cacheDir: string): Promise<Runtime> {
  const base = { command: basePython, expose: pythonPrefixes(basePython) };
  if (lines.length === 0) return { ...base, note: `${basePython} (no requirements.txt)` };
  const list = path.join(cacheDir, `requirements-${digest(lines.join('\n'))}.txt`);
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(list, `${lines.join('\n')}\n`);
  // Already there? A dry run without an index fails as soon as something is missing.
  const satisfied = await run(basePython, ['-m', 'pip', 'install', '--dry-run', '--no-index', '--quiet', '-r', list], { timeoutMs: 60_000 });
  if (satisfied.code === 0) return { ...base, note: `requirements met by ${basePython}` };

  const venv = path.join(cacheDir, 'venvs', digest(lines.join('\n')));
  const python = path.join(venv, 'bin', 'python');
  if (!fs.existsSync(path.join(venv, '.complete'))) {
    fs.rmSync(venv, { recursive: true, force: true });
    const made = await run(basePython, ['-m', 'venv', venv]);
    if (made.code !== 0) throw new DependencyError(`could not make a venv: ${made.output.trim().slice(-500)}`);
    const installed = await run(python, ['-m', 'pip', 'install', '--quiet', '--only-binary', ':all:', '-r', list]);
    if (installed.code !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      throw new DependencyError(`pip could not install requirements.txt (wheels only): ${installed.output.trim().split('\n').slice(-3).join(' ')}`);
    }
    fs.writeFileSync(path.join(venv, '.complete'), '');
  }
  return { command: python, expose: [venv, ...pythonPrefixes(python)], note: `requirements installed in ${venv}` };
}

function nodePrefix(): string {
  // node lives in <prefix>/bin/node; its prefix holds nothing else it needs at run time.
  return path.dirname(path.dirname(fs.realpathSync(process.execPath)));
}

export function nodeRuntime(workDir: string, cacheDir: string): Promise<Runtime> {
  const manifest = path.join(workDir, 'package.json');
  let dependencies: Record<string, string> = {};
  try {
    const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> };
    dependencies = json.dependencies ?? {};
  } catch {
    // no package.json, or not JSON: the course's dependencies
  }
  const key = `node:${JSON.stringify(Object.entries(dependencies).sort())}`;
  let pending = installing.get(key);
  if (!pending) {
    pending = resolveNode(dependencies, workDir, cacheDir);
    installing.set(key, pending);
    pending.catch(() => installing.delete(key));
  }
  return pending.then((runtime) => {
    fs.rmSync(path.join(workDir, 'node_modules'), { recursive: true, force: true });
    fs.symlinkSync(runtime.expose[1], path.join(workDir, 'node_modules'), 'dir');
    return runtime;
  });
}

async function resolveNode(dependencies: Record<string, string>, workDir: string, cacheDir: string): Promise<Runtime> {
  const missing = Object.keys(dependencies).filter((name) => !fs.existsSync(path.join(REPO_NODE_MODULES, name, 'package.json')));
  if (missing.length === 0) return { command: process.execPath, expose: [nodePrefix(), REPO_NODE_MODULES], note: "package.json met by kafka-lab's node_modules" };
  const dir = path.join(cacheDir, 'node', digest(JSON.stringify(Object.entries(dependencies).sort())));
  if (!fs.existsSync(path.join(dir, '.complete'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'submission-dependencies', private: true, dependencies }, null, 2));
    const lock = path.join(workDir, 'package-lock.json');
    if (fs.existsSync(lock)) fs.copyFileSync(lock, path.join(dir, 'package-lock.json'));
    const npm = path.join(path.dirname(process.execPath), 'npm');
    const installed = await run(fs.existsSync(npm) ? npm : 'npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
    if (installed.code !== 0) throw new DependencyError(`npm could not install package.json's dependencies (${missing.join(', ')}): ${installed.output.trim().split('\n').slice(-3).join(' ')}`);
    fs.writeFileSync(path.join(dir, '.complete'), '');
  }
  return { command: process.execPath, expose: [nodePrefix(), path.join(dir, 'node_modules')], note: `package.json installed in ${dir}` };
}
