// The consumer rebalance protocol (KIP-848), which Kafka 4 clients speak with
// group.protocol=consumer: members join, heartbeat, are assigned, revoke and leave through
// ConsumerGroupHeartbeat (68), and ConsumerGroupDescribe (69) shows the group. Asked over a bare
// socket, as a client's state machine asks. Kafka computes assignments in the background and
// kafka-lab at once, so what is compared is where the group settles and what the errors say,
// with epochs relative to the group's (Kafka's first epoch is 2, kafka-lab's 1).

import type { Scenario, ScenarioContext } from '../scenario.ts';
import { rawRequest } from '../raw.ts';

type Answer = Record<string, any>;
/** COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR. */
const COORDINATOR_ERRORS = new Set([14, 15, 16]);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function coordinatorOf(ctx: ScenarioContext, group: string): Promise<string> {
  for (const deadline = Date.now() + 30_000; ; ) {
    const answer = await rawRequest(ctx.bootstrapServers[0], 10, 6, { keyType: 0, coordinatorKeys: [group] });
    const [found] = answer.coordinators as Answer[];
    if (found.errorCode === 0) return `${found.host}:${found.port}`;
    if (Date.now() > deadline) throw new Error(`no coordinator for ${group}: error ${found.errorCode}`);
    await pause(100);
  }
}

interface Member {
  id: string;
  epoch: number;
  owns: number[];
}

