// `kafka-lab init`, `kafka-lab check` and the lab commands' refusals, run as the real program.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { kafkaFor, useCluster } from '../../simulator/test/support/cluster.ts';
import { startCluster } from '../../simulator/index.ts';
import { openLabCluster } from '../engine/lab-cluster.ts';
import { DEFAULT_CLUSTER } from '../engine/load.ts';
import { runCli } from './support/cli.ts';
import { temporaryDir } from './support/tiny-lab.ts';

const cluster = useCluster({ groupInitialRebalanceDelayMs: 0 });

describe('kafka-lab init', () => {
  it('creates a workspace with both languages\' starters, the schemas, the data, a README and the bootstrap address', async () => {
    const dir = path.join(temporaryDir('init'), 'kafka-work');
    const cli = runCli(['init', dir, '--bootstrap', '127.0.0.1:9192']);
    expect((await cli.exit(30_000)).code).toBe(0);
    expect(cli.stdout[0]).toMatch(/^kafka-lab: workspace ready in .*kafka-work \(\d+ files created\)$/);

    expect(JSON.parse(fs.readFileSync(path.join(dir, 'kafka-lab.json'), 'utf8'))).toEqual({ bootstrap: '127.0.0.1:9192' });
    for (const file of [
      'producer-consumer/typescript/producer.ts',
      'producer-consumer/typescript/workspace.ts',
      'producer-consumer/python/consumer_tail.py',
      'producer-consumer/python/workspace.py',
      'avro/typescript/tweets.ts',
      'avro/python/evolve_remove.py',
      'schemas/sample.avsc',
      'schemas/squid_tweets.avsc',
      'schemas/transaction.avsc',
      'schemas/event-v2.avsc',
      'requirements.txt',
    ]) {
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    }
    const csv = fs.readFileSync(path.join(dir, 'data/squid_tweets.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('user_name,user_location,user_description,user_created,user_followers,user_friends,user_favourites,user_verified,date,text,source,is_retweet');
    expect(csv.length).toBeGreaterThan(20_000_000);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))).toMatchObject({ type: 'module', dependencies: { kafkajs: expect.any(String), avsc: expect.any(String) } });
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain('`127.0.0.1:9192`');
    expect(readme).toContain('`node producer-consumer/typescript/producer.ts 10`');
    expect(readme).toContain('`python3 avro/python/tweets_sizes.py`');
  });

  it('run again, adds what is missing and keeps the student\'s files', async () => {
    const dir = temporaryDir('init');
    expect((await runCli(['init', dir]).exit(30_000)).code).toBe(0);
    const producer = path.join(dir, 'producer-consumer/typescript/producer.ts');
    fs.writeFileSync(producer, '// my work\n');
    fs.rmSync(path.join(dir, 'schemas/sample.avsc'));
    const again = runCli(['init', dir]);
    expect((await again.exit(30_000)).code).toBe(0);
    expect(again.stdout[0]).toMatch(/\(1 files created, kept \d+ that were there\)/);
    expect(fs.readFileSync(producer, 'utf8')).toBe('// my work\n');
    expect(fs.existsSync(path.join(dir, 'schemas/sample.avsc'))).toBe(true);
  });
});

