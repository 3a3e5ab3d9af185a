// Runs one program of a submission with limits: wall clock, memory, processes, CPU time; its own
// HOME and TMPDIR; a scrubbed environment; and, as root, fresh mount, network and PID namespaces
// (inside.js) where the class folder, the other submissions and /root are hidden, the only
// network is the broker (its ports on 127.0.0.1, carried over unix sockets), and the program runs
// as a user of its own. Memory and processes are bounded by a cgroup (v1 or v2) when one can be
// made, else by rlimits. However the program ends — exit, crash, OOM, fork bomb, endless loop —
// the result says how, and nothing of it outlives the run.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { packagePath } from '../../../simulator/package-root.ts';

export interface SandboxLimits {
  /** Wall clock for the program (ms). */
  wallClockMs: number;
  memoryMb: number;
  /** Processes and threads together. */
  processes: number;
  cpuSeconds: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { wallClockMs: 60_000, memoryMb: 768, processes: 256, cpuSeconds: 120 };

export interface SandboxSpec {
  command: string;
  args: string[];
  /** The submission's own folder (its workspace); the program starts here. */
  workDir: string;
  /** Variables besides PATH, HOME, TMPDIR and LANG (KAFKA_BOOTSTRAP, ...). Nothing else passes. */
  env: Record<string, string>;
  /** host:port of every broker: the only addresses the program can reach. */
  brokers: string[];
  /** Folders the program must not read (the class folder, the output folder, other work dirs). */
  hide: string[];
  /** Folders it needs that may sit inside hidden ones (interpreters, the venv, node_modules). */
  expose: string[];
  limits: SandboxLimits;
  /** The user it runs as, when root; the work dir is given to it. */
  uid: number;
}

export interface SandboxExit {
  code: number | null;
  signal: string | null;
  /** Why it was stopped or died, for people: "wall-clock limit of 30 s reached". Absent for a normal exit. */
  reason?: string;
  durationMs: number;
}

export interface SandboxRun {
  /** Everything it printed, stdout and stderr interleaved as they came. */
  readonly output: string[];
  /** Called with every line it prints. */
  onLine(listener: (line: string) => void): void;
  readonly exit: Promise<SandboxExit>;
  /** Stops it now (and everything it started). */
  kill(reason?: string): void;
  /** Ctrl-C: SIGINT to the program, which may end as it likes (the wall clock still holds). */
  interrupt(): void;
}

// From the package root: the grader also runs bundled (dist/bin/), where import.meta.url is elsewhere.
const INSIDE = packagePath('grader', 'grade', 'sandbox', 'inside.js');

/**
 * The world-writable folders every user shares: inside the sandbox each is a fresh tmpfs, so a
 * program finds there nothing another left, leaves nothing for the next, and cannot fill the disk
 * through them (what it writes counts against its memory limit).
 */
const PRIVATE_TMP = ['/tmp', '/var/tmp', '/dev/shm'];
/** Covered by a tmpfs inside the namespace while the exposed folders are moved: any folder outside PRIVATE_TMP will do. */
const STAGE_DIR = '/mnt';

/** How strong the sandbox is here, in a line for reports. */
export function sandboxKind(): { isolated: boolean; description: string } {
  if (canIsolate()) return { isolated: true, description: `namespaces (mount, network, PID), own uid and temp folders, ${cgroupFlavour() ?? 'rlimits'} for memory and processes` };
  return { isolated: false, description: 'limits only (not root: rlimits, process group, wall clock; network and files not isolated)' };
}

let isolationProbe: boolean | undefined;
function canIsolate(): boolean {
  if (isolationProbe !== undefined) return isolationProbe;
  if (process.getuid?.() !== 0 || process.env.KAFKA_LAB_SANDBOX === 'limits') return (isolationProbe = false);
  const probe = spawnSync('unshare', ['--mount', '--net', '--pid', '--fork', 'true'], { timeout: 10_000 });
  const tools = ['prlimit', 'ip', 'mount'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0) && fs.existsSync(STAGE_DIR);
  return (isolationProbe = probe.status === 0 && tools);
}

/** `dir` is `parent` or inside it. */
export const under = (dir: string, parent: string) => dir === parent || dir.startsWith(`${parent}/`);

// ------------------------------------------------------------------------------------ leftovers

/** A program's control folder (its plan, the broker sockets): kafka-lab-sandbox-<grader pid>-…. */
const CONTROL_PREFIX = 'kafka-lab-sandbox-';
let swept = false;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The grader pid a leftover's name carries after its prefix, or 0. */
export const graderPid = (name: string, prefix: string) => (name.startsWith(prefix) ? Number(name.slice(prefix.length).split('-')[0]) || 0 : 0);
export const deadGrader = (pid: number) => pid > 0 && pid !== process.pid && !alive(pid);

/** Removes the temp folders named `prefix<pid>-…` of graders that are gone (killed before they could). */
export function removeDeadGradersFolders(prefix: string): void {
  for (const entry of fs.readdirSync(os.tmpdir())) {
    if (deadGrader(graderPid(entry, prefix))) fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------ cgroups

type Cgroup = { flavour: 'v1' | 'v2'; dirs: string[]; memory: string; pids: string };

function cgroupFlavour(): 'v1' | 'v2' | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) return 'v2';
  if (fs.existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes') && fs.existsSync('/sys/fs/cgroup/pids')) return 'v1';
  return undefined;
}

/**
 * Where the programs' cgroups go, under each controller's root: `kafka-lab-grade`, or
 * $KAFKA_LAB_GRADE_CGROUP — a cgroup the grader itself runs in, say, so that its programs count
 * against its own limits too (`npm run bench:grade` runs the grader in 768 MB and half a CPU).
 */
const cgroupParent = () => (process.env.KAFKA_LAB_GRADE_CGROUP ?? 'kafka-lab-grade').replace(/^\/+|\/+$/g, '');

function makeCgroup(name: string, limits: SandboxLimits): Cgroup | undefined {
  const flavour = cgroupFlavour();
  const parentName = cgroupParent();
  const memoryBytes = String(limits.memoryMb * 1024 * 1024);
  try {
    if (flavour === 'v1') {
      const memory = `/sys/fs/cgroup/memory/${parentName}/${name}`;
      const pids = `/sys/fs/cgroup/pids/${parentName}/${name}`;
      fs.mkdirSync(memory, { recursive: true });
      fs.mkdirSync(pids, { recursive: true });
      fs.writeFileSync(path.join(memory, 'memory.limit_in_bytes'), memoryBytes);
      try {
        fs.writeFileSync(path.join(memory, 'memory.memsw.limit_in_bytes'), memoryBytes); // no escape into swap
      } catch {
        // no swap accounting: nothing to limit
      }
      fs.writeFileSync(path.join(pids, 'pids.max'), String(limits.processes));
      return { flavour, dirs: [memory, pids], memory, pids };
    }
    if (flavour === 'v2') {
      const parent = `/sys/fs/cgroup/${parentName}`;
      fs.mkdirSync(parent, { recursive: true });
      fs.writeFileSync(path.join(parent, 'cgroup.subtree_control'), '+memory +pids');
      const dir = path.join(parent, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'memory.max'), memoryBytes);
      fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      fs.writeFileSync(path.join(dir, 'pids.max'), String(limits.processes));
      return { flavour, dirs: [dir], memory: dir, pids: dir };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const readNumber = (file: string, key: string) => {
  try {
    const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${key} `));
    return line ? Number(line.split(' ')[1]) : 0;
  } catch {
    return 0;
  }
};

function oomKills(cgroup: Cgroup): number {
  return cgroup.flavour === 'v1' ? readNumber(path.join(cgroup.memory, 'memory.oom_control'), 'oom_kill') : readNumber(path.join(cgroup.memory, 'memory.events'), 'oom_kill');
}

function pidsLimitHits(cgroup: Cgroup): number {
  return readNumber(path.join(cgroup.pids, 'pids.events'), 'max');
}

/** Kills what is left in the cgroup and removes it. */
function removeCgroup(cgroup: Cgroup): void {
  for (const dir of cgroup.dirs) {
    for (let attempt = 0; attempt < 50; attempt++) {
      let pids: number[] = [];
      try {
        pids = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
      } catch {
        break;
      }
      if (pids.length === 0) break;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      spawnSync('sleep', ['0.02']);
    }
    try {
      fs.rmdirSync(dir);
    } catch {
      // still busy: the kernel frees it when the last process is reaped
    }
  }
}

// ------------------------------------------------------------------------------------ running

/** A broker's host:port and the unix socket that carries it into the sandbox. */
export interface BrokerSocket {
  host: string;
  port: number;
  socket: string;
}

/**
 * Carries each broker port over a unix socket in `dir`, for the forwarder inside the namespace
 * (or, for a container, for the forwarders of its programs: `dir` is then bind-mounted into it).
 */
export async function brokerSockets(dir: string, brokers: string[]): Promise<{ sockets: BrokerSocket[]; close: () => void }> {
  const servers: net.Server[] = [];
  const connections = new Set<net.Socket>();
  const sockets = [];
  for (const address of brokers) {
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(colon + 1));
    if (!net.isIP(host) && host !== 'localhost') throw new Error(`the sandbox needs brokers at IP addresses or localhost, not ${host}`);
    const socket = path.join(dir, `broker-${port}.sock`);
    const server = net.createServer((inside) => {
      const broker = net.connect(port, host === 'localhost' ? '127.0.0.1' : host);
      connections.add(inside).add(broker);
      inside.pipe(broker).pipe(inside);
      const close = () => {
        inside.destroy();
        broker.destroy();
        connections.delete(inside);
        connections.delete(broker);
      };
      inside.on('error', close).on('close', close);
      broker.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socket, resolve));
    servers.push(server);
    sockets.push({ host, port, socket });
  }
  return {
    sockets,
    close: () => {
      for (const c of connections) c.destroy();
      for (const s of servers) s.close();
    },
  };
}

const OUTPUT_LINES = 5000;

/** What a run printed (its first OUTPUT_LINES lines kept) and who hears each line as it comes. */
export function lineSink(): { output: string[]; listeners: ((line: string) => void)[]; take: (line: string) => void } {
  const output: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  const take = (line: string) => {
    if (output.length < OUTPUT_LINES) output.push(line);
    else if (output.length === OUTPUT_LINES) output.push(`… (output cut at ${OUTPUT_LINES} lines)`);
    for (const l of listeners) l(line);
  };
  return { output, listeners, take };
}

export const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export interface RunOptions {
  /**
   * The brokers' unix sockets when they are made outside: a container's agent has no network to
   * reach the brokers by. Else they are made here, from `spec.brokers`.
   */
  carried?: BrokerSocket[];
  /** false: limits only, even where namespaces would work (--sandbox limits). */
  isolate?: boolean;
}

/** Runs one program of a submission in namespaces of its own (as root), else with limits only. */
export async function runSandboxed(spec: SandboxSpec, { carried, isolate = true }: RunOptions = {}): Promise<SandboxRun> {
  const isolated = isolate && canIsolate();
  const home = path.join(spec.workDir, '.home');
  const tmp = path.join(spec.workDir, '.tmp');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    ...spec.env,
  };
  const started = Date.now();
  const name = `${path.basename(spec.workDir)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const cgroup = isolated ? makeCgroup(name, spec.limits) : undefined;
  const rlimits: Record<string, string | number> = { cpu: spec.limits.cpuSeconds, core: 0 };
  if (!cgroup) {
    // No cgroup: bound the address space instead (generous: V8 and the JVM reserve more than they use).
    rlimits.as = Math.max(spec.limits.memoryMb, 1024) * 1024 * 1024 * 2;
    if (isolated) rlimits.nproc = spec.limits.processes; // per uid, and the uid is the program's own
  }

  let control: string | undefined;
  let forwarding: { close: () => void } | undefined;
  let child;
  if (isolated) {
    if (!swept) removeDeadGradersFolders(CONTROL_PREFIX);
    swept = true;
    control = fs.mkdtempSync(path.join(os.tmpdir(), `${CONTROL_PREFIX}${process.pid}-`));
    fs.chmodSync(control, 0o700);
    const { sockets, close } = carried ? { sockets: carried, close: () => {} } : await brokerSockets(control, spec.brokers);
    forwarding = { close };
    spawnSync('chown', ['-R', `${spec.uid}:${spec.uid}`, spec.workDir]);
    const hidden = [...new Set([...spec.hide, '/root', os.homedir()].map((p) => path.resolve(p)))];
    // What it needs under a covered folder or a private temp one (a venv in /tmp) is moved back in.
    const inHidden = (dir: string) => [...hidden, ...PRIVATE_TMP].some((h) => under(dir, h));
    const socketDirs = (carried ?? []).map((b) => path.dirname(b.socket));
    const expose = [...new Set([spec.workDir, control, ...socketDirs, ...spec.expose].map((p) => fs.realpathSync(p)))].filter(inHidden);
    const plan = {
      hide: hidden,
      expose,
      stageDir: STAGE_DIR,
      privateTmp: PRIVATE_TMP,
      tmpSizeMb: spec.limits.memoryMb,
      brokers: sockets,
      uid: spec.uid,
      gid: spec.uid,
      cwd: spec.workDir,
      env,
      command: spec.command,
      args: spec.args,
      rlimits,
    };
    const planFile = path.join(control, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(plan));
    const join = cgroup ? [...new Set(cgroup.dirs)].map((dir) => `echo $$ > ${dir}/cgroup.procs`).join(' && ') + ' && ' : '';
    child = spawn('sh', ['-c', `${join}exec unshare --mount --net --pid --fork --kill-child --propagation private "$0" "$1" "$2"`, process.execPath, INSIDE, planFile], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: {},
    });
  } else {
    const limits = Object.entries(rlimits).map(([k, v]) => `--${k}=${v}`);
    child = spawn('prlimit', [...limits, '--', spec.command, ...spec.args], { cwd: spec.workDir, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  }

  const { output, listeners, take } = lineSink();
  readline.createInterface({ input: child.stdout! }).on('line', take);
  readline.createInterface({ input: child.stderr! }).on('line', take);
  const messages: { error?: string; exit?: number | null; signal?: string | null }[] = [];
  readline.createInterface({ input: child.stdio[3] as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      messages.push(JSON.parse(line));
    } catch {
      // not ours
    }
  });

  let stopReason: string | undefined;
  const killAll = () => {
    try {
      if (isolated) child.kill('SIGKILL');
      else if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    stopReason ??= `wall-clock limit of ${seconds(spec.limits.wallClockMs)} reached; stopped`;
    killAll();
  }, spec.limits.wallClockMs);

  const exit = new Promise<SandboxExit>((resolve) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, reason: `could not start: ${error.message}`, durationMs: Date.now() - started });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (!isolated && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL'); // whatever it left running in its group
        } catch {
          // none
        }
      }
      const told = messages.find((m) => 'exit' in m);
      const failure = messages.find((m) => m.error)?.error;
      const result: SandboxExit = { code: told ? (told.exit ?? null) : code, signal: told ? (told.signal ?? null) : signal, durationMs: Date.now() - started };
      const oom = cgroup ? oomKills(cgroup) : 0;
      const forks = cgroup ? pidsLimitHits(cgroup) : 0;
      if (cgroup) removeCgroup(cgroup);
      forwarding?.close();
      if (control) fs.rmSync(control, { recursive: true, force: true });
      const reasons = [
        failure,
        stopReason,
        oom > 0 && `killed by the memory limit of ${spec.limits.memoryMb} MB`,
        forks > 0 && `hit the limit of ${spec.limits.processes} processes ${forks} time${forks === 1 ? '' : 's'}`,
        result.signal === 'SIGXCPU' && `CPU time limit of ${spec.limits.cpuSeconds} s reached`,
        !cgroup && /MemoryError|JavaScript heap out of memory|Cannot allocate memory|std::bad_alloc/.test(output.join('\n')) && `ran out of memory (limit ${spec.limits.memoryMb} MB)`,
      ].filter((r): r is string => typeof r === 'string' && r !== '');
      if (reasons.length) result.reason = reasons.join('; ');
      resolve(result);
    });
  });

  return {
    output,
    onLine: (listener) => void listeners.push(listener),
    exit,
    kill: (reason) => {
      stopReason ??= reason;
      killAll();
    },
    interrupt: () => {
      try {
        if (isolated) (child.stdio[3] as net.Socket).write('interrupt\n');
        else if (child.pid) process.kill(-child.pid, 'SIGINT');
      } catch {
        // already gone
      }
    },
  };
}

// ------------------------------------------------------------------------------------ users

const UID_BASE = 61_000;
const inUse = new Set<number>();

/** A user id of its own for one submission's programs (released by `releaseUid`). */
export function claimUid(): number {
  for (let uid = UID_BASE; ; uid++) {
    if (!inUse.has(uid)) {
      inUse.add(uid);
      return uid;
    }
  }
}

export function releaseUid(uid: number): void {
  inUse.delete(uid);
}
