// `npm run bench:real`: the benchmark's measurements against real Apache Kafka on this machine,
// side by side with the embedded cluster's, as ratios. Needs Java 17+ (see `npm run kafka:real`).
//
//   ready    3 nodes/brokers started -> first Metadata response over a fresh socket
//   produce  kafkajs producer, 1 KiB values, 100 per send, 8 sends in flight, acks=-1, 3 partitions RF 3
//   consume  kafkajs's own Fetch path (no group), every partition read in parallel to its end
//   memory   resident memory of the idle 3-node cluster (the JVMs' RSS; the Node process's for embedded)
//
// The clients always run in a process of their own. Real Kafka starts slowly, so `ready` is the
// median of BENCH_REAL_STARTS runs (default 3) and the embedded one of 9. BENCH_MESSAGES sets the
// message count (default 50,000). Progress goes to stderr, the table to stdout.

import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startRealKafka, KAFKA_VERSION, type RealKafkaCluster } from '../grader/real-kafka/index.ts';
import { realKafkaUnavailable } from '../grader/providers/index.ts';
import { startCluster } from '../simulator/index.ts';
import { internalCluster } from '../labs/checks/kafkajs-internal.ts';
import { RawConnection } from '../simulator/test/support/raw-connection.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const REAL_STARTS = Number(process.env.BENCH_REAL_STARTS ?? 3);
const EMBEDDED_STARTS = 9;
const PER_SEND = 100;
const IN_FLIGHT = 8;
const PARTITIONS = 3;
const REPLICATION_FACTOR = 3;
const VALUE = Buffer.alloc(1024, 'k');
const FETCH_BYTES = 10 * 2 ** 20;
const CLIENT_FLAG = '--client-child';

// kafkajs 2.2.4 arms a timer with a negative delay after every response, which Node 24 warns about.
for (const listener of process.listeners('warning')) process.off('warning', listener);
process.on('warning', (warning) => warning.name !== 'TimeoutNegativeWarning' && console.error(warning));

const progress = (line: string) => process.stderr.write(`\r\x1b[K${line}`);
const done = () => process.stderr.write('\r\x1b[K');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

interface Cluster {
  bootstrapServers: string[];
  createTopic(name: string): Promise<void>;
  /** Resident memory of what runs the brokers, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

// ------------------------------------------------------------------ the two clusters

async function embeddedCluster(): Promise<Cluster> {
  const cluster = await startCluster({ brokers: 3 });
  return {
    bootstrapServers: cluster.bootstrapServers,
    async createTopic(name) {
      cluster.createTopic({ name, partitions: PARTITIONS, replicationFactor: REPLICATION_FACTOR });
    },
    rss: () => process.memoryUsage().rss,
    stop: () => cluster.stop(),
  };
}

async function realCluster(): Promise<Cluster> {
  const cluster = await startRealKafka({ nodes: 3 });
  return {
    bootstrapServers: cluster.bootstrapServers,
    async createTopic(name) {
      const admin = kafkaFor(cluster.bootstrapServers).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: name, numPartitions: PARTITIONS, replicationFactor: REPLICATION_FACTOR }], waitForLeaders: true });
      // Every replica in sync before measuring, as in the embedded cluster.
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
        const [topic] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
        if (topic?.partitions.length === PARTITIONS && topic.partitions.every((p) => p.isr.length === REPLICATION_FACTOR)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await admin.disconnect();
    },
    rss: () => jvmPids(cluster).reduce((sum, pid) => sum + rssOf(pid), 0),
    stop: () => cluster.stop(),
  };
}

/** The broker JVMs of a cluster: processes whose command line names its folder and kafka.Kafka. */
function jvmPids(cluster: RealKafkaCluster): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && m[2].includes(cluster.dir) && m[2].includes('kafka.Kafka') && !m[2].startsWith('sh '))
    .map((m) => Number(m[1]));
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

// ------------------------------------------------------------------ ready

async function readyOnce(start: () => Promise<Cluster>): Promise<number> {
  const started = performance.now();
  const cluster = await start();
  try {
    const connection = await RawConnection.open(cluster.bootstrapServers[0]);
    const response = await connection.request({ apiKey: 3, version: 1, correlationId: 1, body: Buffer.from('ffffffff', 'hex') }, 30_000);
    connection.destroy();
    if (response === null) throw new Error('the broker closed the connection instead of answering Metadata');
    return performance.now() - started;
  } finally {
    await cluster.stop();
  }
}

async function ready(name: string, start: () => Promise<Cluster>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`${name} ready: run ${i + 1}/${runs}`);
    times.push(await readyOnce(start));
  }
  done();
  return median(times);
}

// ------------------------------------------------------------------ produce and consume (in a child)

const kafkaFor = (bootstrap: string[]) => new Kafka({ brokers: bootstrap, clientId: 'kafka-lab-bench', logLevel: logLevel.NOTHING });

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
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return { count: sent, seconds };
}

async function consume(kafka: Kafka, topic: string): Promise<Run> {
  const client = internalCluster(kafka);
  await client.connect();
  await client.addTargetTopic(topic);
  await client.refreshMetadata([topic]);
  let read = 0;
  const started = performance.now();
  const readPartition = async (partition: number) => {
    const [leader] = Object.keys(client.findLeaderForPartitions(topic, [partition]));
    const broker = (await client.findBroker({ nodeId: leader })) as unknown as {
      fetch(request: object): Promise<{ responses: { partitions: { errorCode: number; highWatermark: string; messages: { offset: string }[] }[] }[] }>;
    };
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
      if (offset >= Number(p.highWatermark)) return;
    }
  };
  await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => readPartition(p)));
  const seconds = (performance.now() - started) / 1000;
  await client.disconnect();
  return { count: read, seconds };
}