describe('kafka-lab check', () => {
  const workspace = () => {
    const dir = temporaryDir('workspace');
    fs.writeFileSync(path.join(dir, 'kafka-lab.json'), JSON.stringify({ bootstrap: cluster().bootstrapServers.join(',') }));
    return dir;
  };

  it('reports every step against the workspace\'s cluster, exit code 1 while one fails, 0 once all pass', async () => {
    const dir = workspace();
    const producer = kafkaFor(cluster()).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'sample', messages: Array.from({ length: 100 }, (_, i) => ({ value: `message #${i} from producer-0` })) });
    await producer.disconnect();

    const all = runCli(['check', 'producer-consumer', '--workspace', dir]);
    expect((await all.exit(60_000)).code).toBe(1);
    const report = all.stdout;
    expect(report.slice(0, 3)).toEqual(['kafka-lab check producer-consumer · Producer and consumer', `bootstrap=${cluster().bootstrapServers.join(',')}`, `workspace=${dir}`]);
    expect(report).toContain('✓ 1 A producer');
    expect(report).toContain('    ✓ topic sample exists with 1 partition');
    expect(report).toContain('✗ 2 A consumer');
    expect(report).toContain('    ✗ group sample-readers has committed no offsets on sample');
    expect(report).toContain('        saw:      no committed offsets');
    expect(report).toContain('✗ 7 A FileWriter');
    expect(report).toContain('1 of 7 steps pass');
    for (const line of report) {
      expect(line.length).toBeLessThanOrEqual(80);
      expect(line).not.toMatch(/\x1b\[/); // NO_COLOR (and no terminal): no escape codes
    }

    const one = runCli(['check', 'producer-consumer', '--workspace', dir, '--step', 'produce', '--json']);
    expect((await one.exit(60_000)).code).toBe(0);
    const json = JSON.parse(one.stdout.join('\n')) as { passed: boolean; steps: { id: string; passed: boolean; checks: { status: string }[] }[] };
    expect(json.passed).toBe(true);
    expect(json.steps).toEqual([{ id: 'produce', title: 'A producer', passed: true, checks: [expect.objectContaining({ status: 'pass' }), expect.objectContaining({ status: 'pass' })] }]);
  });

  it('exits 2 and says so when the cluster cannot be reached', async () => {
    const cli = runCli(['check', 'producer-consumer', '--bootstrap', '127.0.0.1:1', '--workspace', temporaryDir('workspace')]);
    expect((await cli.exit(60_000)).code).toBe(2);
    expect(cli.stdout).toContain('✗ cannot reach the cluster at 127.0.0.1:1: Connection error: connect ECONNREFUSED 127.0.0.1:1');
    expect(cli.stdout).toContain('Nothing was checked. Is the cluster running? (kafka-lab lab, or kafka-lab broker)');
  });

  it('refuses an unknown lab or step in one line', async () => {
    const lab = runCli(['check', 'avr']);
    expect((await lab.exit()).code).toBe(1);
    expect(lab.stderr.filter(Boolean)).toEqual(['error: no lab "avr" (did you mean "avro"?); labs: producer-consumer, avro, consumer-groups, delivery-semantics, pipelines, transaction-verifier']);
    const step = runCli(['check', 'avro', '--step', 'nope']);
    expect((await step.exit()).code).toBe(1);
    expect(step.stderr.filter(Boolean)).toEqual(['error: lab avro has no step "nope"; steps: encode, sizes, kafka, evolve-add, evolve-remove']);
  });
});

describe('kafka-lab lab', () => {
  it('needs a terminal, and says what to use instead', async () => {
    for (const args of [[], ['lab', 'avro']]) {
      const cli = runCli(args);
      expect((await cli.exit()).code).toBe(1);
      expect(cli.stderr.filter(Boolean)).toEqual(['error: the labs need a terminal (stdin and stdout); for scripts use `kafka-lab check <lab>`']);
    }
  });

  it('refuses a word that is no command instead of opening the menu', async () => {
    const cli = runCli(['labz']);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stderr.filter(Boolean)).toEqual(["error: unknown command 'labz'; see kafka-lab --help"]);
  });
});

describe('the cluster a lab runs against', () => {
  it('is the one already answering on the lab\'s port, or an error when something else holds the port', async () => {
    const running = await startCluster({ port: 0 });
    const port = Number(running.bootstrapServers[0].split(':')[1]);
    const lab = await openLabCluster({ settings: DEFAULT_CLUSTER, port });
    expect(lab).toMatchObject({ origin: 'already-running', bootstrapServers: [`127.0.0.1:${port}`], description: `the cluster already running on port ${port}` });
    expect(lab.embedded).toBeUndefined();
    await lab.stop();
    expect(running.describe().brokers[0].state).toBe('up'); // not ours to stop
    await running.stop();

    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    await expect(openLabCluster({ settings: DEFAULT_CLUSTER, port: taken })).rejects.toThrow(
      `port ${taken} on 127.0.0.1 is taken by something that does not answer as Kafka; choose another with --port (0 for a free one)`,
    );
    squatter.close();
  });

  it('is an embedded one otherwise, with the lab\'s settings, stopped with the lab', async () => {
    const lab = await openLabCluster({ settings: { ...DEFAULT_CLUSTER, brokers: 2, groupMinSessionTimeoutMs: 1000 }, port: 0 });
    expect(lab.origin).toBe('embedded');
    expect(lab.bootstrapServers).toHaveLength(2);
    expect(lab.description).toBe('embedded cluster, 2 brokers');
    const admin = kafkaFor(lab.embedded!).admin();
    await admin.connect();
    const { resources } = await admin.describeConfigs({ resources: [{ type: 4, name: '1', configNames: ['group.min.session.timeout.ms'] }], includeSynonyms: false });
    await admin.disconnect();
    expect(resources[0].configEntries.map((e) => e.configValue)).toEqual(['1000']);
    await lab.stop();
  });
});
