// The autograder's benchmark (`npm run bench:grade`): `kafka-lab grade` as an instructor runs it,
// inside a cgroup of 768 MB and half a CPU that holds the grader, its embedded brokers and every
// program it runs (the sandbox puts each program's own cgroup inside this one, through
// $KAFKA_LAB_GRADE_CGROUP). Targets:
//
//   one      one correct submission of the fixture class, start → report: the whole command,
//            `kafka-lab grade <it> --single`, Python and TypeScript, median of BENCH_RUNS (3)  <= 10 s
//   class    the fixture class of 13 (grader/test/fixtures/class), --jobs 2, the whole command
//
// Each in every sandbox of $BENCH_SANDBOX (comma-separated --sandbox kinds, default auto; say
// `namespaces,container` to compare a container per submission with namespaces). A container's
// cgroup goes inside the limited one too (--cgroup-parent).
//
// The bin is the bundled one (`npm run build:bin` first, as the installed package runs it), so
// TypeScript compilation is not counted. The cgroup is written by hand, v1 or v2 as the machine
// has (no systemd-run needed); root only. Progress goes to stderr, figures to stdout.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { done, median, progress } from './workload.ts';
import { findKafkaPython } from '../simulator/testkit/external-clients.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = path.join(ROOT, 'grader', 'test', 'fixtures');
const GRADING = path.join(FIXTURES, 'grading', 'producer-consumer.json');
const MEMORY_MB = 768;
const CPU_QUOTA = 0.5;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_ONE_S = 10;
const SANDBOXES = (process.env.BENCH_SANDBOX ?? 'auto').split(',').map((s) => s.trim()).filter(Boolean);

// ------------------------------------------------------------------------------------ the cgroup

interface BenchCgroup {
  flavour: 'v1' | 'v2';
  /** What the grader's process joins (one cgroup.procs per hierarchy). */
  join: string[];
  /** $KAFKA_LAB_GRADE_CGROUP: where the sandbox puts the programs' cgroups. */
  parentName: string;
  peakMb(): number;
  cpuSeconds(): number;
  throttled(): number;
  remove(): void;
}

const write = (file: string, value: string) => fs.writeFileSync(file, value);
const readStat = (file: string, key: string) => Number(fs.readFileSync(file, 'utf8').match(new RegExp(`^${key} (\\d+)`, 'm'))?.[1] ?? NaN);

function makeBenchCgroup(name: string): BenchCgroup {
  if (process.getuid?.() !== 0) throw new Error('bench:grade writes a cgroup: run it as root');
  const bytes = String(MEMORY_MB * 2 ** 20);
  if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers')) {
    // v2: the grader in a leaf of its own (no processes in a cgroup that hands out controllers),
    // the programs' cgroups beside it, all under the one limited cgroup.
    const dir = `/sys/fs/cgroup/${name}`;
    fs.mkdirSync(dir);
    write('/sys/fs/cgroup/cgroup.subtree_control', '+memory +pids +cpu');
    write(path.join(dir, 'memory.max'), bytes);
    write(path.join(dir, 'memory.swap.max'), '0');
    write(path.join(dir, 'cpu.max'), `${CPU_QUOTA * 100_000} 100000`);
    write(path.join(dir, 'cgroup.subtree_control'), '+memory +pids +cpu');
    fs.mkdirSync(path.join(dir, 'grader'));
    return {
      flavour: 'v2',
      join: [path.join(dir, 'grader')],
      parentName: name,
      peakMb: () => Number(fs.readFileSync(path.join(dir, 'memory.peak'), 'utf8')) / 2 ** 20,
      cpuSeconds: () => readStat(path.join(dir, 'cpu.stat'), 'usage_usec') / 1e6,
      throttled: () => readStat(path.join(dir, 'cpu.stat'), 'nr_throttled'),
      remove: () => removeDirs([path.join(dir, 'grader'), dir]),
    };
  }
  const v1 = (controller: string) => `/sys/fs/cgroup/${controller}/${name}`;
  for (const controller of ['memory', 'cpu', 'cpuacct', 'pids']) {
    if (!fs.existsSync(`/sys/fs/cgroup/${controller}`)) throw new Error(`no cgroup v1 ${controller} controller at /sys/fs/cgroup/${controller}`);
    fs.mkdirSync(v1(controller), { recursive: true });
  }
  write(path.join(v1('memory'), 'memory.limit_in_bytes'), bytes);
  try {
    write(path.join(v1('memory'), 'memory.memsw.limit_in_bytes'), bytes);
  } catch {
    // no swap accounting (and no swap here): nothing to escape into
  }
  write(path.join(v1('cpu'), 'cpu.cfs_period_us'), '100000');
  write(path.join(v1('cpu'), 'cpu.cfs_quota_us'), String(CPU_QUOTA * 100_000));
  const dirs = ['memory', 'cpu', 'cpuacct', 'pids'].map(v1);
  return {
    flavour: 'v1',
    join: dirs,
    parentName: name,
    peakMb: () => Number(fs.readFileSync(path.join(v1('memory'), 'memory.max_usage_in_bytes'), 'utf8')) / 2 ** 20,
    cpuSeconds: () => Number(fs.readFileSync(path.join(v1('cpuacct'), 'cpuacct.usage'), 'utf8')) / 1e9,
    throttled: () => readStat(path.join(v1('cpu'), 'cpu.stat'), 'nr_throttled'),
    // A container's runtime makes the parent in every hierarchy (cpuset, blkio, ...): those go too.
    remove: () => removeDirs([...dirs, ...fs.readdirSync('/sys/fs/cgroup').map(v1).filter((dir) => !dirs.includes(dir) && fs.existsSync(dir))]),
  };
}

