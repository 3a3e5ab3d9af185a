// The chaos screen over a real embedded cluster: what it shows (brokers, partitions with their
// replicas, groups with lag, the event feed) in 80 columns without colour, what its keys do to the
// cluster, that a connected client keeps working meanwhile, and the real command in a terminal.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Kafka, logLevel, Partitioners, type Consumer } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../../simulator/index.ts';
import { describeWithClient } from '../../simulator/test/support/external-clients.ts';
import { eventually, kafkaFor } from '../../simulator/test/support/cluster.ts';
import { ChaosScreen } from '../ui/chaos/ChaosScreen.tsx';
import { ThemeContext, themeFor } from '../ui/theme.ts';
import { CLI_SHELL } from './support/cli.ts';
import { findTmux } from './support/clients.ts';
import { temporaryDir } from './support/tiny-lab.ts';

const plain = themeFor({ NO_COLOR: '1' });
const stoppable: { stop(): Promise<void> }[] = [];
const consumers: Consumer[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  await Promise.all(stoppable.splice(0).map((s) => s.stop()));
});

async function clusterWithTraffic(): Promise<{ cluster: ClusterHandle; kafka: Kafka }> {
  const cluster = await startCluster({ brokers: 3, seed: 11, groupInitialRebalanceDelayMs: 0, offsetsTopicPartitions: 3, replicaLagTimeMaxMs: 300 });
  stoppable.push(cluster);
  cluster.createTopic({ name: 'orders', partitions: 2, replicationFactor: 3 });
  const kafka = kafkaFor(cluster, { retry: { retries: 8, initialRetryTime: 50 } });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: 'orders', acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, value: `order-${i}` })) });
  await producer.disconnect();
  return { cluster, kafka };
}

function show(cluster: ClusterHandle, { height = 40, onQuit = () => {}, scenarioPath }: { height?: number; onQuit?: () => void; scenarioPath?: string } = {}) {
  return render(
    <ThemeContext.Provider value={plain}>
      <ChaosScreen cluster={cluster} bootstrap={cluster.bootstrapServers.join(',')} width={80} height={height} refreshMs={50} scenarioPath={scenarioPath} onQuit={onQuit} />
    </ThemeContext.Provider>,
  );
}

type Screen = ReturnType<typeof show>;
const frameOf = (screen: Screen) => screen.lastFrame() ?? '';
const until = (screen: Screen, what: string | RegExp) =>
  eventually(() => (typeof what === 'string' ? frameOf(screen).includes(what) : what.test(frameOf(screen))), `the screen to show ${what}`, 30_000).catch((error: Error) => {
    throw new Error(`${error.message}; it shows:\n${frameOf(screen)}`);
  });
const brokerState = (cluster: ClusterHandle, id: number) => cluster.describe().brokers.find((b) => b.id === id)!.state;

