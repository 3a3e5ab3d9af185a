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

import os from 'node:os';
import { startRealKafka, KAFKA_VERSION } from '../grader/real-kafka/index.ts';
import { realKafkaUnavailable } from '../grader/providers/index.ts';
import { startCluster } from '../simulator/index.ts';
import {
  assertMovedAll,
  done,
  embeddedIdleRss,
  jvmPids,
  kafkaFor,
  median,
  memoryOf,
  messageCount,
  PARTITIONS,
  progress,
  readyTimes,
  REPLICATION_FACTOR,
  runInChild,
  thousands,
  type Step,
} from './workload.ts';

const MESSAGES = messageCount(50_000);
const REAL_STARTS = Number(process.env.BENCH_REAL_STARTS ?? 3);
const EMBEDDED_STARTS = 9;

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
    rss: () => jvmPids(cluster).reduce((sum, pid) => sum + memoryOf(pid).rss, 0),
    stop: () => cluster.stop(),
  };
}

// ------------------------------------------------------------------ measuring one cluster

/** A client step in its own process (quiet: this process prints the progress), in messages per second. */
async function rateInChild(step: Step, cluster: Cluster, topic: string): Promise<number> {
  const run = await runInChild(step, cluster.bootstrapServers, topic, { messages: MESSAGES, showProgress: false });
  assertMovedAll(step, run, MESSAGES);
  return run.count / run.seconds;
}

interface Measured {
  ready: number;
  produce: number;
  consume: number;
  memory: number;
}

async function measure(name: string, start: () => Promise<Cluster>, starts: number, idleRss: () => Promise<number>): Promise<Measured> {
  const readyMs = median(await readyTimes(`${name} ready`, start, starts));
  progress(`${name}: memory`);
  const memory = await idleRss();
  const cluster = await start();
  try {
    await cluster.createTopic('bench');
    progress(`${name}: producing ${thousands(MESSAGES)} messages`);
    const produced = await rateInChild('produce', cluster, 'bench');
    progress(`${name}: consuming ${thousands(MESSAGES)} messages`);
    const consumed = await rateInChild('consume', cluster, 'bench');
    done();
    return { ready: readyMs, produce: produced, consume: consumed, memory };
  } finally {
    await cluster.stop();
  }
}

/** An idle embedded cluster's RSS in a fresh process, after a full GC, as `npm run bench` measures it. */
async function embeddedRss(): Promise<number> {
  return (await embeddedIdleRss()).rss;
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
  const embedded = await measure('embedded', embeddedCluster, EMBEDDED_STARTS, embeddedRss);
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

await main();