function removeDirs(dirs: string[]): void {
  for (const dir of dirs) {
    // The sandbox removes the programs' cgroups as each ends; whatever is left is empty.
    for (const child of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      if (child.isDirectory()) removeDirs([path.join(dir, child.name)]);
    }
    // A container's conmon may still be cleaning up after the grader exited: busy for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') break; // the runtime removed it meanwhile
        if ((error as NodeJS.ErrnoException).code === 'EBUSY' && attempt < 100) {
          spawnSync('sleep', ['0.1']);
          continue;
        }
        process.stderr.write(`bench:grade: could not remove ${dir}: ${(error as Error).message}\n`);
        break;
      }
    }
  }
}

// ------------------------------------------------------------------------------------ runs

const BIN = path.join(ROOT, 'dist', 'bin', 'bin.js');

function buildBin(): Promise<void> {
  return new Promise((resolve, reject) => {
    const build = spawn('npm', ['run', '-s', 'build:bin'], { cwd: ROOT, stdio: 'inherit' });
    build.once('error', reject).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`npm run build:bin: exit ${code}`))));
  });
}

/** `kafka-lab grade args`, its process inside the cgroup; wall seconds and exit code. */
function grade(cgroup: BenchCgroup, args: string[], python: string, onLine?: (line: string) => void): Promise<{ seconds: number; code: number | null; stderr: string }> {
  const join = cgroup.join.map((dir) => `echo $$ > ${dir}/cgroup.procs`).join(' && ');
  const started = process.hrtime.bigint();
  const child = spawn('sh', ['-c', `${join} && exec "$@"`, 'sh', process.execPath, BIN, 'grade', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', KAFKA_LAB_GRADE_CGROUP: cgroup.parentName, KAFKA_PYTHON: python },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
    for (const line of String(chunk).split(/\r|\n/)) if (line.trim()) onLine?.(line.trim());
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, stderr }));
  });
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-bench-grade-'));

async function oneSubmission(cgroup: BenchCgroup, id: string, python: string, sandbox: string): Promise<{ wall: number[]; grading: number[]; score: string }> {
  const wall: number[] = [];
  const grading: number[] = [];
  let score = '';
  for (let run = 1; run <= RUNS; run++) {
    progress(`one submission (${sandbox}): ${id}, run ${run}/${RUNS}`);
    const out = path.join(scratch, `${id}-${sandbox}-${run}`);
    const result = await grade(cgroup, [path.join(FIXTURES, 'class', id), '--single', '--lab', 'producer-consumer', '--grading', GRADING, '--format', 'gradescope,text', '--out', out, '--seed', '7', '--sandbox', sandbox], python);
    if (result.code !== 0) throw new Error(`kafka-lab grade ${id}: exit ${result.code}\n${result.stderr}`);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    wall.push(result.seconds);
    grading.push(json.execution_time);
    score = `${json.score}/${json.tests.reduce((sum: number, t: { max_score: number }) => sum + t.max_score, 0)}`;
  }
  return { wall, grading, score };
}

