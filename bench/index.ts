// kafka-lab benchmark (`npm run bench`): how fast a cluster is ready, how many messages a real
// client moves each way, and how much memory an idle cluster holds, each against its target.
//
//   ready   3-broker cluster start -> first Metadata response, median of several runs  <= 100 ms
//   produce kafkajs producer, 1 KiB values, 100 messages per send, acks=-1             >= 50,000 msg/s
//   consume kafkajs's own Fetch path (no consumer group), every partition to its end  >= 50,000 msg/s
//   memory  RSS of a fresh process holding an idle 3-broker cluster, after GC          <= 120 MB
//
// The clients run in a process of their own, as they would against a real cluster; the same runs
// with the client inside the broker's process are printed too, for comparison.
//
// Progress goes to stderr, results to stdout. BENCH_MESSAGES overrides the message count.

import { execFile, spawn } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../simulator/index.ts';
import { internalCluster } from '../simulator/test/support/kafkajs-fetch.ts';
import { RawConnection } from '../simulator/test/support/raw-connection.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 200_000);
const PER_SEND = 100;
const IN_FLIGHT = 8;
const PARTITIONS = 3;
const REPLICATION_FACTOR = 3;
const VALUE = Buffer.alloc(1024, 'k');
const READY_RUNS = 9;
const FETCH_BYTES = 10 * 2 ** 20;
const CLIENT_FLAG = '--client-child';

// kafkajs 2.2.4 arms a timer with a negative delay after every response, which Node 24 warns about.
for (const listener of process.listeners('warning')) process.off('warning', listener);
process.on('warning', (warning) => warning.name !== 'TimeoutNegativeWarning' && console.error(warning));

const progress = (line: string) => process.stderr.write(`\r\x1b[K${line}`);
const done = () => process.stderr.write('\r\x1b[K');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

interface Result {
  name: string;
  detail: string;
  figure: string;
  target: string;
  pass: boolean;
}

// ------------------------------------------------------------------ (a) ready time

/** Start a 3-broker cluster, then one Metadata v1 request (all topics) over a fresh socket. */
async function readyOnce(): Promise<number> {
  const started = performance.now();
  const cluster = await startCluster({ brokers: 3 });
  const connection = await RawConnection.open(cluster.bootstrapServers[0]);
  const response = await connection.request({ apiKey: 3, version: 1, correlationId: 1, body: Buffer.from('ffffffff', 'hex') });
  const elapsed = performance.now() - started;
  connection.destroy();
  await cluster.stop();
  if (response === null) throw new Error('the broker closed the connection instead of answering Metadata');
  return elapsed;
}

async function ready(): Promise<Result> {
  const runs: number[] = [];
  for (let i = 0; i < READY_RUNS; i++) {
    progress(`ready: run ${i + 1}/${READY_RUNS}`);
    runs.push(await readyOnce());
  }
  done();
  const ms = median(runs);
  return {
    name: 'ready',
    detail: `3-broker start -> first Metadata response (modules loaded), median of ${READY_RUNS}; first run ${runs[0].toFixed(1)} ms, min ${Math.min(...runs).toFixed(1)}, max ${Math.max(...runs).toFixed(1)}`,
    figure: `${ms.toFixed(1)} ms`,
    target: '<= 100 ms',
    pass: ms <= 100,
  };
}

// ------------------------------------------------------------------ (b) produce, (c) consume

interface Run {
  count: number;
  seconds: number;
}

