// kafka-lab benchmark (`npm run bench`): how fast a cluster is ready, how many messages a real
// client moves each way, and how much memory an idle cluster holds, each against its target.
//
//   ready   3-broker cluster start -> first Metadata response, median of several runs  <= 100 ms
//   bin     `kafka-lab broker` spawned (compiled) -> first Metadata response, median      <= 100 ms
//   produce kafkajs producer, 1 KiB values, 100 messages per send, acks=-1             >= 50,000 msg/s
//   consume kafkajs's own Fetch path (no consumer group), every partition to its end  >= 50,000 msg/s
//   memory  RSS of a fresh process holding an idle 3-broker cluster, after GC          <= 120 MB
//   fuzz, bomb, pre-auth   the broker under attack (bench/hardening.ts): malformed frames per
//           second; RSS growth under decompression bombs and a flood of login-less clients  <= +64 MB
//
// The clients run in a process of their own, as they would against a real cluster; the same runs
// with the client inside the broker's process are printed too, for comparison.
//
// Progress goes to stderr, results to stdout. BENCH_MESSAGES overrides the message count (200,000).

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { packagePath } from '../simulator/package-root.ts';
import { startCluster, type ClusterHandle } from '../simulator/index.ts';
import { hardening } from './hardening.ts';
import {
  assertMovedAll,
  consume,
  done,
  embeddedIdleRss,
  FETCH_BYTES,
  IN_FLIGHT,
  kafkaFor,
  median,
  processReadyTimes,
  messageCount,
  PARTITIONS,
  PER_SEND,
  produce,
  progress,
  readyTimes,
  REPLICATION_FACTOR,
  runInChild,
  thousands,
  VALUE,
  type Run,
  type Step,
} from './workload.ts';

const MESSAGES = messageCount(200_000);
const READY_RUNS = 9;

interface Result {
  name: string;
  detail: string;
  figure: string;
  target: string;
  pass: boolean;
}

// ------------------------------------------------------------------ (a) ready time

async function ready(): Promise<Result> {
  const runs = await readyTimes('ready', () => startCluster({ brokers: 3 }), READY_RUNS);
  const ms = median(runs);
  return {
    name: 'ready',
    detail: `3-broker start -> first Metadata response (modules loaded), median of ${READY_RUNS}; first run ${runs[0].toFixed(1)} ms, min ${Math.min(...runs).toFixed(1)}, max ${Math.max(...runs).toFixed(1)}`,
    figure: `${ms.toFixed(1)} ms`,
    target: '<= 100 ms',
    pass: ms <= 100,
  };
}

// ------------------------------------------------------------------ (a') the bin's ready time

/** What a user's `npx kafka-lab broker` runs: the compiled bin, built afresh from the sources. */
async function binReady(): Promise<Result> {
  progress('bin: npm run build');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: packagePath(), stdio: ['ignore', 'ignore', 'inherit'] });
  const compiled = await processReadyTimes('bin', [process.execPath, packagePath('dist', 'bin', 'bin.js')], READY_RUNS);
  const throughTsx = await processReadyTimes('bin through tsx', [process.execPath, '--import', 'tsx', packagePath('labs', 'cli', 'bin.ts')], READY_RUNS);
  const ms = median(compiled);
  return {
    name: 'bin',
    detail: `\`kafka-lab broker\` (3 brokers) spawned -> bootstrap line -> first Metadata response, median of ${READY_RUNS}; min ${Math.min(...compiled).toFixed(1)}, max ${Math.max(...compiled).toFixed(1)}; the sources through tsx: ${median(throughTsx).toFixed(1)} ms`,
    figure: `${ms.toFixed(1)} ms`,
    target: '<= 100 ms',
    pass: ms <= 100,
  };
}

// ------------------------------------------------------------------ (b) produce, (c) consume

const rateOf = (run: Run) => run.count / run.seconds;
const mibPerSecond = (run: Run) => ((run.count * VALUE.length) / run.seconds / 2 ** 20).toFixed(1);

function throughputResult(step: Step, run: Run & { brokerCpuSeconds: number }, sameProcess: Run): Result {
  const how =
    step === 'produce'
      ? `kafkajs producer, 1 KiB values, ${PARTITIONS} partitions (RF ${REPLICATION_FACTOR}), ${PER_SEND}/send, acks=-1, ${IN_FLIGHT} sends in flight`
      : `kafkajs's Fetch path, ${PARTITIONS} partitions read in parallel to the end, ${FETCH_BYTES / 2 ** 20} MiB per fetch`;
  return {
    name: step,
    detail: [
      how,
      `client in its own process: ${thousands(run.count)} msgs in ${run.seconds.toFixed(2)} s; broker CPU ${run.brokerCpuSeconds.toFixed(2)} s (${((run.brokerCpuSeconds / run.count) * 1e6).toFixed(1)} us/msg)`,
      `client in the broker's process (one thread for both): ${thousands(rateOf(sameProcess))} msg/s`,
    ].join('\n' + ' '.repeat(15)),
    figure: `${thousands(rateOf(run))} msg/s (${mibPerSecond(run)} MiB/s)`,
    target: '>= 50,000 msg/s',
    pass: rateOf(run) >= 50_000,
  };
}

async function throughput(): Promise<Result[]> {
  const cluster: ClusterHandle = await startCluster({ brokers: 3 });
  try {
    cluster.createTopic({ name: 'bench', partitions: PARTITIONS, replicationFactor: REPLICATION_FACTOR });
    cluster.createTopic({ name: 'bench-same-process', partitions: PARTITIONS, replicationFactor: REPLICATION_FACTOR });
    const options = { messages: MESSAGES, showProgress: true };
    const produced = await runInChild('produce', cluster.bootstrapServers, 'bench', options);
    const consumed = await runInChild('consume', cluster.bootstrapServers, 'bench', options);
    const kafka = kafkaFor(cluster.bootstrapServers);
    const producedHere = await produce(kafka, 'bench-same-process', options);
    const consumedHere = await consume(kafka, 'bench-same-process', options);
    assertMovedAll('produce', produced, MESSAGES);
    assertMovedAll('consume', consumed, MESSAGES);
    assertMovedAll('produce', producedHere, MESSAGES);
    assertMovedAll('consume', consumedHere, MESSAGES);
    return [throughputResult('produce', produced, producedHere), throughputResult('consume', consumed, consumedHere)];
  } finally {
    await cluster.stop();
  }
}

// ------------------------------------------------------------------ (d) idle memory

async function idleRss(): Promise<Result> {
  progress('memory: starting a fresh process');
  const { runtime, rss } = await embeddedIdleRss();
  done();
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  return {
    name: 'memory',
    detail: `fresh process, idle 3-broker cluster, after gc(); of which node + tsx alone: ${mb(runtime)} MB, simulator + cluster: ${mb(rss - runtime)} MB`,
    figure: `${mb(rss)} MB RSS`,
    target: '<= 120 MB',
    pass: rss / 2 ** 20 <= 120,
  };
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`kafka-lab benchmark: ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}\n`);
  const results = [await ready(), await binReady(), ...(await throughput()), await idleRss(), ...(await hardening())];
  for (const r of results) {
    console.log(`${r.pass ? 'PASS' : 'MISS'}  ${r.name.padEnd(8)} ${r.figure.padEnd(30)} target ${r.target}`);
    console.log(`      ${''.padEnd(8)} ${r.detail}`);
  }
  const missed = results.filter((r) => !r.pass).length;
  console.log(missed === 0 ? '\nAll targets met.' : `\n${missed} target(s) missed.`);
}

await main();