describe('the chaos screen', () => {
  it('shows brokers, each partition\'s leader, ISR, high watermark and replica logs, groups with lag, and events, in 80 columns', async () => {
    const { cluster, kafka } = await clusterWithTraffic();
    const consumer = kafka.consumer({ groupId: 'billing', maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    let read = 0;
    await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void read++ });
    await eventually(() => read === 10, 'the consumer to read all ten orders');

    const screen = show(cluster);
    await until(screen, /group billing Stable · generation 1 · coordinator \d · lag 0/);
    const frame = frameOf(screen);
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(frame.split('\n').length).toBeLessThanOrEqual(40);
    expect(frame).not.toContain('\x1b[');
    expect(frame).toContain(`bootstrap=${cluster.bootstrapServers.join(',')}`);
    expect(frame).toMatch(/Brokers ▸1 up controller {3}2 up {3}3 up/);
    expect(frame).toContain('Network all links up');
    const [p0] = cluster.describe().topics.find((t) => t.name === 'orders')!.partitions;
    expect(frame).toContain(`orders[0] leader ${p0.leader} · epoch 0 · ISR ${p0.isr.join(',')} · hw 5 · leo 5`);
    expect(frame).toMatch(new RegExp(`★${p0.leader} █{10} 5`));
    expect(frame).not.toContain('__consumer_offsets');
    expect(frame).toMatch(/group billing Stable · generation 1 · coordinator \d · lag 0/);
    expect(frame).toMatch(/kafka-lab-test orders\[0,1\]/);
    expect(frame).toContain('topic orders created: 2 partitions, replication factor 3');
    expect(frame).toContain('group billing generation 1: 1 member');
    expect(frame).toContain('keys act on broker 1; 1-3 picks another');
    expect(frame).toContain('k kill  r restart  p pause  s split  c cut clients  h heal  l scenario  q quit');
  }, 60_000);

  it('kills, restarts, pauses and splits the selected broker, while a connected producer keeps writing', async () => {
    const { cluster, kafka } = await clusterWithTraffic();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const screen = show(cluster);
    await until(screen, 'orders[1]');
    const leader = cluster.describe().topics.find((t) => t.name === 'orders')!.partitions[0].leader;

    screen.stdin.write(String(leader));
    await until(screen, new RegExp(`▸${leader} up`));
    screen.stdin.write('k');
    await eventually(() => brokerState(cluster, leader) === 'down', 'the broker to be killed');
    await until(screen, `broker ${leader} killed`);
    await until(screen, new RegExp(`▸${leader} down`));
    await until(screen, new RegExp(`orders\\[0\\] leader ${leader} → \\d \\(leader failed, epoch 1\\)`));
    const [written] = await producer.send({ topic: 'orders', acks: -1, messages: [{ partition: 0, value: 'while broker is down' }] });
    expect(written.errorCode).toBe(0);
    await until(screen, /orders\[0\] leader \d · epoch 1 · ISR \d,\d · hw 6 · leo 6/);

    screen.stdin.write('r');
    await eventually(() => brokerState(cluster, leader) === 'up', 'the broker to restart');
    await until(screen, `broker ${leader} running`);
    screen.stdin.write('p');
    await eventually(() => brokerState(cluster, leader) === 'paused', 'the broker to pause');
    await until(screen, new RegExp(`▸${leader} paused`));
    screen.stdin.write('p');
    await eventually(() => brokerState(cluster, leader) === 'up', 'the broker to resume');

    screen.stdin.write('s');
    const others = [1, 2, 3].filter((id) => id !== leader);
    await until(screen, `broker ${leader} cut off from brokers ${others.join(',')}`);
    expect(cluster.describe().network.cut).toHaveLength(2);
    await until(screen, new RegExp(`Network cut ${others.map((o) => `${Math.min(o, leader)}–${Math.max(o, leader)}`).join(', ')}`));
    screen.stdin.write('h');
    await until(screen, 'Network all links up');
    screen.stdin.write('c');
    await until(screen, `Network cut clients–${leader}`);
    screen.stdin.write('h');
    await until(screen, 'network healed');

    const [after] = await producer.send({ topic: 'orders', acks: -1, messages: [{ partition: 1, value: 'after the faults' }] });
    expect(after.errorCode).toBe(0);
    await producer.disconnect();
  }, 60_000);

  it('loads a scenario file from the prompt and tells each step as it fires', async () => {
    const { cluster } = await clusterWithTraffic();
    const file = path.join(temporaryDir('scenario'), 'chaos.json');
    fs.writeFileSync(file, JSON.stringify({ seed: 3, steps: [{ at: '0ms', kill: 3 }, { at: '50ms', restart: 3 }] }));
    const screen = show(cluster, { scenarioPath: path.dirname(file) });
    await until(screen, 'orders[1]');

    screen.stdin.write('l');
    await until(screen, `scenario file: ${path.dirname(file)}█`);
    expect(frameOf(screen)).toContain('Enter load  Esc cancel');
    screen.stdin.write('/chaos.jsonx');
    screen.stdin.write('\x7f'); // backspace
    await until(screen, `scenario file: ${file}█`);
    screen.stdin.write('\r');
    await until(screen, 'scenario finished: 2 steps, seed 3');
    expect(frameOf(screen)).toContain('broker 3 killed');
    expect(frameOf(screen)).toContain('broker 3 restarted');
    expect(brokerState(cluster, 3)).toBe('up');

    screen.stdin.write('l');
    await until(screen, 'scenario file:');
    for (let i = 0; i < file.length; i++) screen.stdin.write('\x7f');
    screen.stdin.write('missing.json');
    screen.stdin.write('\r');
    await until(screen, /cannot load missing\.json: ENOENT/);
  }, 60_000);

  it('keeps the cluster\'s events in its feed while a client floods the cluster with requests', async () => {
    const { cluster, kafka } = await clusterWithTraffic();
    const screen = show(cluster);
    await until(screen, 'orders[1]');
    screen.stdin.write('3k');
    await until(screen, 'broker 3 killed');
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    // Requests, ten to a partition at a time, until the cluster's recent-events memory (500) has
    // forgotten the kill: the feed must still show it.
    let perPartition = 0;
    while (cluster.events.recent().some((e) => e.type === 'broker-state-changed')) {
      expect(perPartition, 'sends before the kill left the recent events').toBeLessThan(500);
      const wave = [0, 1].flatMap((partition) => Array.from({ length: 10 }, (_, i) => ({ partition, value: `flood-${perPartition + i}` })));
      await Promise.all(wave.map((message) => producer.send({ topic: 'orders', messages: [message] })));
      perPartition += 10;
    }
    await producer.disconnect();
    await until(screen, new RegExp(`orders\\[0\\] leader \\d · epoch \\d+ · ISR [\\d,]+ · hw ${5 + perPartition} · leo ${5 + perPartition}`));
    await until(screen, new RegExp(`orders\\[1\\] leader \\d · epoch \\d+ · ISR [\\d,]+ · hw ${5 + perPartition} · leo ${5 + perPartition}`));
    expect(frameOf(screen)).toMatch(/\d\d:\d\d:\d\d broker 3 killed/);
    expect(frameOf(screen)).toContain('topic orders created');
  }, 60_000);

  it('fits a short terminal by leaving out what does not fit, and q quits', async () => {
    const { cluster } = await clusterWithTraffic();
    let quit = false;
    const screen = show(cluster, { height: 16, onQuit: () => void (quit = true) });
    await until(screen, 'orders[0]');
    expect(frameOf(screen).split('\n').length).toBeLessThanOrEqual(16);
    expect(frameOf(screen)).toMatch(/… \d+ more lines/);
    screen.stdin.write('q');
    await eventually(() => quit, 'q to quit');
  }, 60_000);
});

