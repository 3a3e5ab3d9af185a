// The differential runner itself: it must report a real difference as a failure with a readable
// diff, refuse to call two identical crashes a pass, and hide only what differs between any two runs.
// Two embedded clusters stand in for the simulator and real Kafka; one auto-creates topics with one
// partition, the other with two, so the same scenario observes a genuine difference.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DifferentialRunner, describeResult, summaryLine, type Scenario } from '../conformance/index.ts';
import { embedded, type RunningBrokers } from '../providers/index.ts';

const autoCreated: Scenario = {
  name: 'auto-creation: partitions of a topic a producer creates',
  async run(ctx) {
    const topic = ctx.topic('auto');
    const producer = ctx.track(ctx.kafka().producer());
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'v' }] });
    const { topics } = await (await ctx.admin()).fetchTopicMetadata({ topics: [topic] });
    return { name: topics[0].name, partitions: topics[0].partitions.length, brokers: ctx.bootstrapServers };
  },
};

const named = (running: RunningBrokers, provider: string): RunningBrokers => ({ ...running, provider });

describe('the differential runner', () => {
  let one: RunningBrokers;
  let two: RunningBrokers;
  let twin: RunningBrokers;

  beforeAll(async () => {
    [one, two, twin] = await Promise.all([embedded.start({ numPartitions: 1 }), embedded.start({ numPartitions: 2 }), embedded.start({ numPartitions: 1 })]);
  });
  afterAll(async () => {
    await Promise.all([one, two, twin].map((r) => r?.stop()));
  });

  it('passes a scenario both clusters answer alike, with unique names and addresses normalised', async () => {
    const result = await new DifferentialRunner(named(one, 'left'), named(twin, 'right')).run(autoCreated);
    expect(result.status).toBe('passed');
    expect(result.results.left).toEqual({ name: '<auto>', partitions: 1, brokers: ['<broker-1>'] });
    expect(describeResult(result, 'left', 'right')).toMatch(/^ {2}✓ auto-creation: partitions of a topic a producer creates \(/);
  });

  it('fails a scenario the clusters answer differently and shows the differing path with both values', async () => {
    const result = await new DifferentialRunner(named(one, 'left'), named(two, 'right')).run(autoCreated);
    expect(result.status).toBe('failed');
    expect(result.differences).toEqual([{ path: '$.partitions', left: 1, right: 2 }]);
    const report = describeResult(result, 'left', 'right');
    expect(report).toContain('✗ auto-creation: partitions of a topic a producer creates');
    expect(report).toMatch(/\$\.partitions\n\s+left\s+1\n\s+right\s+2/);
  });

  it('passes a difference the scenario declares kept on purpose, and still reports it', async () => {
    const kept: Scenario = { ...autoCreated, knownDifferences: [{ path: '$.partitions', fidelity: 'num.partitions differs here' }] };
    const result = await new DifferentialRunner(named(one, 'left'), named(two, 'right')).run(kept);
    expect(result.status).toBe('passed');
    expect(result.kept).toEqual([{ path: '$.partitions', left: 1, right: 2, fidelity: 'num.partitions differs here' }]);
    expect(describeResult(result, 'left', 'right')).toContain('kept on purpose (FIDELITY.md: num.partitions differs here): $.partitions');
  });

  it('fails a scenario that throws on both clusters instead of calling the equal errors a pass', async () => {
    const broken: Scenario = {
      name: 'a scenario with a bug',
      async run() {
        throw new Error('oops');
      },
    };
    const result = await new DifferentialRunner(named(one, 'left'), named(twin, 'right')).run(broken);
    expect(result.differences).toEqual([]);
    expect(result.status).toBe('failed');
    expect(describeResult(result, 'left', 'right')).toContain('"message":"oops"');
  });

  it('skips a scenario whose external client is missing, and counts only passes and failures in the summary', async () => {
    const runner = new DifferentialRunner(named(one, 'left'), named(twin, 'right'), { clients: {} });
    const skipped = await runner.run({ name: 'needs kcat', clients: ['kcat'], run: async () => 1 });
    expect(skipped).toMatchObject({ status: 'skipped', reason: 'needs kcat' });
    const failed = await new DifferentialRunner(named(one, 'left'), named(two, 'right')).run(autoCreated);
    const passed = await runner.run(autoCreated);
    expect(summaryLine([skipped, failed, passed])).toBe('1 passed, 1 failed');
  });

  it('skips a broker-fault scenario unless both providers can stop brokers', async () => {
    const { faults: _, ...noFaults } = twin;
    const result = await new DifferentialRunner(named(one, 'left'), { ...noFaults, provider: 'right' }).run({ name: 'stops a broker', brokerFaults: true, run: async () => 1 });
    expect(result).toMatchObject({ status: 'skipped', reason: 'needs providers that can stop brokers' });
  });
});

describe('the differential runner with broker faults', () => {
  let left: RunningBrokers;
  let right: RunningBrokers;

  beforeAll(async () => {
    [left, right] = await Promise.all([embedded.start({ brokers: 3 }), embedded.start({ brokers: 3 })]);
  });
  afterAll(async () => {
    await Promise.all([left, right].map((r) => r?.stop()));
  });

  const brokersListed = async (running: RunningBrokers) => (await (await running.admin()).describeCluster()).brokers.map((b) => b.nodeId).sort();

  it('restarts a broker a scenario left down before the next scenario runs', async () => {
    const leavesOneDown: Scenario = {
      name: 'stops broker 2 and leaves it',
      brokerFaults: true,
      async run(ctx) {
        await ctx.stopBroker(2);
        const admin = await ctx.admin();
        return (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort();
      },
    };
    const result = await new DifferentialRunner(named(left, 'left'), named(right, 'right')).run(leavesOneDown);
    expect(result.status).toBe('passed');
    expect(result.results.left).toEqual([1, 3]);
    expect(await brokersListed(left)).toEqual([1, 2, 3]);
    expect(await brokersListed(right)).toEqual([1, 2, 3]);
  });

  it('refuses a broker id outside 1..N as the scenario\'s error', async () => {
    const result = await new DifferentialRunner(named(left, 'left'), named(right, 'right')).run({ name: 'stops broker 4', brokerFaults: true, run: (ctx) => ctx.stopBroker(4) });
    expect(result.status).toBe('failed');
    expect(describeResult(result, 'left', 'right')).toContain('no broker 4: brokers are 1 to 3');
  });
});
