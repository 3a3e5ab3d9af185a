// `npm run kafka:real`: real Apache Kafka without Docker. The script is run as people run it, as a
// child process; the tests read its bootstrap line, use the cluster through kafkajs, stop it the
// way people do (Ctrl-C) or the way crashes do (SIGKILL), and look for any JVM left behind.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { eventually } from '../../simulator/test/support/cluster.ts';
import { PACKAGE_ROOT } from '../../simulator/package-root.ts';
import { KAFKA_VERSION, libsDir } from '../real-kafka/index.ts';
import { describeWithRealKafka } from './support/real-kafka.ts';

interface ScriptRun {
  child: ChildProcess;
  bootstrap: string[];
  /** The folder the script said its nodes' logs and data are in. */
  dir: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startScript(...args: string[]): Promise<ScriptRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'grader/real-kafka/main.ts', ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = await eventually(() => /^bootstrap=(.+)$/m.exec(stdout)?.[1], 'the bootstrap line', 150_000).catch((error: unknown) => {
    child.kill('SIGINT');
    throw new Error(`${String(error)}; stderr: ${stderr.slice(-2000)}`);
  });
  const dir = /logs in (\S+?)\)/.exec(stderr)?.[1] ?? '';
  return { child, bootstrap: line.split(','), dir, stderr: () => stderr, exited };
}

/** Command lines of running processes that mention `text`. */
function processesMentioning(text: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(text) && !line.startsWith('ps '));
}

/** The broker JVMs among them (each runs under a watchdog shell whose arguments mention it too). */
const jvms = (text: string) => processesMentioning(text).filter((line) => line.includes('kafka.Kafka') && !line.startsWith('sh '));

describeWithRealKafka('npm run kafka:real', () => {
  it('starts a 3-node KRaft cluster that kafkajs sees whole, and Ctrl-C stops every JVM and removes its files', { timeout: 240_000 }, async () => {
    const run = await startScript('--nodes', '3');
    try {
      expect(run.bootstrap).toHaveLength(3);
      expect(run.dir).toMatch(/kafka-lab-real-/);
      expect(jvms(run.dir)).toHaveLength(3);
      const admin = new Kafka({ brokers: run.bootstrap, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const { brokers, controller } = await admin.describeCluster();
      await admin.createTopics({ topics: [{ topic: 'replicated', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
      const metadata = await eventually(async () => {
        const [topic] = (await admin.fetchTopicMetadata({ topics: ['replicated'] })).topics;
        return topic.partitions.every((p) => p.isr.length === 3) ? topic : undefined;
      }, 'three in-sync replicas per partition', 60_000);
      await admin.disconnect();
      expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
      expect([1, 2, 3]).toContain(controller);
      expect(metadata.partitions.map((p) => [...p.replicas].sort())).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(processesMentioning(run.dir)).toEqual([]);
    expect(fs.existsSync(run.dir)).toBe(false);
  });

  it('leaves no JVM behind when the script itself is killed with SIGKILL', { timeout: 240_000 }, async () => {
    const run = await startScript('--nodes', '1');
    try {
      expect(jvms(run.dir)).toHaveLength(1);
    } finally {
      run.child.kill('SIGKILL');
    }
    await run.exited;
    await eventually(() => processesMentioning(run.dir).length === 0, 'the JVM to end after its parent died', 60_000);
    await eventually(() => !fs.existsSync(run.dir), "the watchdog to remove the cluster's folder", 10_000);
  });

  it('only fills the jar cache with --prefetch, and says where', { timeout: 240_000 }, () => {
    const prefetch = spawnSync(process.execPath, ['--import', 'tsx', 'grader/real-kafka/main.ts', '--prefetch'], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    expect(prefetch.status).toBe(0);
    expect(prefetch.stdout).toBe(''); // no bootstrap line: no cluster was started
    expect(prefetch.stderr).toContain(`Kafka ${KAFKA_VERSION} jars ready in ${libsDir(KAFKA_VERSION)}`);
    expect(fs.existsSync(`${libsDir(KAFKA_VERSION)}/kafka_2.13-${KAFKA_VERSION}.jar`)).toBe(true);
  });
});