async function produce(kafka: Kafka, topic: string): Promise<Run> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const messages = Array.from({ length: PER_SEND }, () => ({ value: VALUE }));
  const sends = Math.ceil(MESSAGES / PER_SEND);
  let next = 0;
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < sends) {
      next++;
      await producer.send({ topic, acks: -1, messages });
      sent += PER_SEND;
      if (sent % 10_000 === 0) progress(`produce: ${thousands(sent)}/${thousands(MESSAGES)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  done();
  await producer.disconnect();
  return { count: sent, seconds };
}

/** Reads every partition from offset 0 to its high watermark with kafkajs's Fetch encoder and decoder. */
async function consume(kafka: Kafka, topic: string): Promise<Run> {
  const client = internalCluster(kafka);
  await client.connect();
  await client.addTargetTopic(topic);
  await client.refreshMetadata([topic]);
  let read = 0;
  const started = performance.now();
  const readPartition = async (partition: number) => {
    const [leader] = Object.keys(client.findLeaderForPartitions(topic, [partition]));
    const broker = await client.findBroker({ nodeId: leader });
    let offset = 0;
    for (;;) {
      const response = await broker.fetch({
        maxWaitTime: 0,
        minBytes: 1,
        maxBytes: FETCH_BYTES,
        isolationLevel: 1,
        topics: [{ topic, partitions: [{ partition, fetchOffset: String(offset), maxBytes: FETCH_BYTES }] }],
      });
      const p = response.responses[0].partitions[0];
      if (p.errorCode !== 0) throw new Error(`fetch of partition ${partition} failed with error ${p.errorCode}`);
      for (const m of p.messages) {
        if (Number(m.offset) < offset) continue; // a batch straddling the fetch offset comes back whole
        read++;
        offset = Number(m.offset) + 1;
      }
      progress(`consume: ${thousands(read)}/${thousands(MESSAGES)}`);
      if (offset >= Number(p.highWatermark)) return;
    }
  };
  await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => readPartition(p)));
  const seconds = (performance.now() - started) / 1000;
  done();
  await client.disconnect();
  return { count: read, seconds };
}

const kafkaFor = (bootstrap: string[]) => new Kafka({ brokers: bootstrap, clientId: 'kafka-lab-bench', logLevel: logLevel.NOTHING });

/** In the child: one client step against the parent's cluster, its Run as JSON on stdout. */
async function clientChild(step: string, bootstrap: string, topic: string): Promise<void> {
  const kafka = kafkaFor(bootstrap.split(','));
  const run = step === 'produce' ? await produce(kafka, topic) : await consume(kafka, topic);
  process.stdout.write(JSON.stringify(run));
}

/** Runs a client step in its own process, as real clients are; also reports the broker's CPU time meanwhile. */
async function inChild(step: 'produce' | 'consume', cluster: ClusterHandle, topic: string): Promise<Run & { brokerCpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, CLIENT_FLAG, step, cluster.bootstrapServers.join(','), topic], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the ${step} client exited with ${code}`);
  const used = process.cpuUsage(cpu);
  return { ...(JSON.parse(stdout) as Run), brokerCpuSeconds: (used.user + used.system) / 1e6 };
}

const rateOf = (run: Run) => run.count / run.seconds;
const mibPerSecond = (run: Run) => ((run.count * VALUE.length) / run.seconds / 2 ** 20).toFixed(1);

function throughputResult(step: 'produce' | 'consume', run: Run & { brokerCpuSeconds: number }, sameProcess: Run): Result {
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
    const produced = await inChild('produce', cluster, 'bench');
    const consumed = await inChild('consume', cluster, 'bench');
    const kafka = kafkaFor(cluster.bootstrapServers);
    const producedHere = await produce(kafka, 'bench-same-process');
    const consumedHere = await consume(kafka, 'bench-same-process');
    for (const run of [produced, consumed, producedHere, consumedHere]) {
      if (run.count !== Math.ceil(MESSAGES / PER_SEND) * PER_SEND) throw new Error(`moved ${run.count} messages, not ${MESSAGES}`);
    }
    return [throughputResult('produce', produced, producedHere), throughputResult('consume', consumed, consumedHere)];
  } finally {
    await cluster.stop();
  }
}

// ------------------------------------------------------------------ (d) idle memory

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

async function idleRss(): Promise<Result> {
  progress('memory: starting a fresh process');
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', IDLE_RSS_SCRIPT]);
  done();
  const { runtime, rss } = JSON.parse(stdout) as { runtime: number; rss: number };
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
  const results = [await ready(), ...(await throughput()), await idleRss()];
  for (const r of results) {
    console.log(`${r.pass ? 'PASS' : 'MISS'}  ${r.name.padEnd(8)} ${r.figure.padEnd(30)} target ${r.target}`);
    console.log(`      ${''.padEnd(8)} ${r.detail}`);
  }
  const missed = results.filter((r) => !r.pass).length;
  console.log(missed === 0 ? '\nAll targets met.' : `\n${missed} target(s) missed.`);
}

const flag = process.argv.indexOf(CLIENT_FLAG);
if (flag !== -1) await clientChild(process.argv[flag + 1], process.argv[flag + 2], process.argv[flag + 3]);
else await main();
