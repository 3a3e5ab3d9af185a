// The same observations through kafka-python and kcat, the course's other clients.

import { jsonLines, run } from '../../../simulator/testkit/external-clients.ts';
import type { Scenario, ScenarioContext } from '../scenario.ts';
import { python } from './support.ts';

async function kcat(ctx: ScenarioContext, args: string[], input = ''): Promise<string> {
  const { stdout } = await run(ctx.client('kcat'), ['-b', ctx.bootstrapServers.join(','), ...args], { input });
  return stdout;
}

/** A consumed record without the times a broker or producer picks. */
const withoutTime = ({ timestamp: _t, ts: _ts, ...rest }: Record<string, unknown>) => rest;

export const clientScenarios: Scenario[] = [
  {
    name: 'kafka-python: the notebook producer gets offsets back and the notebook consumer reads keys, headers and values',
    clients: ['kafka-python'],
    async run(ctx) {
      const topic = await ctx.createTopic('notebook', { partitions: 2 });
      const sent = await python(ctx, 'produce_messages.py', topic, '6', '--keyed');
      const read = await python(ctx, 'consume_iterator.py', topic);
      const order = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.partition) - Number(b.partition) || Number(a.offset) - Number(b.offset);
      return { sent: sent.map(withoutTime).sort(order), read: read.map(withoutTime).sort(order) };
    },
  },
  {
    name: 'kafka-python: a transactional producer commits, aborts and commits; read_committed sees only the committed',
    clients: ['kafka-python'],
    async run(ctx) {
      const topic = await ctx.createTopic('python-txn');
      const steps = await python(ctx, 'transactional_producer.py', topic, ctx.name('python-txn-id'));
      const [committed, uncommitted] = await Promise.all(
        ['read_committed', 'read_uncommitted'].map(async (isolation) => (await python(ctx, 'consume_isolation.py', topic, isolation)).map((r) => [r.offset, r.value])),
      );
      return { steps: steps.map(withoutTime), committed, uncommitted };
    },
  },
  {
    name: 'kcat: metadata of a topic lists its partitions, leaders, replicas and in-sync replicas',
    clients: ['kcat'],
    async run(ctx) {
      const topic = await ctx.createTopic('kcat-listed', { partitions: 3 });
      const metadata = JSON.parse(await kcat(ctx, ['-L', '-J', '-t', topic])) as Record<string, unknown>;
      return metadata;
    },
  },
  {
    name: 'kcat: keyed lines produced with -K are consumed back with their partitions, offsets and keys',
    clients: ['kcat'],
    async run(ctx) {
      const topic = await ctx.createTopic('kcat-keyed', { partitions: 3 });
      await kcat(ctx, ['-P', '-t', topic, '-K', ':'], ['a:1', 'b:2', 'c:3', 'a:4', 'b:5', 'd:6'].join('\n') + '\n');
      const lines = jsonLines(await kcat(ctx, ['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q']));
      return lines.map(withoutTime).sort((a, b) => Number(a.partition) - Number(b.partition) || Number(a.offset) - Number(b.offset));
    },
  },
];
