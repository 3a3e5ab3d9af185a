// A container per submission (`kafka-lab grade --sandbox container`): started once when the
// submission's grading starts, removed when it ends; each of its programs then starts inside it
// through the agent (agent.ts), in namespaces of its own as on the host, in a few milliseconds.
//
// The container is the runtime's CLI (podman, else docker: the same arguments), from an empty
// image of kafka-lab's own (imported from a tar of the host's top-level symlinks: no registry
// needed) with only what the programs need bound in read-only — the host's /usr and /etc, the
// interpreter, the venv or node_modules, the agent's code — and the submission's own folder
// read-write. Nothing else of the host is there: no other submission, class or output folder,
// /root, assignment or lab solution. No network (the brokers' ports come over unix sockets in a
// bind-mounted control folder, as the namespace sandbox carries them), private /tmp and
// /var/tmp, a memory and process limit for the whole submission, capabilities cut to what the
// agent needs to set up each program's namespaces and no-new-privileges (a setuid binary gives
// the programs nothing). Labelled, so that what a crashed grader left is removed by the next.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { packagePath } from '../../../simulator/package-root.ts';
import { brokerSockets, deadGrader, graderPid, lineSink, removeDeadGradersFolders, under, type SandboxExit, type SandboxLimits, type SandboxRun, type SandboxSpec } from './sandbox.ts';

const LABEL = 'kafka-lab.grade';
const AGENT_SOCKET = 'agent.sock';
const NAME_PREFIX = 'kafka-lab-grade-';
const START_MS = 60_000;
/** How long the agent has to end its programs and exit once its session closes. */
const AGENT_EXIT_MS = 5_000;
/** After the wall clock, how long the agent has to say a program ended before the grader gives up on it. */
const AGENT_GRACE_MS = 20_000;
/** A submission runs a few programs at once (background consumers beside a producer): the container holds this many at their limits. */
const PROGRAMS_AT_ONCE = 4;

export interface ContainerRuntime {
  cli: 'podman' | 'docker';
  version: string;
  /** The OCI runtime under it (runc, crun). */
  oci: string;
}

const run = (cli: string, args: string[], timeout = 30_000) => spawnSync(cli, args, { encoding: 'utf8', timeout });
type Ran = { status: number | null; stdout: string; stderr: string; error?: Error };

function runAsync(cli: string, args: string[], timeout: number): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => resolve({ status: null, stdout, stderr, error }));
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
/** `rm` of containers at once, not after podman's 10 s stop timeout. */
const forceRemove = (cli: string, names: string[]) => ['rm', '-f', ...(cli === 'podman' ? ['-t', '0'] : []), ...names];
const problemOf = (result: Ran) => (result.error?.message ?? (result.stderr || result.stdout || `exit ${result.status}`)).trim().split('\n').slice(-1)[0];

// ------------------------------------------------------------------------------------ image

/** The host's top-level symlinks (/bin -> usr/bin, ...): the image has them, so that /usr bound in serves them too. */
function topLevelLinks(): [string, string][] {
  return ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']
    .filter((name) => fs.lstatSync(`/${name}`, { throwIfNoEntry: false })?.isSymbolicLink())
    .map((name) => [name, fs.readlinkSync(`/${name}`)]);
}

/** Mount points the image carries: the agent stages mounts on /mnt, and the rest are where binds and tmpfs go. */
const IMAGE_DIRS = ['usr', 'etc', 'tmp', 'var/tmp', 'mnt', 'proc', 'sys', 'dev', 'run', 'root'];

function imageName(): string {
  const layout = JSON.stringify([topLevelLinks(), IMAGE_DIRS]);
  let hash = 0;
  for (const ch of layout) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `localhost/kafka-lab/grade-root:${hash.toString(16)}`;
}

