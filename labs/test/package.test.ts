// kafka-lab as a user installs it: `npm pack` (which builds dist/ through `prepare`), the tarball
// installed into an empty project (dependencies from the npm cache where it has them), and then
// only plain Node: a .mjs importing the programmatic API, the `kafka-lab` bin (--help, broker,
// init, check), and a TypeScript file type-checked against the shipped declarations. Nothing
// here loads the sources or tsx.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../simulator/package-root.ts';
import { readPartition } from '../../simulator/testkit/read-partition.ts';

const exec = promisify(execFile);
const INSTALL_TIMEOUT_MS = 5 * 60_000;

/** npm and node from the Node.js running the tests, whatever else is first on PATH. */
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`, NO_COLOR: '1' };
const npm = (args: string[], cwd: string) => exec('npm', args, { cwd, env, maxBuffer: 64 * 2 ** 20, timeout: INSTALL_TIMEOUT_MS });

let scratch: string;
let project: string;
let packed: { filename: string; files: { path: string }[] };
const installed = () => path.join(project, 'node_modules', 'kafka-lab');
const bin = () => path.join(project, 'node_modules', '.bin', 'kafka-lab');

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-package-'));
  const { stdout } = await npm(['pack', '--json', '--pack-destination', scratch], PACKAGE_ROOT);
  [packed] = JSON.parse(stdout) as (typeof packed)[];
  project = path.join(scratch, 'project');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-kafka-lab', private: true, type: 'module' }));
  await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', path.join(scratch, packed.filename), 'kafkajs@2.2.4'], project);
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Runs a file of the temp project with plain node; its stdout. */
async function runNode(file: string, source: string): Promise<string> {
  fs.writeFileSync(path.join(project, file), source);
  const { stdout } = await exec(process.execPath, [file], { cwd: project, env, timeout: 60_000 });
  return stdout;
}

describe('the packed package', () => {
  it('holds the compiled code, declarations and assets, and neither tests nor tsx', () => {
    const files = new Set(packed.files.map((f) => f.path));
    for (const file of [
      'dist/bin/bin.js',
      'dist/simulator/index.js',
      'dist/simulator/index.d.ts',
      'dist/simulator/history/index.js',
      'dist/simulator/history/index.d.ts',
      'dist/labs/content/avro/data/generate-tweets.js',
      'labs/content/producer-consumer/lab.json',
      'labs/lab.schema.json',
      'labs/workspace-template/workspace.ts',
      'schemas/sample.avsc',
      'simulator/testkit/clients/produce_messages.py',
    ]) {
      expect(files, file).toContain(file);
    }
    expect([...files].filter((f) => /(^|\/)test\//.test(f))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed(), 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('tsx');
    expect(fs.existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  it('a plain .mjs starts a cluster from kafka-lab/simulator, and kafkajs produces and consumes through it', async () => {
    const stdout = await runNode(
      'api.mjs',
      `
      import { startCluster } from 'kafka-lab/simulator';
      import { recordHistory } from 'kafka-lab/simulator/history';
      import { Kafka, logLevel, Partitioners } from 'kafkajs';

      const cluster = await startCluster({ brokers: 3, port: 0, groupInitialRebalanceDelayMs: 0 });
      const history = recordHistory(cluster, { topics: ['orders'] });
      const kafka = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 2, replicationFactor: 3 }] });
      await admin.disconnect();
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic: 'orders', acks: -1, messages: ['a', 'b', 'c'].map((value) => ({ key: value, value })) });
      await producer.disconnect();
      const consumer = kafka.consumer({ groupId: 'readers' });
      const read = [];
      await consumer.connect();
      await consumer.subscribe({ topic: 'orders', fromBeginning: true });
      await new Promise((resolve) => consumer.run({ eachMessage: async ({ message }) => { read.push(String(message.value)); if (read.length === 3) resolve(); } }));
      await consumer.disconnect();
      history.stop();
      const topic = cluster.describe().topics.find((t) => t.name === 'orders');
      console.log(JSON.stringify({
        brokers: cluster.bootstrapServers.length,
        read: read.sort(),
        replicas: topic.partitions.map((p) => p.replicas.length),
        records: topic.partitions.reduce((sum, p) => sum + p.logEndOffset, 0),
        historyOk: history.check().ok,
      }));
      await cluster.stop();
      `,
    );
    expect(JSON.parse(stdout)).toEqual({ brokers: 3, read: ['a', 'b', 'c'], replicas: [3, 3], records: 3, historyOk: true });
  }, 60_000);

  it('npx kafka-lab --help and --version answer from the compiled bin', async () => {
    const help = await exec('npx', ['--no-install', 'kafka-lab', '--help'], { cwd: project, env });
    expect(help.stdout).toMatch(/^Usage: kafka-lab \[options\] \[command\]/);
    expect(help.stdout).toMatch(/^\s+broker\b/m);
    const version = await exec(bin(), ['--version'], { cwd: project, env });
    expect(version.stdout.trim()).toBe(PACKAGE_VERSION);
  });

  it('kafka-lab broker serves kafkajs, init makes a workspace from the package, and check reads it', async () => {
    const broker = spawn(bin(), ['broker', '--brokers', '1', '--port', '0'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => broker.on('close', resolve));
    try {
      const bootstrap = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        broker.stdout.on('data', (chunk) => {
          stdout += chunk;
          const line = /^bootstrap=(\S+)$/m.exec(stdout);
          if (line) resolve(line[1]);
        });
        void exited.then((code) => reject(new Error(`kafka-lab broker exited with ${code} before its bootstrap line`)));
      });
      const kafka = new Kafka({ brokers: bootstrap.split(','), clientId: 'package-test', logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic: 'sample', messages: Array.from({ length: 5 }, (_, i) => ({ value: `message #${i} from producer-0` })) });
      await producer.disconnect();
      const { messages } = await readPartition(kafka, 'sample', 0);
      expect(messages.map((m) => String(m.value))).toEqual(Array.from({ length: 5 }, (_, i) => `message #${i} from producer-0`));

      // init copies starters, schemas and the template, and runs the Avro lab's compiled data generator.
      const init = await exec(bin(), ['init', 'work'], { cwd: project, env, timeout: 60_000 });
      expect(init.stdout).toMatch(/npx kafka-lab/);
      const work = path.join(project, 'work');
      for (const file of ['kafka-lab.json', 'producer-consumer/typescript/producer.ts', 'producer-consumer/python/producer.py', 'schemas/sample.avsc', 'data/squid_tweets.csv']) {
        expect(fs.existsSync(path.join(work, file)), file).toBe(true);
      }
      const workspace = JSON.parse(fs.readFileSync(path.join(work, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
      expect(workspace.devDependencies['kafka-lab']).toBe(`^${PACKAGE_VERSION}`);

      // The first step wants 100 numbered records: 5 is too few, and the report says so.
      const check = await exec(bin(), ['check', 'producer-consumer', '--bootstrap', bootstrap, '--step', 'produce', '--json'], { cwd: work, env }).then(
        () => {
          throw new Error('kafka-lab check passed a step that cannot pass');
        },
        (failure: { code: number; stdout: string }) => failure,
      );
      expect(check.code).toBe(1);
      const report = JSON.parse(check.stdout) as { passed: boolean; steps: { id: string; passed: boolean; checks: { status: string }[] }[] };
      expect(report.passed).toBe(false);
      expect(report.steps.map((s) => s.id)).toEqual(['produce']);
      expect(report.steps[0].checks.map((c) => c.status)).toEqual(['pass', 'fail']);
    } finally {
      broker.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);

  it('a TypeScript project type-checks against the shipped declarations', async () => {
    fs.writeFileSync(
      path.join(project, 'uses.ts'),
      `
      import { startCluster, type ClusterHandle, type ClusterOptions } from 'kafka-lab/simulator';
      import { recordHistory, type HistoryReport } from 'kafka-lab/simulator/history';

      const options: ClusterOptions = { brokers: 3, port: 0 };
      const cluster: ClusterHandle = await startCluster(options);
      const partitions: number = cluster.describe().topics.length;
      const report: HistoryReport = recordHistory(cluster, { topics: ['t'] }).check();
      // @ts-expect-error: brokers is a number
      await startCluster({ brokers: 'three' });
      console.log(partitions, report.ok);
      `,
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'es2023', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'], typeRoots: [path.join(PACKAGE_ROOT, 'node_modules', '@types')] },
        files: ['uses.ts'],
      }),
    );
    const tsc = path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, env, timeout: 60_000 }).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  }, 60_000);
});