/** A group of raw members on one new topic, each owning what it was last assigned. */
async function consumerGroup(ctx: ScenarioContext, label: string, partitions: number) {
  const topic = await ctx.createTopic(`${label}-topic`, { partitions });
  const group = ctx.group(label);
  let coordinator = await coordinatorOf(ctx, group);
  const metadata = await rawRequest(ctx.bootstrapServers[0], 3, 12, { topics: [{ topicId: '0'.repeat(32), name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  const topicId = (metadata.topics as Answer[])[0].topicId as string;

  const ask = async (apiKey: number, body: Answer): Promise<Answer> => {
    for (const deadline = Date.now() + 30_000; ; ) {
      const answer = await rawRequest(coordinator, apiKey, 1, body);
      const errorCode = (apiKey === 69 ? (answer.groups as Answer[])[0].errorCode : answer.errorCode) as number;
      if (!COORDINATOR_ERRORS.has(errorCode) || Date.now() > deadline) return answer;
      await pause(100);
      coordinator = await coordinatorOf(ctx, group);
    }
  };
  const heartbeat = (memberId: string, memberEpoch: number, fields: Answer = {}) =>
    ask(68, {
      groupId: group, memberId, memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
      subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, ...fields,
    });
  const partitionsOf = (assignment: Answer | null) => (assignment?.topicPartitions as Answer[] | undefined)?.filter((tp) => tp.topicId === topicId).flatMap((tp) => tp.partitions as number[]) ?? [];

  /** One heartbeat of a member as a client sends it: its epoch and what it owns; it takes what it is given. */
  const beat = async (member: Member): Promise<void> => {
    const answer = await heartbeat(member.id, member.epoch, { topicPartitions: [{ topicId, partitions: member.owns }] });
    if (answer.errorCode !== 0) throw new Error(`heartbeat of ${member.id} failed: ${answer.errorCode} ${answer.errorMessage}`);
    member.epoch = answer.memberEpoch as number;
    if (answer.assignment) member.owns = partitionsOf(answer.assignment).sort((a, b) => a - b);
  };
  const join = async (label: string): Promise<Member> => {
    const member = { id: ctx.name(label), epoch: 0, owns: [] as number[] };
    const answer = await heartbeat(member.id, 0, { rebalanceTimeoutMs: 30_000, subscribedTopicNames: [topic], serverAssignor: 'uniform', topicPartitions: [] });
    if (answer.errorCode !== 0) throw new Error(`join of ${member.id} failed: ${answer.errorCode} ${answer.errorMessage}`);
    member.epoch = answer.memberEpoch as number;
    member.owns = partitionsOf(answer.assignment).sort((a, b) => a - b);
    return member;
  };
  const describe = async () => (await ask(69, { groupIds: [group], includeAuthorizedOperations: false })).groups[0] as Answer;

  /** Heartbeats every member until the group is Stable with each member at the group's epoch, owning what describe says. */
  const settle = async (members: Member[]): Promise<Answer> => {
    for (const deadline = Date.now() + 20_000; ; ) {
      for (const member of members) await beat(member);
      const described = await describe();
      const settled =
        described.groupState === 'Stable' &&
        described.assignmentEpoch === described.groupEpoch &&
        members.every((m) => {
          const d = (described.members as Answer[]).find((x) => x.memberId === m.id);
          return d && m.epoch === described.groupEpoch && d.memberEpoch === m.epoch && partitionsOf(d.assignment).sort((a, b) => a - b).join() === m.owns.join();
        });
      if (settled) return described;
      if (Date.now() > deadline) throw new Error(`the group never settled: ${JSON.stringify({ members, described })}`);
      await pause(100);
    }
  };
  /** What a settled group shows, epochs as differences from the group's. */
  const picture = (described: Answer, members: Record<string, Member>) => ({
    groupState: described.groupState,
    assignorName: described.assignorName,
    members: Object.fromEntries(
      Object.entries(members).map(([name, m]) => {
        const d = (described.members as Answer[]).find((x) => x.memberId === m.id)!;
        return [name, { partitions: m.owns.length, behindGroupEpoch: described.groupEpoch - d.memberEpoch, subscribedTopicNames: d.subscribedTopicNames, subscribedTopicRegex: d.subscribedTopicRegex, clientId: d.clientId }];
      }),
    ),
    allPartitionsOwnedOnce: Object.values(members).flatMap((m) => m.owns).sort((a, b) => a - b).join() === Array.from({ length: partitions }, (_, i) => i).join(),
  });
  return { group, topicId, heartbeat, join, beat, settle, picture, describe };
}

/** An answer's error, its epochs named relative to the member's current one. */
function errorOf(answer: Answer, epoch: number) {
  const named = (message: string | null) => message?.replaceAll(`(${epoch + 5})`, '(epoch+5)').replaceAll(`(${epoch})`, '(epoch)') ?? null;
  return { errorCode: answer.errorCode, errorMessage: named(answer.errorMessage), memberId: answer.memberId, memberEpoch: answer.memberEpoch, heartbeatIntervalMs: answer.heartbeatIntervalMs, assignment: answer.assignment };
}

/** A heartbeat's answer with its epochs named: the member's epoch now and the one before it. */
function answerOf(answer: Answer, now: number, before: number) {
  const named = (message: string | null) => message?.replaceAll(`(${now})`, '(epoch)').replaceAll(`(${before})`, '(previous epoch)') ?? null;
  return { errorCode: answer.errorCode, errorMessage: named(answer.errorMessage), memberEpoch: answer.memberEpoch === now ? 'epoch' : answer.memberEpoch, assignment: answer.assignment ? 'given' : null };
}

export const consumerProtocolScenarios: Scenario[] = [
  {
    name: 'consumer group protocol (KIP-848): one member is given all four partitions, a second joins and they settle on two each; describe shows both at the group epoch; a leaver\'s share goes back',
    async run(ctx) {
      const g = await consumerGroup(ctx, 'kip848-share', 4);
      const a = await g.join('member-a');
      const alone = g.picture(await g.settle([a]), { a });
      const b = await g.join('member-b');
      const shared = g.picture(await g.settle([a, b]), { a, b });
      const left = await g.heartbeat(b.id, -1);
      const afterLeave = g.picture(await g.settle([a]), { a });
      return { alone, shared, left: { errorCode: left.errorCode, memberEpoch: left.memberEpoch, heartbeatIntervalMs: left.heartbeatIntervalMs, assignment: left.assignment }, afterLeave };
    },
  },
  {
    name: 'consumer group protocol (KIP-848): a future epoch is fenced, an unknown member refused, a join without a rebalance timeout, owning partitions or with no subscription refused; an unknown group is not found',
    async run(ctx) {
      const g = await consumerGroup(ctx, 'kip848-errors', 2);
      const a = await g.join('member-a');
      await g.settle([a]);
      const never = ctx.group('kip848-never');
      const unknownGroup = ((await rawRequest(await coordinatorOf(ctx, never), 69, 1, { groupIds: [never], includeAuthorizedOperations: false })).groups as Answer[])[0];
      return {
        futureEpoch: errorOf(await g.heartbeat(a.id, a.epoch + 5, { topicPartitions: [] }), a.epoch),
        unknownMember: errorOf(await g.heartbeat(ctx.name('member-nobody'), 3), 3),
        joinWithoutRebalanceTimeout: errorOf(await g.heartbeat(ctx.name('member-new'), 0, { topicPartitions: [] }), 0),
        joinOwningPartitions: errorOf(await g.heartbeat(ctx.name('member-new'), 0, { rebalanceTimeoutMs: 30_000 }), 0),
        joinWithoutSubscription: errorOf(await g.heartbeat(ctx.name('member-new'), 0, { rebalanceTimeoutMs: 30_000, topicPartitions: [] }), 0),
        stillThere: g.picture(await g.settle([a]), { a }),
        unknownGroup: { ...unknownGroup, groupId: undefined },
      };
    },
  },
  {
    name: 'consumer group protocol (KIP-848): a member that missed the answer moving it on may heartbeat on its previous epoch while it owns no more than it is assigned; owning more, or not saying what it owns, it is fenced',
    async run(ctx) {
      const g = await consumerGroup(ctx, 'kip848-previous', 4);
      const a = await g.join('member-a');
      await g.settle([a]);
      const before = a.epoch;
      const b = await g.join('member-b');
      await g.settle([a, b]);
      const owning = (partitions: number[]) => ({ topicPartitions: [{ topicId: g.topicId, partitions }] });
      return {
        movedOn: a.epoch > before,
        previousOwningItsShare: answerOf(await g.heartbeat(a.id, before, owning(a.owns)), a.epoch, before),
        previousOwningMore: answerOf(await g.heartbeat(a.id, before, owning([0, 1, 2, 3])), a.epoch, before),
        previousSayingNothing: answerOf(await g.heartbeat(a.id, before), a.epoch, before),
        stillThere: g.picture(await g.settle([a, b]), { a, b }),
      };
    },
  },
];
