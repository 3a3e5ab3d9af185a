// Faults inside a lab step: declared in lab.json in the scenario format of `kafka-lab broker
// --scenario`, armed when the step opens, started by their trigger, fired at the embedded cluster,
// the same timeline for the same seed, shown in the live panel as they fire, and armed again for
// the student's next attempt when the step did not pass.

import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startCluster, type ClusterHandle } from '../../simulator/index.ts';
import { openCheckContext, runStep } from '../engine/check-runner.ts';
import { loadLab } from '../engine/load.ts';
import { watchStep } from '../engine/open-session.ts';
import type { StepRun } from '../engine/step-run.ts';
import { liveLines } from '../ui/LivePanel.tsx';
import { introspectionSource } from '../engine/live.ts';
import { lineText } from '../ui/chaos/picture.ts';
import { eventually } from '../../simulator/test/support/cluster.ts';
import { writeLab } from './support/tiny-lab.ts';

const running: { stop(): unknown }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

/** A one-step lab whose faults start once `ledger` gets 5 records: a kill by role, a random burst, a restart. */
function faultyLab(scenarioSeed?: number) {
  const { labDir } = writeLab(
    'faulty',
    {
      id: 'faulty',
      title: 'Faulty',
      summary: 'Faults in a step.',
      cluster: { brokers: 3, replicationFactor: 3, seed: 11 },
      steps: [
        {
          id: 'survive',
          title: 'Survive',
          text: 'steps/1.md',
          live: { topics: ['ledger'] },
          faults: {
            when: { topic: 'ledger', records: 5 },
            scenario: {
              ...(scenarioSeed !== undefined && { seed: scenarioSeed }),
              steps: [
                { at: '0ms', kill: 'follower of ledger[0]' },
                { at: '50ms', random: { count: 3, kinds: ['pause', 'resume', 'split', 'heal'], within: '200ms' } },
                { at: '400ms', heal: true },
                { at: '400ms', restart: 'follower of ledger[0]' },
              ],
            },
          },
          checks: [{ type: 'faults-done' }, { type: 'topic-exists', topic: 'ledger' }],
        },
      ],
    },
    { 'steps/1.md': 'Write to ledger.' },
  );
  return loadLab(labDir);
}

async function labCluster(): Promise<ClusterHandle> {
  const cluster = await startCluster({ brokers: 3, defaultReplicationFactor: 3, seed: 11, groupInitialRebalanceDelayMs: 0, port: 0 });
  running.push(cluster);
  return cluster;
}

async function produce(cluster: ClusterHandle, count: number) {
  const producer = new Kafka({ brokers: cluster.bootstrapServers, logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < count; i++) await producer.send({ topic: 'ledger', acks: 1, messages: [{ value: `entry-${i}` }] });
  await producer.disconnect();
}

/** Arms the step, writes enough to trigger it, and waits for the faults to finish. */
async function runFaults(scenarioSeed?: number): Promise<{ cluster: ClusterHandle; watch: StepRun; texts: string[] }> {
  const lab = faultyLab(scenarioSeed);
  const cluster = await labCluster();
  cluster.createTopic({ name: 'ledger', partitions: 1, replicationFactor: 3 });
  const watch = watchStep(cluster, lab, lab.steps[0]);
  running.push(watch);
  expect(watch.faults).toMatchObject({ state: 'waiting', trigger: 'when ledger gets 5 new records', completed: 0 });
  await produce(cluster, 6);
  await eventually(() => watch.faults!.completed === 1, 'the faults to run to the end', 15_000);
  return { cluster, watch, texts: watch.faults!.timeline.map((e) => `${e.text}: ${e.outcome}`) };
}

describe('faults inside a step', () => {
  it('start on their trigger, resolve roles, and fire every fault; faults-done passes once they have', async () => {
    const { cluster, watch, texts } = await runFaults();
    const follower = cluster.describe().topics.find((t) => t.name === 'ledger')!.partitions[0].replicas[1];
    expect(texts[0]).toBe(`kill broker ${follower} (follower of ledger[0]): done`);
    expect(texts.at(-1)).toBe(`restart broker ${follower} (follower of ledger[0]): done`);
    expect(watch.faults!.seed).toBe(11); // the lab cluster's seed, as the scenario has none
    expect(cluster.describe().brokers.every((b) => b.state === 'up')).toBe(true);

    const context = openCheckContext({ bootstrapServers: cluster.bootstrapServers, workspaceDir: '.', introspection: cluster });
    running.push({ stop: () => context.close() });
    context.step = watch;
    const result = await runStep(faultyLab().steps[0], context);
    expect(result.results[0]).toMatchObject({ status: 'pass' });
    expect(result.results[0].summary).toContain(`kill broker ${follower} (follower of ledger[0])`);
  });

  it('plan the same timeline for the same seed, random faults included, and another for another seed', async () => {
    const first = await runFaults();
    const second = await runFaults();
    expect(second.texts).toEqual(first.texts);
    expect(first.texts.length).toBeGreaterThan(3); // the random burst drew faults
    const other = await runFaults(12345);
    expect(other.watch.faults!.seed).toBe(12345);
    expect(other.texts.slice(1, -2)).not.toEqual(first.texts.slice(1, -2));
  });

  it('show on the live panel as they fire, with the brokers and replicas they hit, in 80 columns', async () => {
    const lab = faultyLab();
    const cluster = await labCluster();
    cluster.createTopic({ name: 'ledger', partitions: 1, replicationFactor: 3 });
    const watch = watchStep(cluster, lab, lab.steps[0]);
    running.push(watch);
    const picture = async () => {
      const lines = liveLines({ ...(await introspectionSource(cluster).picture(lab.steps[0].live)), faults: watch.faults }, lab.steps[0].live, 80);
      return lines.map(lineText);
    };
    const waiting = await picture();
    expect(waiting[0]).toBe('Faults seed 11 · waiting: they start when ledger gets 5 new records');
    expect(waiting[1]).toMatch(/^ {2}· \+0ms +kill broker \d \(follower of ledger\[0\]\)/);
    await produce(cluster, 6);
    await eventually(async () => (await picture()).some((l) => /^ {2}✓ \+0ms +kill broker \d/.test(l)), 'the kill to show as fired', 15_000);
    await eventually(() => watch.faults!.completed === 1, 'the faults to finish', 15_000);
    const done = await picture();
    expect(done[0]).toBe('Faults seed 11 · done');
    expect(done.some((l) => l.startsWith('Brokers '))).toBe(true);
    expect(done.some((l) => /^ledger\[0\] leader \d · epoch \d+ · ISR/.test(l))).toBe(true);
    for (const line of done) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('arm again for the next attempt when the step did not pass, and not once it has', async () => {
    const lab = faultyLab();
    const cluster = await labCluster();
    cluster.createTopic({ name: 'ledger', partitions: 1, replicationFactor: 3 });
    const { StepRun } = await import('../engine/step-run.ts');
    const watch = new StepRun(cluster, lab.steps[0], { seed: 11, rearmAfterMs: 100 });
    running.push(watch);
    await produce(cluster, 6);
    await eventually(() => watch.faults!.completed === 1 && watch.faults!.state === 'waiting', 'the faults to be armed again', 15_000);
    await produce(cluster, 6);
    await eventually(() => watch.faults!.completed === 2, 'a second run', 15_000);
    await watch.finish();
    await produce(cluster, 6);
    expect(watch.faults!.completed).toBe(2);
    expect(watch.faults!.state).toBe('done');
  });
});