/** kafka-lab's empty image (made once: a few hundred bytes of tar), or why not. */
function ensureImage(cli: string): string | { problem: string } {
  const image = imageName();
  if (run(cli, ['image', 'inspect', image]).status === 0) return image;
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-grade-root-'));
  try {
    for (const dir of IMAGE_DIRS) fs.mkdirSync(path.join(stage, dir), { recursive: true });
    for (const [name, target] of topLevelLinks()) fs.symlinkSync(target, path.join(stage, name));
    const tar = run('tar', ['-C', stage, '-cf', path.join(stage, '..', `${path.basename(stage)}.tar`), '.']);
    if (tar.status !== 0) return { problem: `tar: ${problemOf(tar)}` };
    const imported = run(cli, ['import', `${stage}.tar`, image], 120_000);
    if (imported.status !== 0) return { problem: `${cli} import: ${problemOf(imported)}` };
    return image;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
    fs.rmSync(`${stage}.tar`, { force: true });
  }
}

// ------------------------------------------------------------------------------------ probe

let probed: { runtime?: ContainerRuntime; image?: string; problem?: string } | undefined;

/** The first runtime CLI that runs a container of kafka-lab's image here (once per process), or why none did. */
export function probeContainerRuntime(): { runtime?: ContainerRuntime; image?: string; problem?: string } {
  if (probed) return probed;
  if (process.env.KAFKA_LAB_CONTAINER_RUNTIME === 'none') return (probed = { problem: 'KAFKA_LAB_CONTAINER_RUNTIME=none' });
  const problems: string[] = [];
  const clis = process.env.KAFKA_LAB_CONTAINER_RUNTIME ? [process.env.KAFKA_LAB_CONTAINER_RUNTIME] : ['podman', 'docker'];
  for (const cli of clis as ContainerRuntime['cli'][]) {
    // One call for the version and the OCI runtime: each call of the CLI costs a few hundred ms of CPU.
    const info = run(cli, ['info', '--format', cli === 'podman' ? '{{.Version.Version}} {{.Host.OCIRuntime.Name}}' : '{{.ServerVersion}} {{.DefaultRuntime}}'], 30_000);
    if (info.status !== 0) {
      problems.push(`${cli}: ${problemOf(info)}`);
      continue;
    }
    const image = ensureImage(cli);
    if (typeof image !== 'string') {
      problems.push(`${cli}: ${image.problem}`);
      continue;
    }
    const refused = agentTrial(cli, image);
    if (refused) {
      problems.push(`${cli}: ${refused}`);
      continue;
    }
    const [version, oci] = info.stdout.trim().split(' ');
    return (probed = { runtime: { cli, version, oci: oci || 'unknown runtime' }, image });
  }
  return (probed = { problem: problems.join('; ') });
}

// ------------------------------------------------------------------------------------ leftovers

let swept = false;

/** Control folders are named for their grader's pid too (kafka-lab-container-<pid>-…). */
const CONTROL_PREFIX = 'kafka-lab-container-';

/**
 * Removes the containers of graders that are gone (killed before they could) and their control
 * folders: both names carry the grader's pid. The containers removed, by name.
 */
export function removeLeftovers(cli: string): string[] {
  removeDeadGradersFolders(CONTROL_PREFIX);
  const listed = run(cli, ['ps', '-a', '--filter', `label=${LABEL}`, '--format', '{{.Names}}']);
  if (listed.status !== 0) return [];
  const gone = listed.stdout
    .split('\n')
    .map((name) => name.trim())
    .filter((name) => deadGrader(graderPid(name, NAME_PREFIX)));
  if (gone.length) run(cli, forceRemove(cli, gone), 60_000);
  return gone;
}

// ------------------------------------------------------------------------------------ a container

function bind(source: string, target: string, writable = false): string[] {
  return ['--mount', `type=bind,source=${source},destination=${target}${writable ? '' : ',readonly'}`];
}

export interface SubmissionContainerSetup {
  /** The submission's own folder: every program's work dir is inside it. Bound read-write. */
  workDir: string;
  /** What the programs need (interpreter prefix, venv, node_modules). Bound read-only. */
  expose: string[];
  /** Folders no program may read: covered with an empty tmpfs wherever a bound folder holds one. */
  hide: string[];
  limits: SandboxLimits;
}

export interface SubmissionContainer {
  name: string;
  run(spec: SandboxSpec): Promise<SandboxRun>;
  close(): Promise<void>;
}

/** The agent's code and what it imports, bound in read-only (and nothing else of kafka-lab: not the labs' solutions). */
const AGENT = packagePath('grader', 'grade', 'sandbox', 'agent.ts');
const AGENT_CODE = [packagePath('package.json'), packagePath('simulator', 'package-root.ts'), packagePath('grader', 'grade', 'sandbox')];

