// `npm run bench:log`: the disk log against issue 13's targets, beside franz-go's kfake and real
// Apache Kafka on the same machine. One broker each, started afresh for every measure, every client
// in a process of its own:
//
//   memory   resident memory of the broker process after 5,000,000 × 1 KiB records (kcat)  <= real Kafka's
//   kcat     produce, then consume, 1,000,000 × 1 KiB with kcat (librdkafka)                 >= 1.0x kfake
//   perf     the same with Kafka's ProducerPerformance and ConsumerPerformance (Java client) >= 1.0x kfake
//   latency  p99 produce -> consume at 22,222 records/s of 1 KB (kafkajs, acks=1)             <= 5 ms
//   latency-franz  the same with franz-go's kgo client, whose cost stays out of the figure     <= 5 ms
//
// KFAKE=<binary> is a kfake built from franz-go (`bash bench/build-kfake.sh`); without it kfake is left
// out. LATENCY_CLIENT=<binary> is the franz-go latency client (`bash bench/build-latency-client.sh`);
// without it latency-franz is left out. BENCH_LOG_TARGETS (default kafka-lab,kfake,real) and
// BENCH_LOG_MEASURES (memory,kcat,perf,latency,latency-franz) pick what runs; BENCH_RSS_MESSAGES (5,000,000) and BENCH_MESSAGES (1,000,000) set sizes.
// Progress goes to stderr, results to stdout.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaTools, findJava, KAFKA_VERSION, startRealKafka } from '../grader/real-kafka/index.ts';
import { realKafkaUnavailable } from '../grader/providers/index.ts';
import { PACKAGE_ROOT } from '../simulator/package-root.ts';
import { done, jvmPids, kafkaFor, memoryOf, messageCount, progress, thousands } from './workload.ts';

const MESSAGES = messageCount(1_000_000);
const RSS_MESSAGES = Number(process.env.BENCH_RSS_MESSAGES ?? 5_000_000);
const LATENCY_RATE = 22_222;
const LATENCY_WARM_UP_MS = 3000;
const LATENCY_MEASURE_MS = 20_000;
const TARGETS = (process.env.BENCH_LOG_TARGETS ?? 'kafka-lab,kfake,real').split(',');
const LATENCY_CLIENT = process.env.LATENCY_CLIENT && fs.existsSync(process.env.LATENCY_CLIENT) ? process.env.LATENCY_CLIENT : undefined;
const MEASURES = (process.env.BENCH_LOG_MEASURES ?? `memory,kcat,perf,latency${LATENCY_CLIENT ? ',latency-franz' : ''}`).split(',');

// ------------------------------------------------------------------ brokers

interface Broker {
  bootstrap: string;
  /** The processes that are the broker (one for kafka-lab and kfake, the JVM for Kafka). */
  pids(): number[];
  stop(): Promise<void>;
}

type Target = { name: string; start: () => Promise<Broker> };

