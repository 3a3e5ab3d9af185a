// Consumer groups: assignment, rebalances, committed offsets, group administration.

import { AssignerProtocol, type Consumer, type ConsumerConfig } from 'kafkajs';
import type { Scenario, ScenarioContext } from '../scenario.ts';
import { outcome } from '../normalise.ts';
import { rawRequest } from '../raw.ts';
import { produce, producer, python, range, until } from './support.ts';

interface Member {
  consumer: Consumer;
  /** Generations this member joined, with what it was assigned in each. */
  joins: { isLeader: boolean; assignment: Record<string, number[]> }[];
  received: { partition: number; offset: string; value: string }[];
}

async function member(ctx: ScenarioContext, groupId: string, topic: string, config: Partial<ConsumerConfig> = {}): Promise<Member> {
  const consumer = ctx.track(ctx.kafka().consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500, ...config }));
  const m: Member = { consumer, joins: [], received: [] };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const assignment = Object.fromEntries(Object.entries(payload.memberAssignment).map(([t, ps]) => [t, [...ps].sort((a, b) => a - b)]));
    m.joins.push({ isLeader: payload.isLeader, assignment });
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ partition, message }) => void m.received.push({ partition, offset: message.offset, value: String(message.value) }) });
  return m;
}

const lastAssignment = (m: Member) => m.joins.at(-1)?.assignment ?? {};
const count = (assignment: Record<string, number[]>) => Object.values(assignment).reduce((n, ps) => n + ps.length, 0);

async function describe(ctx: ScenarioContext, groupId: string) {
  const { groups } = await (await ctx.admin()).describeGroups([groupId]);
  return groups.map((g) => ({
    ...g,
    members: g.members
      .map((m) => ({
        clientId: m.clientId,
        assignment: m.memberAssignment.length ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment : null,
        subscription: m.memberMetadata.length ? AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics : null,
      }))
      .sort((a, b) => JSON.stringify(a.assignment).localeCompare(JSON.stringify(b.assignment))),
  }));
}

