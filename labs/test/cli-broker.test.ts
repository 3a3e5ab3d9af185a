import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { fetchMessages } from '../../simulator/test/support/kafkajs-fetch.ts';
import { RawConnection } from '../../simulator/net/raw-connection.ts';
import { runCli } from './support/cli.ts';

const kafkaAt = (brokers: string[]) => new Kafka({ brokers, clientId: 'cli-test', logLevel: logLevel.NOTHING, retry: { retries: 2 } });

async function produce(brokers: string[], topic: string, values: string[]): Promise<void> {
  const producer = kafkaAt(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value })) });
  } finally {
    await producer.disconnect();
  }
}

const readValues = async (brokers: string[], topic: string, count: number) =>
  (await fetchMessages(kafkaAt(brokers), topic, 0, { count })).map((m) => m.value?.toString());

/** The non-empty lines a process wrote to stderr. */
const stderrLines = (lines: string[]) => lines.filter((l) => l.trim() !== '');

const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('kafka-lab broker', () => {
  it('prints only the bootstrap line, serves kafkajs, and exits 0 on SIGINT', async () => {
    const cli = runCli(['broker', '--brokers', '2', '--port', '0']);
    const brokers = await cli.bootstrap();
    expect(brokers).toHaveLength(2);
    for (const address of brokers) expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new Set(brokers).size).toBe(2);

    await produce(brokers, 'sample', ['one', 'two', 'three']);
    expect(await readValues(brokers, 'sample', 3)).toEqual(['one', 'two', 'three']);

    cli.kill('SIGINT');
    expect(await cli.exit()).toEqual({ code: 0, signal: null });
    expect(cli.stdout).toEqual([`bootstrap=${brokers.join(',')}`]);
    expect(cli.stderr.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('stops cleanly and exits 0 on SIGTERM', async () => {
    const cli = runCli(['broker', '--brokers', '1', '--port', '0']);
    const brokers = await cli.bootstrap();
    await produce(brokers, 'before-sigterm', ['x']);
    cli.kill('SIGTERM');
    expect(await cli.exit()).toEqual({ code: 0, signal: null });
  });

  it('listens on consecutive ports from --port, one per broker', async () => {
    const first = await freePortPair();
    const cli = runCli(['broker', '--brokers', '2', '--port', String(first)]);
    expect(await cli.bootstrap()).toEqual([`127.0.0.1:${first}`, `127.0.0.1:${first + 1}`]);
  });

  it('lays brokers out as a docker-compose file does: --first-node-id 0, --advertised-host localhost, --ports', async () => {
    const [a, b] = [await freePortPair(), await freePortPair()];
    const cli = runCli(['broker', '--first-node-id', '0', '--advertised-host', 'localhost', '--ports', `${a},${b + 1}`, '--group-initial-rebalance-delay-ms', '0']);
    const brokers = await cli.bootstrap();
    expect(brokers).toEqual([`localhost:${a}`, `localhost:${b + 1}`]);
    const admin = kafkaAt(brokers).admin();
    await admin.connect();
    try {
      const { brokers: listed } = await admin.describeCluster();
      expect(listed.map((x) => [x.nodeId, x.host, x.port]).sort()).toEqual([[0, 'localhost', a], [1, 'localhost', b + 1]]);
      const { resources } = await admin.describeConfigs({ resources: [{ type: 4, name: '1', configNames: ['group.initial.rebalance.delay.ms', 'node.id'] }], includeSynonyms: false });
      expect(Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ 'group.initial.rebalance.delay.ms': '0', 'node.id': '1' });
    } finally {
      await admin.disconnect();
    }
    expect(stderrLines(cli.stderr).join('\n')).toContain('2 brokers (ids 0-1) ready');
  });

  it('keeps Kafka\'s 3 s group.initial.rebalance.delay.ms by default', async () => {
    const cli = runCli(['broker', '--brokers', '1', '--port', '0']);
    const admin = kafkaAt(await cli.bootstrap()).admin();
    await admin.connect();
    const { resources } = await admin.describeConfigs({ resources: [{ type: 4, name: '1', configNames: ['group.initial.rebalance.delay.ms'] }], includeSynonyms: false });
    await admin.disconnect();
    expect(resources[0].configEntries.map((e) => e.configValue)).toEqual(['3000']);
  });

  it('closes connections past --max-connections-per-ip, and idle ones after --connections-max-idle-ms', async () => {
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--max-connections-per-ip', '1', '--connections-max-idle-ms', '500', '--trace']);
    const [address] = await cli.bootstrap();
    const first = await RawConnection.open(address);
    const second = await RawConnection.open(address);
    expect(await second.next()).toBeNull();
    await cli.line(/rejected +#\d+ closed: too many connections from 127\.0\.0/);
    expect(await first.next(10_000)).toBeNull(); // idle: closed by the broker
    await cli.line(/closed: idle for more than 500 ms/);
    first.destroy();
    second.destroy();
  });

  it('closes a connection whose size prefix passes --socket-request-max-bytes, and refuses a batch inflating past --max-decompressed-batch-bytes', async () => {
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--socket-request-max-bytes', '1000000', '--max-decompressed-batch-bytes', '1048576', '--trace']);
    const brokers = await cli.bootstrap();
    const raw = await RawConnection.open(brokers[0]);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(2_000_000, 0);
    raw.send(prefix);
    expect(await raw.next()).toBeNull();
    raw.destroy();
    await cli.line(/rejected +#\d+ closed: Invalid receive \(size = 2000000 la/); // the trace line is cut at 80 columns

    const producer = kafkaAt(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 0 } });
    await producer.connect();
    try {
      // 2 MB of one letter weighs a few KB gzipped: only inflating it shows what it is.
      await expect(producer.send({ topic: 'inflated', compression: CompressionTypes.GZIP, messages: [{ value: Buffer.alloc(2_000_000, 'a') }] })).rejects.toMatchObject({ type: 'RECORD_LIST_TOO_LARGE' });
      await producer.send({ topic: 'inflated', compression: CompressionTypes.GZIP, messages: [{ value: Buffer.alloc(500_000, 'b') }] });
    } finally {
      await producer.disconnect();
    }
    expect((await fetchMessages(kafkaAt(brokers), 'inflated', 0)).map((m) => m.value?.length)).toEqual([500_000]);
  });

  it('sets the group session limits from --group-min-session-timeout-ms and --group-max-session-timeout-ms', async () => {
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--group-min-session-timeout-ms', '1000', '--group-max-session-timeout-ms', '60000']);
    const admin = kafkaAt(await cli.bootstrap()).admin();
    await admin.connect();
    const { resources } = await admin.describeConfigs({ resources: [{ type: 4, name: '1', configNames: ['group.min.session.timeout.ms', 'group.max.session.timeout.ms'] }], includeSynonyms: false });
    await admin.disconnect();
    expect(Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e.configValue]))).toEqual({ 'group.min.session.timeout.ms': '1000', 'group.max.session.timeout.ms': '60000' });
  });

  it('refuses a minimum session timeout above the maximum', async () => {
    const cli = runCli(['broker', '--port', '0', '--group-min-session-timeout-ms', '7000', '--group-max-session-timeout-ms', '6500']);
    expect((await cli.exit()).code).toBe(1);
    expect(stderrLines(cli.stderr)).toEqual(['error: --group-min-session-timeout-ms 7000 is above --group-max-session-timeout-ms 6500: no consumer could join a group']);
  });

  it('refuses to listen on every interface without an --advertised-host', async () => {
    const cli = runCli(['broker', '--listen-host', '0.0.0.0', '--port', '0']);
    expect((await cli.exit()).code).toBe(1);
    const errors = stderrLines(cli.stderr);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: --listen-host 0\.0\.0\.0 .*--advertised-host/);
  });

  it('refuses a port that is taken with a one-line error and exit code 1', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const cli = runCli(['broker', '--brokers', '1', '--port', String(port)]);
      expect((await cli.exit()).code).toBe(1);
      expect(cli.stdout).toEqual([]);
      const errors = stderrLines(cli.stderr);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(`port ${port}`);
      expect(errors[0]).toContain('already in use');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it.each([
    ['--brokers', '0'],
    ['--brokers', '17'],
    ['--brokers', 'two'],
    ['--brokers', '2.5'],
    ['--port', '65536'],
    ['--port', '-1'],
    ['--partitions', '0'],
    ['--seed', 'abc'],
    ['--port', '65535', '--brokers', '2'],
    ['--ports', '9092,x'],
    ['--ports', '9092,,9093'],
    ['--ports', '0,0', '--brokers', '3'],
    ['--ports', '9092,9092'],
    ['--port', '9093', '--ports', '9092'],
    ['--first-node-id', '-1'],
    ['--listen-host', '127.0.0.1:9092'],
    ['--advertised-host', 'local host'],
    ['--group-initial-rebalance-delay-ms', 'soon'],
    ['--max-connections-per-ip', '-1'],
    ['--connections-max-idle-ms', '0'],
    ['--queued-max-request-bytes', '1000'],
    ['--socket-request-max-bytes', '0'],
    ['--max-decompressed-batch-bytes', '268435457'],
    ['--group-min-session-timeout-ms', '0'],
    ['--group-max-session-timeout-ms', '30s'],
    ['--frobnicate'],
    ['--port'],
  ])('rejects `broker %s %s` with a one-line error naming the flag and exit code 1', async (...args: string[]) => {
    const cli = runCli(['broker', ...args]);
    expect((await cli.exit()).code).toBe(1);
    expect(cli.stdout).toEqual([]);
    const errors = stderrLines(cli.stderr);
    expect(errors, cli.stderr.join('\n')).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: /);
    expect(errors[0]).toContain(args[0].startsWith('--frob') ? '--frobnicate' : args[0]);
  });

  it('explains every flag, with examples, in --help', async () => {
    const cli = runCli(['broker', '--help']);
    expect((await cli.exit()).code).toBe(0);
    const help = cli.stdout.join('\n');
    for (const flag of ['--brokers', '--port', '--ports', '--first-node-id', '--listen-host', '--advertised-host', '--group-initial-rebalance-delay-ms', '--group-min-session-timeout-ms', '--group-max-session-timeout-ms', '--max-connections-per-ip', '--max-connections', '--connections-max-idle-ms', '--queued-max-request-bytes', '--socket-request-max-bytes', '--max-decompressed-batch-bytes', '--data-dir', '--in-memory', '--log-cache-mb', '--trace', '--seed', '--no-auto-create-topics', '--partitions', '--help']) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('Examples:');
    expect(help).toContain('kafka-lab broker --data-dir');
  });

  it('lists the broker command, with examples, in the top-level --help', async () => {
    const cli = runCli(['--help']);
    expect((await cli.exit()).code).toBe(0);
    const help = cli.stdout.join('\n');
    expect(help).toMatch(/^Usage: kafka-lab/);
    expect(help).toMatch(/\n\s+broker \[options\]\s+\S/);
    expect(help).toContain('Examples:');
  });

  it('prints a line per request naming the broker, client, API and topic with --trace', async () => {
    const cli = runCli(['broker', '--brokers', '1', '--port', '0', '--trace']);
    const brokers = await cli.bootstrap();
    await produce(brokers, 'traced', ['hello']);

    await cli.line(/^b1 +cli-test +ApiVersions v\d+ .* NONE (\d\.\d|\d+)ms$/);
    await cli.line(/^b1 +cli-test +Metadata v\d+ +traced\b/);
    await cli.line(/^b1 +cli-test +Produce v\d+ +traced\[0\] acks=-1 +NONE (\d\.\d|\d+)ms$/);
    await cli.line(/^b1 +- +connected +#\d+ 127\.0\.0\.1:\d+$/);
    await cli.line(/^b1 +cli-test +disconnected +#\d+ 127\.0\.0\.1:\d+$/);
    expect(cli.stdout[0]).toMatch(/^bootstrap=/);
    for (const line of cli.stdout) expect(line.length).toBeLessThanOrEqual(80);
    expect(cli.stdout.join('\n')).not.toContain('\x1b[');
  });

  it('creates topics with --partitions partitions, and none at all with --no-auto-create-topics', async () => {
    const creating = runCli(['broker', '--brokers', '1', '--port', '0', '--partitions', '3']);
    const brokers = await creating.bootstrap();
    await produce(brokers, 'three-ways', ['a']);
    const admin = kafkaAt(brokers).admin();
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: ['three-ways'] });
    await admin.disconnect();
    expect(topics[0].partitions).toHaveLength(3);

    const refusing = runCli(['broker', '--brokers', '1', '--port', '0', '--no-auto-create-topics', '--trace']);
    const refusingBrokers = await refusing.bootstrap();
    await expect(produce(refusingBrokers, 'not-there', ['a'])).rejects.toThrow();
    await refusing.line(/Metadata v\d+ +not-there +UNKNOWN_TOPIC_OR_PARTITION/);
    expect(refusing.stdout.some((l) => l.includes('topic created'))).toBe(false);
  });

  it('keeps topics and records across a restart with --data-dir, creating the directory', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-cli-'));
    temporaryDirs.push(root);
    const dataDir = path.join(root, 'nested', 'data');

    const first = runCli(['broker', '--brokers', '2', '--port', '0', '--data-dir', dataDir]);
    const values = Array.from({ length: 10 }, (_, i) => `kept-${i}`);
    await produce(await first.bootstrap(), 'durable', values);
    first.kill('SIGINT');
    expect((await first.exit()).code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'cluster.json'))).toBe(true);

    const second = runCli(['broker', '--brokers', '2', '--port', '0', '--data-dir', dataDir]);
    const brokers = await second.bootstrap();
    expect(await readValues(brokers, 'durable', 10)).toEqual(values);
    await produce(brokers, 'durable', ['after-restart']);
    const all = await fetchMessages(kafkaAt(brokers), 'durable', 0, { count: 11 });
    expect(all.map((m) => [Number(m.offset), m.value?.toString()]).at(-1)).toEqual([10, 'after-restart']);
  });

  it('says where the data lives: a temporary folder by default, memory with --in-memory; both with --data-dir is refused', async () => {
    const temporary = runCli(['broker', '--brokers', '1', '--port', '0']);
    await temporary.bootstrap();
    temporary.kill('SIGINT');
    expect((await temporary.exit()).code).toBe(0);
    expect(temporary.stderr.join('\n')).toContain('data in a temporary folder removed at exit (use --data-dir to keep it)');

    const memory = runCli(['broker', '--brokers', '1', '--port', '0', '--in-memory']);
    const brokers = await memory.bootstrap();
    await produce(brokers, 'fleeting', ['only in memory']);
    expect(await readValues(brokers, 'fleeting', 1)).toEqual(['only in memory']);
    memory.kill('SIGINT');
    expect((await memory.exit()).code).toBe(0);
    expect(memory.stderr.join('\n')).toContain('data in memory (use --data-dir to keep it)');

    const both = runCli(['broker', '--in-memory', '--data-dir', path.join(os.tmpdir(), 'kafka-lab-never-made')]);
    expect((await both.exit()).code).toBe(1);
    expect(stderrLines(both.stderr)).toEqual(['error: --in-memory and --data-dir exclude each other: a data dir is on disk']);
  });
});

/** A port whose next port is free too, found by asking the OS (nothing keeps it, so it may race). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const next = net.createServer();
    const nextFree = port < 65535 && (await new Promise<boolean>((resolve) => {
      next.once('error', () => resolve(false));
      next.listen(port + 1, '127.0.0.1', () => resolve(true));
    }));
    await new Promise((resolve) => server.close(resolve));
    if (nextFree) await new Promise((resolve) => next.close(resolve));
    if (nextFree) return port;
  }
}
