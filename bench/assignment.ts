// The assignment server's benchmark (`npm run bench:assignment`): how many verdicts a second it
// gives, and how long a student waits for one, each against its target.
//
//   verdicts   a backlog of correctly signed submissions from 100 groups, judged by a server
//              started on it: judged / (last verdict − first verdict)                    >= 5,000/s
//   latency    submissions at a steady 1,000/s from 100 groups, each timed from just before
//              its send to the moment its result is read (kafkajs, read_committed): p99  <= 50 ms
//
// Three processes, as a TA runs it: `kafka-lab broker` (one broker), `kafka-lab assignment serve
// --bootstrap` on it, and the students (kafkajs producers and a result reader) in this one.
// Progress goes to stderr, results to stdout. BENCH_MESSAGES overrides the backlog (50,000).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Partitioners, type Producer } from 'kafkajs';
import { decodeResult, encodeSubmission, genSignature, initAssignment, openStoreForReading, scoreboard, TransactionGenerator, type AssignmentConfig } from '../grader/assignment/index.ts';
import { done, kafkaFor, messageCount, progress, thousands } from './workload.ts';

const GROUPS = 100;
const BACKLOG = messageCount(50_000);
const RATE = 1000;
const LATENCY_SECONDS = 20;

const CLI = [process.execPath, '--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, fileURLToPath(new URL('../labs/cli/bin.ts', import.meta.url))];

interface Child {
  process: ChildProcess;
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

function run(args: string[]): Child {
  const child = spawn(CLI[0], [...CLI.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const lines: string[] = [];
  const waiting = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const wake of waiting) wake();
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    line: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const found = lines.find((l) => pattern.test(l));
          if (found !== undefined) {
            waiting.delete(look);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => reject(new Error(`no line like ${pattern} from kafka-lab ${args.join(' ')}:\n${lines.slice(-10).join('\n')}`)), timeoutMs);
        waiting.add(look);
        void exited.then(() => look());
        look();
      }),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const board = (dir: string, config: AssignmentConfig) => {
  const store = openStoreForReading(dir);
  try {
    return store ? scoreboard(config, store) : undefined;
  } finally {
    store?.close();
  }
};
const judged = (dir: string, config: AssignmentConfig) => {
  const b = board(dir, config);
  return b ? b.groups.reduce((s, g) => s + g.submitted, 0) + b.unattributed.submitted : 0;
};

async function poll<T>(check: () => T | undefined | null | false, what: string, timeoutMs: number, show?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (show) progress(show());
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function submissions(config: AssignmentConfig, from: number, perGroup: number): { value: Buffer; vid: string; txid: string }[] {
  const generator = new TransactionGenerator(config.seed);
  const out: { value: Buffer; vid: string; txid: string }[] = [];
  for (let i = from; i < from + perGroup; i++) {
    const tx = generator.transaction(i);
    for (const group of config.groups) out.push({ vid: group.vid, txid: tx.txid, value: encodeSubmission({ vid: group.vid, txid: tx.txid, signature: genSignature(tx, group.token) }) });
  }
  return out;
}

async function backlogThroughput(dir: string, config: AssignmentConfig, bootstrap: string, producer: Producer): Promise<{ verdicts: number; seconds: number; perSecond: number }> {
  const perGroup = Math.ceil(BACKLOG / GROUPS);
  const all = submissions(config, 0, perGroup);
  for (let i = 0; i < all.length; i += 1000) {
    progress(`verdicts: sending the backlog, ${thousands(i)}/${thousands(all.length)}`);
    await producer.send({ topic: 'submit', messages: all.slice(i, i + 1000).map(({ value }) => ({ value })) });
  }
  done();
  const server = run(['assignment', 'serve', dir, '--bootstrap', bootstrap]);
  await server.line(/^bootstrap=/);
  await poll(() => judged(dir, config) >= all.length, 'the backlog judged', 600_000, () => `verdicts: ${thousands(judged(dir, config))}/${thousands(all.length)} judged`);
  done();
  const store = openStoreForReading(dir)!;
  let first = Infinity;
  let last = 0;
  for (const group of config.groups) {
    for (const v of store.verdictsOf(group.vid)) {
      first = Math.min(first, v.judgedAt);
      last = Math.max(last, v.judgedAt);
    }
  }
  store.close();
  await server.stop();
  const seconds = (last - first) / 1000;
  return { verdicts: all.length, seconds, perSecond: all.length / seconds };
}

async function steadyLatency(dir: string, config: AssignmentConfig, bootstrap: string, producer: Producer): Promise<{ sent: number; answered: number; p50: number; p99: number; max: number; toJudgedP99: number; fromJudgedP99: number }> {
  const server = run(['assignment', 'serve', dir, '--bootstrap', bootstrap]);
  await server.line(/^bootstrap=/);
  const total = RATE * LATENCY_SECONDS;
  const perGroup = Math.ceil(total / GROUPS);
  const load = submissions(config, Math.ceil(BACKLOG / GROUPS), perGroup).slice(0, total);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // Where the time goes: send -> judged (the result's timestamp) and judged -> read, on the one clock of this machine.
  const toJudged: number[] = [];
  const fromJudged: number[] = [];
  const epochMs = () => performance.timeOrigin + performance.now();
  const kafka = kafkaFor([bootstrap]);
  const reader = kafka.consumer({ groupId: 'bench-latency', maxWaitTimeInMs: 100 });
  await reader.connect();
  await reader.subscribe({ topics: ['result'], fromBeginning: false });
  let assigned = false;
  reader.on(reader.events.GROUP_JOIN, () => (assigned = true));
  await reader.run({
    eachMessage: async ({ message }) => {
      const result = decodeResult(message.value!);
      const at = sentAt.get(`${result.vid}/${result.txid}`);
      if (at === undefined) return;
      const now = epochMs();
      latencies.push(now - at);
      toJudged.push(Number(result.timestamp) - at);
      fromJudged.push(now - Number(result.timestamp));
    },
  });
  await poll(() => assigned, 'the result reader in its group', 30_000);
  // 10 submissions every 10 ms: 1,000/s, spread over the groups.
  const started = performance.now();
  for (let i = 0; i < load.length; i += 10) {
    const due = started + (i / RATE) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const slice = load.slice(i, i + 10);
    const now = epochMs();
    for (const s of slice) sentAt.set(`${s.vid}/${s.txid}`, now);
    void producer.send({ topic: 'submit', messages: slice.map(({ value }) => ({ value })) });
    if (i % 1000 === 0) progress(`latency: ${thousands(i)}/${thousands(load.length)} sent at ${RATE}/s, ${thousands(latencies.length)} answered`);
  }
  await poll(() => latencies.length >= load.length, 'every result read', 60_000, () => `latency: ${thousands(latencies.length)}/${thousands(load.length)} answered`);
  done();
  await reader.disconnect();
  await server.stop();
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  };
  return {
    sent: load.length,
    answered: latencies.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: Math.max(...latencies),
    toJudgedP99: quantile(toJudged, 0.99),
    fromJudgedP99: quantile(fromJudged, 0.99),
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-bench-assignment-'));
  const broker = run(['broker', '--brokers', '1', '--port', '0', '--group-initial-rebalance-delay-ms', '0']);
  try {
    const bootstrap = (await broker.line(/^bootstrap=/)).slice('bootstrap='.length);
    const groupsCsv = Array.from({ length: GROUPS }, (_, i) => `Group ${i + 1},student${i}@example.org`).join('\n');
    const { config } = initAssignment(path.join(dir, 'class'), { groupsCsv, seed: 'bench', ratePerSecond: 2000, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } });
    const classDir = path.join(dir, 'class');
    const needed = Math.ceil(BACKLOG / GROUPS) + Math.ceil((RATE * LATENCY_SECONDS) / GROUPS);
    // The server first runs to produce the transactions both measurements submit for.
    const feeder = run(['assignment', 'serve', classDir, '--bootstrap', bootstrap]);
    await feeder.line(/^bootstrap=/);
    await poll(() => (board(classDir, config)?.transactions.produced ?? 0) >= needed, `${needed} transactions`, 120_000, () => `transactions: ${board(classDir, config)?.transactions.produced ?? 0}/${needed}`);
    done();
    await feeder.stop();

    const producer = kafkaFor([bootstrap]).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const throughput = await backlogThroughput(classDir, config, bootstrap, producer);
    const latency = await steadyLatency(classDir, config, bootstrap, producer);
    await producer.disconnect();

    const cpu = os.cpus();
    const rows = [
      ['verdicts', `${thousands(throughput.verdicts)} backlogged submissions from ${GROUPS} groups, judged in ${throughput.seconds.toFixed(2)} s`, `${thousands(throughput.perSecond)}/s`, '>= 5,000/s', throughput.perSecond >= 5000],
      ['latency', `${thousands(latency.sent)} submissions at ${RATE}/s, submit -> result read (p50 ${latency.p50.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms; p99 of send -> judged ${latency.toJudgedP99.toFixed(1)} ms, judged -> read ${latency.fromJudgedP99.toFixed(1)} ms)`, `p99 ${latency.p99.toFixed(1)} ms`, '<= 50 ms', latency.p99 <= 50],
    ] as const;
    process.stdout.write(`kafka-lab assignment benchmark · ${cpu[0]?.model.trim()} (${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB), Node.js ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    for (const [name, detail, figure, target, pass] of rows) process.stdout.write(`${pass ? 'PASS' : 'MISS'}  ${name.padEnd(9)} ${figure.padEnd(14)} target ${target.padEnd(11)} ${detail}\n`);
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