async function clientChild(step: string, bootstrap: string, topic: string): Promise<void> {
  const kafka = kafkaFor(bootstrap.split(','));
  const run = step === 'produce' ? await produce(kafka, topic) : await consume(kafka, topic);
  process.stdout.write(JSON.stringify(run));
}

async function inChild(step: 'produce' | 'consume', cluster: Cluster, topic: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, CLIENT_FLAG, step, cluster.bootstrapServers.join(','), topic], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the ${step} client exited with ${code}`);
  const run = JSON.parse(stdout) as Run;
  if (run.count !== Math.ceil(MESSAGES / PER_SEND) * PER_SEND) throw new Error(`${step} moved ${run.count} messages, not ${MESSAGES}`);
  return run.count / run.seconds;
}

interface Measured {
  ready: number;
  produce: number;
  consume: number;
  memory: number;
}

async function measure(name: string, start: () => Promise<Cluster>, starts: number, idleRss: () => Promise<number>): Promise<Measured> {
  const readyMs = await ready(name, start, starts);
  progress(`${name}: memory`);
  const memory = await idleRss();
  const cluster = await start();
  try {
    await cluster.createTopic('bench');
    progress(`${name}: producing ${thousands(MESSAGES)} messages`);
    const produced = await inChild('produce', cluster, 'bench');
    progress(`${name}: consuming ${thousands(MESSAGES)} messages`);
    const consumed = await inChild('consume', cluster, 'bench');
    done();
    return { ready: readyMs, produce: produced, consume: consumed, memory };
  } finally {
    await cluster.stop();
  }
}

/** An idle embedded cluster's RSS in a fresh process, after a full GC, as `npm run bench` measures it. */
async function embeddedIdleRss(): Promise<number> {
  const script = `
    const { startCluster } = await import(${JSON.stringify(new URL('../simulator/index.ts', import.meta.url).href)});
    const cluster = await startCluster({ brokers: 3 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    gc();
    const rss = process.memoryUsage().rss;
    await cluster.stop();
    process.stdout.write(JSON.stringify({ rss }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script]);
  return (JSON.parse(stdout) as { rss: number }).rss;
}

/** Three idle JVMs, a few seconds after they are ready. */
async function realIdleRss(): Promise<number> {
  const cluster = await realCluster();
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000)); // let start-up work finish; this measures, it does not synchronise
    return cluster.rss();
  } finally {
    await cluster.stop();
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const missing = realKafkaUnavailable();
  if (missing) {
    console.error(`bench:real needs real Apache Kafka: ${missing}`);
    process.exit(1);
  }
  const cpus = os.cpus();
  console.log(`kafka-lab beside Apache Kafka ${KAFKA_VERSION}: ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), Node ${process.version}, Java on the same machine`);
  console.log(`${thousands(MESSAGES)} messages of 1 KiB; 3 brokers, ${PARTITIONS} partitions with ${REPLICATION_FACTOR} replicas; clients in their own process\n`);
  const embedded = await measure('embedded', embeddedCluster, EMBEDDED_STARTS, embeddedIdleRss);
  const real = await measure('real Kafka', realCluster, REAL_STARTS, realIdleRss);

  const ms = (v: number) => `${v < 100 ? v.toFixed(1) : thousands(v)} ms`;
  const rate = (v: number) => `${thousands(v)} msg/s`;
  const mb = (v: number) => `${(v / 2 ** 20).toFixed(0)} MB`;
  const times = (x: number) => `${x >= 10 ? thousands(x) : x.toFixed(1)}x`;
  const rows: [string, string, string, string][] = [
    ['ready', ms(embedded.ready), ms(real.ready), `embedded ready ${times(real.ready / embedded.ready)} sooner`],
    ['produce', rate(embedded.produce), rate(real.produce), ratioLine(embedded.produce / real.produce, 'throughput')],
    ['consume', rate(embedded.consume), rate(real.consume), ratioLine(embedded.consume / real.consume, 'throughput')],
    ['memory', mb(embedded.memory), mb(real.memory), `embedded uses ${times(real.memory / embedded.memory)} less`],
  ];
  console.log(`${'measure'.padEnd(9)}${'embedded'.padEnd(18)}${`real Kafka ${KAFKA_VERSION}`.padEnd(22)}ratio`);
  for (const [name, e, r, ratio] of rows) console.log(`${name.padEnd(9)}${e.padEnd(18)}${r.padEnd(22)}${ratio}`);
  console.log(`\nready: median of ${EMBEDDED_STARTS} embedded and ${REAL_STARTS} real starts (real includes formatting storage and the JVMs' start).`);
}

function ratioLine(ratio: number, what: string): string {
  return ratio >= 1 ? `embedded ${ratio.toFixed(1)}x the ${what}` : `real Kafka ${(1 / ratio).toFixed(1)}x the ${what}`;
}

const flag = process.argv.indexOf(CLIENT_FLAG);
if (flag !== -1) await clientChild(process.argv[flag + 1], process.argv[flag + 2], process.argv[flag + 3]);
else await main();