/** `run` arguments of a submission's container, up to and with its command: node running the agent with `agentArgs`. */
function containerArgs(cli: string, image: string, setup: SubmissionContainerSetup, control: string, agentArgs: string[]): string[] {
  const node = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  const readOnly = new Map<string, string>(); // target -> source
  for (const dir of ['/usr', '/etc', node, ...AGENT_CODE, ...setup.expose]) {
    if (!fs.existsSync(dir)) continue;
    readOnly.set(dir, dir);
    readOnly.set(fs.realpathSync(dir), fs.realpathSync(dir)); // a venv reached through a symlink: both ways work
  }
  const bound = [...readOnly.keys(), setup.workDir, control];
  const covered = setup.hide.map((h) => path.resolve(h)).filter((h) => bound.some((b) => under(h, b) && h !== b));
  const memoryMb = setup.limits.memoryMb * PROGRAMS_AT_ONCE + 256;
  const tmpfs = (dir: string, options: string) => ['--tmpfs', `${dir}:${options}${cli === 'podman' ? ',notmpcopyup' : ''}`];
  const strip = process.features.typescript ? [] : ['--experimental-strip-types'];
  return [
    '--label', `${LABEL}=1`,
    '--network', 'none',
    '--memory', `${memoryMb}m`, '--memory-swap', `${memoryMb}m`,
    '--pids-limit', String(setup.limits.processes * PROGRAMS_AT_ONCE + 64),
    '--cap-drop', 'ALL', '--cap-add', 'SYS_ADMIN,NET_ADMIN,SETUID,SETGID,CHOWN,DAC_OVERRIDE,FOWNER,KILL',
    '--security-opt', 'no-new-privileges',
    '--read-only',
    ...(process.env.KAFKA_LAB_GRADE_CGROUP ? ['--cgroup-parent', `/${process.env.KAFKA_LAB_GRADE_CGROUP.replace(/^\/+|\/+$/g, '')}`] : []),
    ...['/tmp', '/var/tmp', '/run', '/root'].flatMap((dir) => tmpfs(dir, `rw,nosuid,nodev,mode=${dir === '/root' ? '0700' : '1777'},size=${setup.limits.memoryMb}m`)),
    ...[...readOnly].flatMap(([target, source]) => bind(source, target)),
    ...bind(setup.workDir, setup.workDir, true),
    ...bind(control, control, true),
    ...covered.flatMap((dir) => tmpfs(dir, 'ro,size=64k')),
    '--env', 'HOME=/root', '--env', 'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    image,
    fs.realpathSync(process.execPath), ...strip, AGENT, ...agentArgs,
  ];
}

/**
 * The agent's own trial in a container as a submission's (mounts, capabilities, cgroups, one
 * program in namespaces): a runtime can answer and still refuse what the agent does (an
 * AppArmor profile that forbids mount, say). Undefined when it worked, else why not.
 */
