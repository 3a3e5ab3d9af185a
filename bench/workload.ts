// The workload both benchmarks run (`npm run bench`, `npm run bench:real`): a kafkajs producer and
// a group-less reader over 1 KiB values, the ready-time and idle-memory measurements, and the child
// process the clients run in. Run as a script (by runInChild), this module is that child.

import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { internalCluster } from '../simulator/testkit/kafkajs-internal.ts';
import { readPartition } from '../simulator/testkit/read-partition.ts';
import { RawConnection } from '../simulator/net/raw-connection.ts';

export const PER_SEND = 100;
export const IN_FLIGHT = 8;
export const PARTITIONS = 3;
export const REPLICATION_FACTOR = 3;
export const VALUE = Buffer.alloc(1024, 'k');
export const FETCH_BYTES = 10 * 2 ** 20;

/** BENCH_MESSAGES overrides each benchmark's own default message count (e.g. BENCH_MESSAGES=5000 for a quick run). */
export const messageCount = (fallback: number) => Number(process.env.BENCH_MESSAGES ?? fallback);

// kafkajs 2.2.4 arms a timer with a negative delay after every response, which Node 24 warns about.
for (const listener of process.listeners('warning')) process.off('warning', listener);
process.on('warning', (warning) => warning.name !== 'TimeoutNegativeWarning' && console.error(warning));

export const progress = (line: string) => process.stderr.write(`\r\x1b[K${line}`);
export const done = () => process.stderr.write('\r\x1b[K');
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

export const kafkaFor = (bootstrap: string[]) => new Kafka({ brokers: bootstrap, clientId: 'kafka-lab-bench', logLevel: logLevel.NOTHING });

// ------------------------------------------------------------------ ready

interface Startable {
  bootstrapServers: string[];
  stop(): Promise<void>;
}

/** One Metadata v1 request (all topics) over a fresh socket; rejects when the broker closes instead. */
async function firstMetadata(bootstrap: string): Promise<void> {
  const connection = await RawConnection.open(bootstrap);
  try {
    const response = await connection.request({ apiKey: 3, version: 1, correlationId: 1, body: Buffer.from('ffffffff', 'hex') }, 30_000);
    if (response === null) throw new Error('the broker closed the connection instead of answering Metadata');
  } finally {
    connection.destroy();
  }
}

/** Start a cluster, then the first Metadata response; milliseconds until it answers. */
async function readyOnce(start: () => Promise<Startable>): Promise<number> {
  const started = performance.now();
  const cluster = await start();
  try {
    await firstMetadata(cluster.bootstrapServers[0]);
    return performance.now() - started;
  } finally {
    await cluster.stop();
  }
}

/** `runs` measurements in order, with `label: run i/n` as progress. */
async function measureRuns(label: string, runs: number, once: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`${label}: run ${i + 1}/${runs}`);
    times.push(await once());
  }
  done();
  return times;
}

/** `runs` ready times of clusters `start` starts in this process. */
export const readyTimes = (label: string, start: () => Promise<Startable>, runs: number) => measureRuns(label, runs, () => readyOnce(start));

/**
 * `kafka-lab broker` as a process: milliseconds from spawning `command` (with `broker --port 0`
 * appended) to the first Metadata response from the address on its `bootstrap=` line, the way a
 * script or a test harness waits for it; then SIGTERM, waiting for a clean exit.
 */
async function processReadyOnce(command: readonly string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(command[0], [...command.slice(1), 'broker', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const bootstrap = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = /^bootstrap=([^,\n]+)/m.exec(stdout);
      if (line) resolve(line[1]);
    });
    void exited.then((code) => reject(new Error(`${command.join(' ')} broker exited with ${code} before its bootstrap line: ${stderr}`)));
  });
  let elapsed: number;
  try {
    await firstMetadata(await bootstrap);
    elapsed = performance.now() - started;
  } finally {
    child.kill('SIGTERM');
  }
  const code = await exited;
  if (code !== 0) throw new Error(`${command.join(' ')} broker exited with ${code} on SIGTERM: ${stderr}`);
  return elapsed;
}

/** `runs` ready times of `kafka-lab broker` processes that `command` starts. */
export const processReadyTimes = (label: string, command: readonly string[], runs: number) => measureRuns(label, runs, () => processReadyOnce(command));

// ------------------------------------------------------------------ memory

