import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { eventually } from '../../simulator/test/support/cluster.ts';
import { runCli, type CliProcess } from './support/cli.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-scenario-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
function scenarioFile(text: string): string {
  const file = path.join(dir, `scenario-${++files}.json`);
  fs.writeFileSync(file, text);
  return file;
}

/** The stderr lines about the scenario, without the prefix. */
const scenarioLines = (cli: CliProcess) => cli.stderr.filter((l) => l.startsWith('kafka-lab: scenario')).map((l) => l.slice('kafka-lab: '.length));

describe('kafka-lab broker --scenario', () => {
  it('runs the scenario against the started cluster and prints each step as it fires', async () => {
    const file = scenarioFile(`{
  "seed": 4,
  "steps": [
    { "at": "0ms", "kill": 2 },
    { "at": "150ms", "restart": 2 },
    { "at": "200ms", "partition": [[1], [2]] },
    { "at": "250ms", "heal": true },
    { "at": "300ms", "rule": { "match": { "api": "Produce" }, "action": { "error": "NOT_LEADER_OR_FOLLOWER" }, "times": 1 } }
  ]
}`);
    const cli = runCli(['broker', '--brokers', '2', '--port', '0', '--scenario', file]);
    const brokers = await cli.bootstrap();
    await eventually(() => scenarioLines(cli).some((l) => l.startsWith('scenario finished')), 'the scenario to finish', 15_000);
    const lines = scenarioLines(cli);
    expect(lines[0]).toBe(`scenario ${file}: 5 step(s), seed 4 (the same seed replays the same timeline)`);
    expect(lines.slice(1, -1).map((l) => l.replace(/^scenario \+\d+\.\ds /, ''))).toEqual([
      'kill broker 2',
      'restart broker 2',
      'split [1] from [2]',
      'heal the network',
      'rule: api=Produce -> error=NOT_LEADER_OR_FOLLOWER x1',
    ]);
    expect(lines.at(-1)).toBe('scenario finished: 5 step(s) ran; the cluster keeps running. Ctrl-C stops.');

    // The cluster still serves; the rule makes the first Produce bounce, and kafkajs retries it.
    const kafka = new Kafka({ brokers, clientId: 'cli-scenario', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 5, initialRetryTime: 50 } });
    await producer.connect();
    const [acked] = await producer.send({ topic: 'after-scenario', messages: [{ value: 'x' }] });
    await producer.disconnect();
    expect(acked.errorCode).toBe(0);

    cli.kill('SIGINT');
    expect(await cli.exit()).toEqual({ code: 0, signal: null });
    expect(cli.stdout).toEqual([`bootstrap=${brokers.join(',')}`]);
  });

  it('stops a scenario still running on Ctrl-C and exits 0', async () => {
    const file = scenarioFile('{ "steps": [ { "at": "0ms", "pause": 1 }, { "at": "10m", "resume": 1 } ] }');
    const cli = runCli(['broker', '--brokers', '2', '--port', '0', '--seed', '9', '--scenario', file]);
    await cli.bootstrap();
    await eventually(() => scenarioLines(cli).some((l) => l.endsWith('pause broker 1')), 'the first step', 15_000);
    expect(scenarioLines(cli)[0]).toContain('seed 9');
    cli.kill('SIGINT');
    expect(await cli.exit()).toEqual({ code: 0, signal: null });
    expect(scenarioLines(cli).some((l) => l.includes('resume'))).toBe(false);
  });

  it('refuses a scenario with problems before starting the cluster, one line per problem with its step and line', async () => {
    const file = scenarioFile(`{
  "steps": [
    { "at": "1s", "kill": "two" },
    { "at": "later", "heal": true }
  ]
}`);
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--scenario', file]);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stdout).toEqual([]);
    expect(cli.stderr.filter((l) => l.trim() !== '')).toEqual([
      `error: ${file}: steps[0] (line 3): "kill": expected a broker id (0, 1, 2, ...) or a role like "leader of orders[0]", got "two"`,
      `error: ${file}: steps[1] (line 4): "at" must be a time after the start like "2s", "500ms" or "1m" (or a number of ms), got "later"`,
    ]);
  });

  it('refuses a scenario naming a broker the cluster does not have', async () => {
    const file = scenarioFile('{ "steps": [ { "at": "1s", "kill": 3 } ] }');
    const cli = runCli(['broker', '--brokers', '2', '--port', '0', '--scenario', file]);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stderr.filter((l) => l.trim() !== '')).toEqual([`error: ${file}: steps[0] (line 1): no broker 3; the cluster has brokers 1, 2`]);
  });

  it('refuses a scenario file that cannot be read', async () => {
    const cli = runCli(['broker', '--port', '0', '--scenario', path.join(dir, 'missing.json')]);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stderr.join('\n')).toContain('Cannot read');
  });

  it('explains --scenario and the file format in --help', async () => {
    const cli = runCli(['broker', '--help']);
    await cli.exit();
    const help = cli.stdout.join('\n');
    expect(help).toContain('--scenario <file>');
    expect(help).toContain('kafka-lab broker --scenario chaos.json');
    expect(help).toContain('"random"');
  });
});