function agentTrial(cli: string, image: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${CONTROL_PREFIX}${process.pid}-trial-`));
  try {
    const workDir = path.join(dir, 'work');
    fs.mkdirSync(workDir);
    const setup = { workDir, expose: [], hide: [], limits: { wallClockMs: 20_000, memoryMb: 64, processes: 16, cpuSeconds: 10 } };
    const trial = run(cli, ['run', '--rm', ...containerArgs(cli, image, setup, dir, ['--trial', workDir])], 60_000);
    return trial.status === 0 ? undefined : `the agent's trial in a container failed: ${problemOf(trial)}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startSubmissionContainer(runtime: ContainerRuntime, setup: SubmissionContainerSetup): Promise<SubmissionContainer> {
  const { cli } = runtime;
  const image = probed?.image ?? imageName();
  if (!swept) {
    swept = true;
    removeLeftovers(cli);
  }
  const control = fs.mkdtempSync(path.join(os.tmpdir(), `${CONTROL_PREFIX}${process.pid}-`));
  fs.chmodSync(control, 0o700);
  const name = `${NAME_PREFIX}${process.pid}-${path.basename(setup.workDir).replace(/[^\w.-]/g, '_').slice(0, 40)}-${Math.random().toString(36).slice(2, 8)}`;
  const socketPath = path.join(control, AGENT_SOCKET);
  const args = ['run', '-d', '--rm', '--name', name, ...containerArgs(cli, image, setup, control, [socketPath])];
  // Not spawnSync: the embedded brokers of other submissions run in this process meanwhile.
  const started = await runAsync(cli, args, START_MS);
  const fail = (why: string): never => {
    run(cli, forceRemove(cli, [name]));
    fs.rmSync(control, { recursive: true, force: true });
    throw new Error(`the submission's container would not start: ${why}`);
  };
  if (started.status !== 0) fail(problemOf(started));

  const session = await connectAgent(socketPath, Date.now() + START_MS).catch((error: Error) => {
    const logs = run(cli, ['logs', name]);
    return fail(`${error.message}${logs.stderr.trim() ? ` (${logs.stderr.trim().split('\n').slice(-2).join(' ')})` : ''}`);
  });
  session.on('error', () => {});

  // The agent exits once the session closes (its programs killed), and the runtime removes the
  // container (--rm); only an agent that does not is removed by force.
  const agentGone = new Promise<void>((resolve) => session.once('close', () => resolve()));
  let closing: Promise<void> | undefined;
  return {
    name,
    run: (spec) => runInContainer(socketPath, control, spec),
    close: () =>
      (closing ??= (async () => {
        session.end();
        const exited = await Promise.race([agentGone.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), AGENT_EXIT_MS).unref())]);
        if (!exited) await runAsync(cli, forceRemove(cli, [name]), START_MS);
        fs.rmSync(control, { recursive: true, force: true });
      })()),
  };
}

/** Connects to the agent's socket once it is there, and waits for its "ready". */
async function connectAgent(socketPath: string, deadline: number): Promise<net.Socket> {
  for (;;) {
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const s = net.connect(socketPath);
      s.once('error', () => resolve(undefined));
      s.once('data', (data) => resolve(String(data).startsWith('ready') ? s : undefined));
    });
    if (socket) return socket;
    if (Date.now() > deadline) throw new Error(`its agent did not answer on ${socketPath}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One program, started by the agent: the same SandboxRun as on the host, its lines and exit carried over the agent's socket. */
async function runInContainer(socketPath: string, control: string, spec: SandboxSpec): Promise<SandboxRun> {
  const started = Date.now();
  const dir = fs.mkdtempSync(path.join(control, 'p-'));
  const forwarding = await brokerSockets(dir, spec.brokers);
  const { output, listeners, take } = lineSink();
  const connection = net.connect(socketPath);
  connection.on('error', () => {});
  const send = (text: string) => {
    if (connection.writable) connection.write(`${text}\n`);
  };
  send(JSON.stringify({ spec, brokers: forwarding.sockets }));

  let told: SandboxExit | undefined;
  let giveUp: NodeJS.Timeout | undefined;
  const exit = new Promise<SandboxExit>((resolve) => {
    readline.createInterface({ input: connection }).on('line', (line) => {
      const message = JSON.parse(line) as { line?: string; exit?: SandboxExit };
      if (message.line !== undefined) take(message.line);
      if (message.exit) told = message.exit;
    });
    connection.once('close', () => {
      clearTimeout(backstop);
      clearTimeout(giveUp);
      forwarding.close();
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(told ?? { code: null, signal: null, reason: "the submission's container ended before the program did", durationMs: Date.now() - started });
    });
  });
  // The agent holds the wall clock; should it not answer past it, the program is given up on.
  const backstop = setTimeout(() => {
    send(JSON.stringify({ kill: `wall-clock limit of ${Math.round(spec.limits.wallClockMs / 1000)} s reached; stopped` }));
    giveUp = setTimeout(() => connection.destroy(), AGENT_GRACE_MS);
  }, spec.limits.wallClockMs + AGENT_GRACE_MS);

  return {
    output,
    onLine: (listener) => void listeners.push(listener),
    exit,
    kill: (reason) => send(JSON.stringify({ kill: reason ?? 'stopped by the grader' })),
    interrupt: () => send('interrupt'),
  };
}