async function wholeClass(cgroup: BenchCgroup, python: string, sandbox: string): Promise<{ seconds: number; scores: string[] }> {
  const dir = path.join(scratch, `class-${sandbox}`);
  fs.cpSync(path.join(FIXTURES, 'class'), dir, { recursive: true });
  // What the neighbour-reader tries, as in grade-class.test.ts: another submission, the class folder.
  fs.writeFileSync(path.join(dir, '12-py-reads-neighbours', 'neighbours.txt'), [path.join(dir, '01-py-correct', 'requirements.txt'), dir].join('\n'));
  const out = path.join(scratch, `class-out-${sandbox}`);
  const result = await grade(cgroup, [dir, '--lab', 'producer-consumer', '--grading', GRADING, '--jobs', '2', '--format', 'csv', '--out', out, '--seed', '7', '--sandbox', sandbox], python, (line) => progress(`class of 13 (${sandbox}), --jobs 2: ${line.slice(0, 50)}`));
  if (result.code !== 1) throw new Error(`kafka-lab grade (class): exit ${result.code}, expected 1 (13-empty cannot be graded)\n${result.stderr}`);
  const rows = fs.readFileSync(path.join(out, 'grades.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return { seconds: result.seconds, scores: rows.map((row) => row.split(',').slice(0, 5).filter((_, i) => i === 0 || i === 3).join(' ')) };
}

const s = (x: number) => `${x.toFixed(1)} s`;

async function main(): Promise<void> {
  const python = findKafkaPython();
  if (!python.command) throw new Error(`bench:grade needs a Python with kafka-python: ${python.detail}`);
  progress('building the bin (npm run build:bin)');
  await buildBin();
  const cgroup = makeBenchCgroup(`kafka-lab-bench-grade-${process.pid}`);
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const loadBefore = load();
  try {
    const figures: string[] = [];
    for (const sandbox of SANDBOXES) {
      const py = await oneSubmission(cgroup, '01-py-correct', python.command, sandbox);
      const ts = await oneSubmission(cgroup, '02-ts-correct', python.command, sandbox);
      const cpuBefore = cgroup.cpuSeconds();
      const cls = await wholeClass(cgroup, python.command, sandbox);
      figures.push(`--sandbox ${sandbox}:`);
      for (const [id, r] of [['01-py-correct (Python)', py], ['02-ts-correct (TypeScript)', ts]] as const) {
        const verdict = median(r.wall) <= TARGET_ONE_S ? 'within' : 'OVER';
        figures.push(`  one submission ${id}: start → report median ${s(median(r.wall))} (runs ${r.wall.map(s).join(', ')}), results.json execution_time ${median(r.grading)} s, score ${r.score}; ${verdict} the ${TARGET_ONE_S} s target`);
      }
      figures.push(`  class of 13, --jobs 2: ${s(cls.seconds)} for the whole command, CPU ${s(cgroup.cpuSeconds() - cpuBefore)}`);
      figures.push(`    scores: ${cls.scores.join('; ')}`);
    }
    done();
    const cpu = os.cpus();
    console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average before ${loadBefore}, after ${load()}`);
    console.log(`cgroup ${cgroup.flavour}: ${MEMORY_MB} MB, ${CPU_QUOTA} CPU (grader, embedded brokers and programs together); bin: dist/bin/bin.js`);
    for (const line of figures) console.log(line);
    console.log(`cgroup peak memory (page cache included) ${Math.round(cgroup.peakMb())} MB of ${MEMORY_MB} (the memory hog's own cgroup, 512 MB, is inside); CPU used ${s(cgroup.cpuSeconds())}, throttled ${cgroup.throttled()} periods`);
  } finally {
    cgroup.remove();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  done();
  console.error(`bench:grade: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