export const groupScenarios: Scenario[] = [
  {
    name: 'group: a lone consumer is assigned every partition and reads every record; the group shows Stable',
    async run(ctx) {
      const topic = await ctx.createTopic('solo', { partitions: 3 });
      await produce(ctx, topic, range(6).map((i) => ({ value: `v${i}`, partition: i % 3 })));
      const groupId = ctx.group('solo-group');
      const m = await member(ctx, groupId, topic);
      await until(() => m.received.length >= 6);
      const described = await describe(ctx, groupId);
      return { joins: m.joins.map((j) => ({ isLeader: j.isLeader, assignment: j.assignment })), received: m.received.sort((a, b) => a.value.localeCompare(b.value)), described };
    },
  },
  {
    name: 'group: a second consumer triggers a rebalance that splits the partitions; a leaver hands its share back',
    async run(ctx) {
      const topic = await ctx.createTopic('shared', { partitions: 4 });
      const groupId = ctx.group('pair');
      const first = await member(ctx, groupId, topic);
      await until(() => count(lastAssignment(first)) === 4);
      const second = await member(ctx, groupId, topic);
      await until(() => count(lastAssignment(first)) === 2 && count(lastAssignment(second)) === 2);
      const split = [lastAssignment(first), lastAssignment(second)].map((a) => a[topic]?.length ?? 0);
      const describedSplit = await describe(ctx, groupId);
      await second.consumer.disconnect();
      await until(() => count(lastAssignment(first)) === 4);
      return { split, describedSplit, firstJoins: first.joins.length, afterLeave: lastAssignment(first), describedAfter: await describe(ctx, groupId) };
    },
  },
  {
    name: 'group: committed offsets are returned by the admin client and a new member resumes right after them',
    async run(ctx) {
      const topic = await ctx.createTopic('resumable');
      await produce(ctx, topic, range(5).map((i) => ({ value: `v${i}` })));
      const groupId = ctx.group('resumers');
      const admin = await ctx.admin();
      const before = await admin.fetchOffsets({ groupId, topics: [topic] });
      const first = await member(ctx, groupId, topic, { retry: { retries: 2 } });
      await until(() => first.received.length >= 5);
      await first.consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
      await first.consumer.disconnect();
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      const afterLeave = { described: await describe(ctx, groupId), listed: (await admin.listGroups()).groups.filter((g) => g.groupId === groupId) };
      const second = await member(ctx, groupId, topic);
      await until(() => second.received.length >= 2);
      return { before, committed, afterLeave, resumedAt: second.received.map((r) => r.offset) };
    },
  },
  {
    name: 'group: the admin client sets and resets the offsets of an empty group',
    async run(ctx) {
      const topic = await ctx.createTopic('adjustable', { partitions: 2 });
      await produce(ctx, topic, range(6).map((i) => ({ value: `v${i}`, partition: i % 2 })));
      const groupId = ctx.group('adjusted');
      const admin = await ctx.admin();
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] });
      const set = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.resetOffsets({ groupId, topic, earliest: true });
      const earliest = await admin.fetchOffsets({ groupId, topics: [topic] });
      const sort = (r: typeof set) => r.map((t) => ({ ...t, partitions: [...t.partitions].sort((a, b) => a.partition - b.partition) }));
      return {
        set: sort(set),
        earliest: sort(earliest),
        listed: (await admin.listGroups()).groups.filter((g) => g.groupId === groupId),
        described: await describe(ctx, groupId),
      };
    },
  },
  {
    name: 'group: deleting a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, an empty one works',
    async run(ctx) {
      const topic = await ctx.createTopic('grouped');
      const busy = ctx.group('busy');
      const m = await member(ctx, busy, topic);
      await until(() => m.joins.length > 0);
      const admin = await ctx.admin();
      const nonEmpty = await outcome(admin.deleteGroups([busy]));
      const unknown = await outcome(admin.deleteGroups([ctx.group('ghost')]));
      const idle = ctx.group('idle');
      // kafkajs's setOffsets waits for a fetch at the new offset: a record there answers it at once.
      await (await producer(ctx)).send({ topic, messages: [{ value: 'one' }] });
      await admin.setOffsets({ groupId: idle, topic, partitions: [{ partition: 0, offset: '0' }] });
      const empty = await outcome(admin.deleteGroups([idle]));
      const afterDelete = await admin.fetchOffsets({ groupId: idle, topics: [topic] });
      return { nonEmpty, unknown, empty, afterDelete };
    },
  },
  {
    name: 'group: describing an unknown group answers Dead with no members; its offsets are -1',
    async run(ctx) {
      const topic = await ctx.createTopic('unread');
      const groupId = ctx.group('nobody');
      const admin = await ctx.admin();
      return { described: await describe(ctx, groupId), offsets: await admin.fetchOffsets({ groupId, topics: [topic] }) };
    },
  },
  {
    name: 'group: a session timeout outside group.min/max.session.timeout.ms (6000 / 1800000) is refused with INVALID_SESSION_TIMEOUT',
    clients: ['kafka-python'],
    async run(ctx) {
      const topic = await ctx.createTopic('session-limits', { partitions: 2 });
      // kafka-python's consumer first, with a timeout Kafka accepts: it finds the coordinator and
      // makes __consumer_offsets, so the bare JoinGroups after it reach a coordinator that is ready.
      const accepted = await python(ctx, 'join_group.py', topic, ctx.group('six-seconds'), '6000');
      const tooShort = await python(ctx, 'join_group.py', topic, ctx.group('three-seconds'), '3000');
      const join = async (sessionTimeoutMs: number) => {
        const answer = await rawRequest(ctx.bootstrapServers[0], 11, 5, {
          groupId: ctx.group(`raw-${sessionTimeoutMs}`),
          sessionTimeoutMs,
          rebalanceTimeoutMs: 10_000,
          memberId: '',
          groupInstanceId: null,
          protocolType: 'consumer',
          protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
        });
        return { errorCode: answer.errorCode, generationId: answer.generationId };
      };
      const limits = await (await ctx.admin()).describeConfigs({
        resources: [{ type: 4, name: '1', configNames: ['group.min.session.timeout.ms', 'group.max.session.timeout.ms'] }],
        includeSynonyms: false,
      });
      return { accepted, tooShort, raw: { 5999: await join(5999), 6000: await join(6000), 1800000: await join(1_800_000), 1800001: await join(1_800_001) }, limits };
    },
  },
];