/** A process's resident memory now and at its peak (VmHWM), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** The broker JVMs of a real Kafka cluster: processes whose command line names its folder and kafka.Kafka. */
export function jvmPids(cluster: { dir: string }): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && m[2].includes(cluster.dir) && m[2].includes('kafka.Kafka') && !m[2].startsWith('sh '))
    .map((m) => Number(m[1]));
}

/**
 * Runs in a fresh `node --import tsx` process that loads nothing but the simulator: RSS before the
 * simulator is imported, and with an idle 3-broker cluster, each after a full GC.
 */
const IDLE_RSS_SCRIPT = `
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));
  gc();
  const runtime = process.memoryUsage().rss;
  const { startCluster } = await import(${JSON.stringify(new URL('../simulator/index.ts', import.meta.url).href)});
  const cluster = await startCluster({ brokers: 3 });
  await settle();
  gc();
  const rss = process.memoryUsage().rss;
  await cluster.stop();
  process.stdout.write(JSON.stringify({ runtime, rss }));
`;

/** Bytes: `runtime` is node + tsx alone, `rss` the same process holding an idle embedded cluster. */
export async function embeddedIdleRss(): Promise<{ runtime: number; rss: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', IDLE_RSS_SCRIPT]);
  return JSON.parse(stdout) as { runtime: number; rss: number };
}

// ------------------------------------------------------------------ produce and consume

export interface Run {
  count: number;
  seconds: number;
}

export type Step = 'produce' | 'consume';

export interface StepOptions {
  messages: number;
  /** Print a running count on stderr (and clear it at the end). */
  showProgress: boolean;
}

export async function produce(kafka: Kafka, topic: string, { messages: total, showProgress }: StepOptions): Promise<Run> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const messages = Array.from({ length: PER_SEND }, () => ({ value: VALUE }));
  const sends = Math.ceil(total / PER_SEND);
  let next = 0;
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < sends) {
      next++;
      await producer.send({ topic, acks: -1, messages });
      sent += PER_SEND;
      if (showProgress && sent % 10_000 === 0) progress(`produce: ${thousands(sent)}/${thousands(total)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  if (showProgress) done();
  await producer.disconnect();
  return { count: sent, seconds };
}

/** Reads every partition from offset 0 to its high watermark with kafkajs's Fetch encoder and decoder. */
export async function consume(kafka: Kafka, topic: string, { messages: total, showProgress }: StepOptions): Promise<Run> {
  const client = internalCluster(kafka);
  await client.connect();
  let read = 0;
  const started = performance.now();
  const onMessages = (messages: unknown[]) => {
    read += messages.length;
    if (showProgress) progress(`consume: ${thousands(read)}/${thousands(total)}`);
  };
  const options = { maxWaitTime: 0, maxBytes: FETCH_BYTES, timeoutMs: 30 * 60_000, onMessages };
  await Promise.all(Array.from({ length: PARTITIONS }, (_, partition) => readPartition(client, topic, partition, options)));
  const seconds = (performance.now() - started) / 1000;
  if (showProgress) done();
  await client.disconnect();
  return { count: read, seconds };
}

/** Every step moves whole sends, so `messages` rounded up to a multiple of PER_SEND. */
export function assertMovedAll(step: Step, run: Run, messages: number): void {
  if (run.count !== Math.ceil(messages / PER_SEND) * PER_SEND) throw new Error(`${step} moved ${run.count} messages, not ${messages}`);
}

// ------------------------------------------------------------------ the client's own process

/** Runs a client step in its own process, as real clients are; also reports this process's CPU time meanwhile. */
export async function runInChild(step: Step, bootstrap: string[], topic: string, options: StepOptions): Promise<Run & { brokerCpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const args = [step, bootstrap.join(','), topic, String(options.messages), options.showProgress ? 'progress' : 'quiet'];
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the ${step} client exited with ${code}`);
  const used = process.cpuUsage(cpu);
  return { ...(JSON.parse(stdout) as Run), brokerCpuSeconds: (used.user + used.system) / 1e6 };
}

/** In the child: one client step against the parent's cluster, its Run as JSON on stdout. */
async function clientChild([step, bootstrap, topic, messages, show]: string[]): Promise<void> {
  const kafka = kafkaFor(bootstrap.split(','));
  const options = { messages: Number(messages), showProgress: show === 'progress' };
  const run = step === 'produce' ? await produce(kafka, topic, options) : await consume(kafka, topic, options);
  process.stdout.write(JSON.stringify(run));
}

if (process.argv[1] === import.meta.filename) await clientChild(process.argv.slice(2));