/** A broker process that prints `bootstrap=host:port` on stdout when ready, stopped with SIGTERM. */
async function processBroker(command: string, args: string[]): Promise<Broker> {
  const child = spawn(command, args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const line = /^bootstrap=(\S+)/m.exec(stdout);
      if (line) resolve(line[1]);
    });
    void exited.then(() => reject(new Error(`${command} exited before it was ready: ${stderr.slice(-2000)}`)));
  });
  return {
    bootstrap,
    pids: () => [child.pid!],
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const TARGET_LIST: Target[] = [
  {
    name: 'kafka-lab',
    start: () => processBroker(process.execPath, ['--import', 'tsx', 'labs/cli/bin.ts', 'broker', '--brokers', '1', '--port', '0', '--group-initial-rebalance-delay-ms', '0']),
  },
  { name: 'kfake', start: () => processBroker(process.env.KFAKE!, ['--brokers', '1']) },
  {
    name: 'real',
    async start() {
      // Kafka's own default heap (kafka-server-start.sh: -Xmx1G -Xms1G).
      const cluster = await startRealKafka({ nodes: 1, heapMb: 1024, brokerConfig: { 'group.initial.rebalance.delay.ms': '0' } });
      return { bootstrap: cluster.bootstrapServers[0], pids: () => jvmPids(cluster), stop: () => cluster.stop() };
    },
  },
];

function unavailable(name: string): string | undefined {
  if (name === 'kfake') return process.env.KFAKE && fs.existsSync(process.env.KFAKE) ? undefined : 'set KFAKE to a kfake binary (bash bench/build-kfake.sh builds one)';
  if (name === 'real') return realKafkaUnavailable();
  return undefined;
}

async function withBroker<T>(target: Target, use: (broker: Broker) => Promise<T>): Promise<T> {
  const broker = await target.start();
  try {
    return await use(broker);
  } finally {
    await broker.stop();
  }
}

async function createTopic(bootstrap: string, topic: string): Promise<void> {
  const admin = kafkaFor([bootstrap]).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

// ------------------------------------------------------------------ clients

/** Runs a command to its end; its stdout, or an error with its stderr. */
function run(command: string, args: string[], { stdin }: { stdin?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { stdio: [stdin ? fs.openSync(stdin, 'r') : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout = (stdout + chunk).slice(-100_000)));
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-100_000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

/** A file of `count` lines of 1,023 bytes: kcat sends each line as a 1 KiB record. */
function recordsFile(count: number): string {
  const file = path.join(os.tmpdir(), `kafka-lab-bench-${count}.txt`);
  if (fs.existsSync(file) && fs.statSync(file).size === count * 1024) return file;
  const line = Buffer.from(`${'k'.repeat(1023)}\n`);
  const block = Buffer.concat(Array.from({ length: 1000 }, () => line));
  const fd = fs.openSync(`${file}.tmp`, 'w');
  for (let written = 0; written < count; written += 1000) fs.writeSync(fd, written + 1000 <= count ? block : block.subarray(0, (count - written) * 1024));
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

const kcatProduce = (bootstrap: string, topic: string, file: string) => run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', 'queue.buffering.max.messages=1000000', '-l', file]);
const kcatConsume = (bootstrap: string, topic: string, count: number) => run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-c', String(count), '-e', '-q', '-f', '%o\n']);

let toolsClasspath: string | undefined;
async function kafkaTool(tool: string, args: string[]): Promise<string> {
  toolsClasspath ??= await ensureKafkaTools(KAFKA_VERSION, (line) => progress(line));
  return run(findJava().command!, ['-Xmx1g', '-cp', toolsClasspath, `org.apache.kafka.tools.${tool}`, ...args]);
}

// ------------------------------------------------------------------ measures

type Figures = Record<string, number>;

async function memory(target: Target): Promise<Figures> {
  const file = recordsFile(1_000_000);
  return withBroker(target, async (broker) => {
    await createTopic(broker.bootstrap, 'rss');
    for (let sent = 0; sent < RSS_MESSAGES; sent += 1_000_000) {
      progress(`${target.name} memory: ${thousands(sent)}/${thousands(RSS_MESSAGES)} records`);
      await kcatProduce(broker.bootstrap, 'rss', file);
    }
    // Settled: a few idle seconds after the last write (measuring, not synchronising).
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const used = broker.pids().map(memoryOf);
    return { rss: used.reduce((sum, m) => sum + m.rss, 0), peak: used.reduce((sum, m) => sum + m.peak, 0) };
  });
}

async function kcat(target: Target): Promise<Figures> {
  const file = recordsFile(MESSAGES);
  return withBroker(target, async (broker) => {
    await createTopic(broker.bootstrap, 'kcat');
    progress(`${target.name} kcat: producing`);
    const produce = await timed(() => kcatProduce(broker.bootstrap, 'kcat', file));
    progress(`${target.name} kcat: consuming`);
    const consume = await timed(() => kcatConsume(broker.bootstrap, 'kcat', MESSAGES));
    return { produce: MESSAGES / produce, consume: MESSAGES / consume };
  });
}

async function perf(target: Target): Promise<Figures> {
  return withBroker(target, async (broker) => {
    await createTopic(broker.bootstrap, 'perf');
    progress(`${target.name} perf: ProducerPerformance`);
    const produced = await kafkaTool('ProducerPerformance', ['--topic', 'perf', '--num-records', String(MESSAGES), '--record-size', '1024', '--throughput', '-1', '--producer-props', `bootstrap.servers=${broker.bootstrap}`, 'acks=all']);
    // "1000000 records sent, 151285.9 records/sec (147.74 MB/sec), 190.21 ms avg latency, ..."
    const produce = Number(/records sent, ([\d.]+) records\/sec/.exec(produced.trim().split('\n').at(-1)!)?.[1]);
    progress(`${target.name} perf: ConsumerPerformance`);
    const consumed = await kafkaTool('ConsumerPerformance', ['--bootstrap-server', broker.bootstrap, '--topic', 'perf', '--messages', String(MESSAGES), '--timeout', '120000']);
    // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
    const fields = consumed.trim().split('\n').at(-1)!.split(',').map((f) => f.trim());
    return { produce, consume: Number(fields[9]) };
  });
}

type LatencyClient = (mode: 'consume' | 'produce', bootstrap: string, ...args: string[]) => ChildProcess;

const kafkajsClient: LatencyClient = (mode, bootstrap, ...args) =>
  spawn(process.execPath, ['--import', 'tsx', 'bench/latency-client.ts', mode, bootstrap, 'latency', ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const franzClient: LatencyClient = (mode, bootstrap, ...args) => spawn(LATENCY_CLIENT!, [mode, bootstrap, 'latency', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });

const latency = (target: Target) => latencyWith(target, kafkajsClient);
const latencyFranz = (target: Target) => latencyWith(target, franzClient);

async function latencyWith(target: Target, client: LatencyClient): Promise<Figures> {
  return withBroker(target, async (broker) => {
    await createTopic(broker.bootstrap, 'latency');
    const consumer = client('consume', broker.bootstrap, String(LATENCY_WARM_UP_MS), String(LATENCY_MEASURE_MS));
    const lines: string[] = [];
    consumer.stdout!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const consumerDone = new Promise<void>((resolve) => consumer.on('close', () => resolve()));
    for (const deadline = Date.now() + 60_000; !lines.includes('ready'); ) {
      if (Date.now() > deadline) throw new Error(`${target.name}: the latency consumer never said it was ready`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    progress(`${target.name} latency: ${thousands(LATENCY_RATE)} records/s for ${(LATENCY_WARM_UP_MS + LATENCY_MEASURE_MS) / 1000 + 2} s`);
    const producer = client('produce', broker.bootstrap, String(LATENCY_RATE), String((LATENCY_WARM_UP_MS + LATENCY_MEASURE_MS) / 1000 + 2));
    await Promise.all([consumerDone, new Promise((resolve) => producer.on('close', resolve))]);
    const result = JSON.parse(lines.find((l) => l.startsWith('{'))!) as Figures;
    return result;
  });
}

const MEASURE_LIST: Record<string, (target: Target) => Promise<Figures>> = { memory, kcat, perf, latency, 'latency-franz': latencyFranz };

// ------------------------------------------------------------------ main

const mb = (bytes: number) => `${thousands(bytes / 2 ** 20)} MB`;
const rate = (n: number) => `${thousands(n)}/s`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`kafka-lab disk-log benchmark: ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores, ${thousands(os.totalmem() / 2 ** 30)} GiB), Node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const results = new Map<string, Map<string, Figures>>();
  for (const target of TARGET_LIST.filter((t) => TARGETS.includes(t.name))) {
    const missing = unavailable(target.name);
    if (missing) {
      console.log(`${target.name}: skipped (${missing})`);
      continue;
    }
    const figures = new Map<string, Figures>();
    results.set(target.name, figures);
    for (const measure of MEASURES) {
      const load = os.loadavg()[0];
      figures.set(measure, { ...(await MEASURE_LIST[measure](target)), load });
      done();
    }
  }
  const get = (target: string, measure: string, figure: string) => results.get(target)?.get(measure)?.[figure];
  const cell = (value: number | undefined, format: (n: number) => string) => (value === undefined ? '—' : format(value));
  const rows: [string, string, (n: number) => string][] = [
    ['memory', 'rss', mb],
    ['memory', 'peak', mb],
    ['kcat', 'produce', rate],
    ['kcat', 'consume', rate],
    ['perf', 'produce', rate],
    ['perf', 'consume', rate],
    ['latency', 'p50', ms],
    ['latency', 'p99', ms],
    ['latency', 'p999', ms],
    ['latency-franz', 'p50', ms],
    ['latency-franz', 'p99', ms],
    ['latency-franz', 'p999', ms],
  ];
  const names = [...results.keys()];
  console.log(`${'measure'.padEnd(20)}${names.map((n) => n.padEnd(16)).join('')}`);
  for (const [measure, figure, format] of rows) {
    if (!MEASURES.includes(measure)) continue;
    console.log(`${`${measure} ${figure}`.padEnd(20)}${names.map((n) => cell(get(n, measure, figure), format).padEnd(16)).join('')}`);
  }
  console.log(`\nload average during each measure (1 min): ${names.map((n) => `${n} ${MEASURES.map((m) => get(n, m, 'load')?.toFixed(1)).join('/')}`).join(', ')}`);
  const kl = (m: string, f: string) => get('kafka-lab', m, f);
  const verdict = (label: string, ok: boolean | undefined, detail: string) => console.log(`${ok === undefined ? 'n/a ' : ok ? 'PASS' : 'MISS'}  ${label.padEnd(34)} ${detail}`);
  console.log('');
  verdict('memory <= real Kafka', kl('memory', 'rss') !== undefined && get('real', 'memory', 'rss') !== undefined ? kl('memory', 'rss')! <= get('real', 'memory', 'rss')! : undefined, `${cell(kl('memory', 'rss'), mb)} vs ${cell(get('real', 'memory', 'rss'), mb)}`);
  for (const [measure, figure] of [['kcat', 'produce'], ['kcat', 'consume'], ['perf', 'produce'], ['perf', 'consume']]) {
    const ours = kl(measure, figure);
    const theirs = get('kfake', measure, figure);
    verdict(`${measure} ${figure} >= 1.0x kfake`, ours !== undefined && theirs !== undefined ? ours >= theirs : undefined, ours !== undefined && theirs !== undefined ? `${(ours / theirs).toFixed(2)}x` : '');
  }
  for (const measure of ['latency', 'latency-franz']) {
    verdict(`${measure} p99 <= 5 ms`, kl(measure, 'p99') === undefined ? undefined : kl(measure, 'p99')! <= 5, cell(kl(measure, 'p99'), ms));
  }
}

await main();