const exec = promisify(execFile);

describeWithClient(findTmux(), 'kafka-lab chaos in a terminal', (tmuxCommand) => {
  it('prints the bootstrap line, keeps a student\'s producer connected through a kill, and Ctrl-C gives the terminal back', async () => {
    const socket = ['-S', path.join(temporaryDir('tmux'), 'socket')];
    const run = (...args: string[]) => exec(tmuxCommand, [...socket, ...args], { encoding: 'utf8' });
    const screen = async () => (await run('capture-pane', '-p', '-t', 'chaos')).stdout;
    const shows = (pattern: RegExp) =>
      eventually(async () => pattern.exec(await screen()), `the terminal to show ${pattern}`, 30_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await screen()}`);
      });
    const shell = `NO_COLOR=1 ${CLI_SHELL} chaos --port 0 --seed 4; echo "[kafka-lab exited $?]"; sleep 600`;
    await run('-u', 'new-session', '-d', '-s', 'chaos', '-x', '80', '-y', '30', shell);
    try {
      const [, bootstrap] = await shows(/bootstrap=(127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+)/);
      const kafka = new Kafka({ brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50 } });
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic: 'student', acks: -1, messages: [{ value: 'before' }] });
      await shows(/student\[0\] leader (\d)/);
      const [, leader] = await shows(/student\[0\] leader (\d)/);
      await run('send-keys', '-t', 'chaos', leader, 'k');
      await shows(new RegExp(`broker ${leader} killed`));
      await producer.send({ topic: 'student', acks: -1, messages: [{ value: 'after' }] });
      await shows(/student\[0\] leader \d · epoch 1 · ISR \d,\d · hw 2 · leo 2/);
      await producer.disconnect();

      await run('send-keys', '-t', 'chaos', 'C-c');
      await shows(/\[kafka-lab exited (\d+)\]/);
      const after = await screen();
      expect(after).toContain('[kafka-lab exited 0]');
      expect(after).toContain('kafka-lab: chaos over, cluster stopped');
      expect(after).toContain(`bootstrap=${bootstrap}`); // the line printed before the screen opened
      expect(after).not.toContain('k kill'); // the alternate screen is gone
    } finally {
      await run('kill-server').catch(() => {});
    }
  }, 90_000);
});
