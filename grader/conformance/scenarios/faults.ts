// Broker failures, on three-broker clusters (CONFORMANCE_FAULT_BROKERS): a leader stopped
// gracefully and restarted, a follower killed under min.insync.replicas 3, a group coordinator
// stopped under a consuming group; and min.insync.replicas above the replication factor, which
// needs more than one broker. Which broker leads differs between any two clusters, so the results
// say how leadership and the ISR relate to the broker that went down, never its id.

import type { Consumer } from 'kafkajs';
import { internalCluster } from '../../../simulator/testkit/kafkajs-internal.ts';
import type { BrokerOptions } from '../../providers/index.ts';
import { outcome } from '../normalise.ts';
import { rawRequest } from '../raw.ts';
import type { Scenario, ScenarioContext } from '../scenario.ts';
import { producer, python, range, readPartition, until } from './support.ts';

/**
 * Three brokers, and a controller that fences a broker it has not heard from in 3 s, not 9 s, so
 * real Kafka notices a killed broker sooner (kafka-lab sees the crash at once; see FIDELITY.md).
 */
export const CONFORMANCE_FAULT_BROKERS: BrokerOptions = {
  brokers: 3,
  autoCreateTopics: true,
  numPartitions: 1,
  groupInitialRebalanceDelayMs: 0,
  brokerSessionTimeoutMs: 3000,
};

/** Failover, fencing and restarts take real Kafka seconds: every wait polls up to this long. */
const DEADLINE_MS = 45_000;

interface PartitionView {
  leader: number;
  replicas: number[];
  isr: number[];
}

interface PartitionMetadata extends PartitionView {
  partitionId: number;
}

/**
 * kafkajs's cluster object, with what these scenarios ask of it besides kafkajs-internal.ts. Its
 * metadata covers the target topics, or every topic while there are none, and it fails whole when
 * any partition it covers has no leader: so every use names its topic first.
 */
interface MetadataCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(args: { nodeId: string }): Promise<{ metadata(topics: string[]): Promise<{ topicMetadata: { topic: string; partitionMetadata: PartitionMetadata[] }[] }> }>;
  findGroupCoordinatorMetadata(args: { groupId: string; coordinatorType: number }): Promise<{ coordinator: { nodeId: number } }>;
}

function metadataCluster(ctx: ScenarioContext): MetadataCluster {
  return ctx.track(internalCluster(ctx.kafka()) as unknown as MetadataCluster);
}

/**
 * Partition 0 as its leader sees it: the leader's ISR is what acks=all is held to, and another
 * broker's metadata may be a moment ahead of it.
 */
async function leaderView(cluster: MetadataCluster, topic: string): Promise<PartitionView> {
  await cluster.addTargetTopic(topic);
  await cluster.refreshMetadata();
  const { leader } = cluster.findTopicPartitionMetadata(topic).find((p) => p.partitionId === 0)!;
  const answer = await (await cluster.findBroker({ nodeId: String(leader) })).metadata([topic]);
  const own = answer.topicMetadata.find((t) => t.topic === topic)!.partitionMetadata.find((p) => p.partitionId === 0)!;
  return { leader: own.leader, replicas: [...own.replicas], isr: [...own.isr].sort() };
}

/**
 * Polls `check` until it returns something (errors count as not yet). A wait that never ends is the
 * scenario failing on that cluster, with what never happened, not an observation to compare.
 */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  let result: T | undefined;
  let lastError: unknown;
  const attempt = async () => {
    result = await check().catch((error: unknown) => ((lastError = error), undefined));
    return result !== undefined;
  };
  if (!(await until(attempt, DEADLINE_MS))) throw new Error(`${what} did not happen within ${DEADLINE_MS / 1000} s${lastError ? ` (last error: ${String(lastError)})` : ''}`);
  return result!;
}

/** Waits until the partition's leader sees it as `done` says. */
async function settle(ctx: ScenarioContext, topic: string, what: string, done: (view: PartitionView) => boolean): Promise<PartitionView> {
  const cluster = metadataCluster(ctx);
  await cluster.connect();
  let last: PartitionView | undefined;
  try {
    return await waitFor(what, async () => {
      last = await leaderView(cluster, topic);
      return done(last) ? last : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; the leader's view: ${JSON.stringify(last)}`);
  } finally {
    await cluster.disconnect();
  }
}

/**
 * Waits until `brokerId` has applied every metadata change made so far. A KRaft broker updates its
 * Metadata answers a moment before its partitions act on the same change (an acks=all write sent
 * in between was appended, then timed out after 30 s), but it applies changes one after another:
 * once a topic created now shows in its answers, everything before it is applied.
 */
async function metadataBarrier(ctx: ScenarioContext, brokerId: number): Promise<void> {
  const barrier = await ctx.createTopic('barrier');
  const cluster = metadataCluster(ctx);
  await cluster.connect();
  try {
    await waitFor(`broker ${brokerId} knowing a new topic`, async () => {
      await cluster.addTargetTopic(barrier);
      await cluster.refreshMetadata();
      const answer = await (await cluster.findBroker({ nodeId: String(brokerId) })).metadata([barrier]);
      return answer.topicMetadata.some((t) => t.topic === barrier && t.partitionMetadata.length === 1) || undefined;
    });
  } finally {
    await cluster.disconnect();
  }
}

/** The broker coordinating the group (once it is not `not`), as kafkajs's consumer cannot say it. */
async function coordinatorOf(ctx: ScenarioContext, groupId: string, topic: string, not = -1): Promise<number> {
  const cluster = metadataCluster(ctx);
  await cluster.connect();
  try {
    return await waitFor(not < 0 ? 'finding the coordinator' : 'the coordinator moving', async () => {
      await cluster.addTargetTopic(topic);
      await cluster.refreshMetadata();
      const { nodeId } = (await cluster.findGroupCoordinatorMetadata({ groupId, coordinatorType: 0 })).coordinator;
      return nodeId !== not ? nodeId : undefined;
    });
  } finally {
    await cluster.disconnect();
  }
}

const patient = { retry: { retries: 10, initialRetryTime: 100 } };
const values = (n: number, prefix: string) => range(n).map((i) => ({ value: `${prefix}-${i}` }));

export const faultScenarios: Scenario[] = [
  {
    name: "faults: a gracefully stopped leader's partition moves to an in-sync follower, acks=all goes on, and the restarted broker rejoins the ISR with nothing lost",
    brokerFaults: true,
    async run(ctx) {
      const topic = await ctx.createTopic('failover', { replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
      const initial = await settle(ctx, topic, 'three replicas in sync', (v) => v.isr.length === 3);
      const p = await producer(ctx, patient);
      const before = await p.send({ topic, acks: -1, messages: values(5, 'before') });

      const stopped = initial.leader;
      await ctx.stopBroker(stopped);
      const failedOver = await settle(ctx, topic, 'a new leader and an ISR without the stopped broker', (v) => v.leader > 0 && v.leader !== stopped && !v.isr.includes(stopped));
      const after = await p.send({ topic, acks: -1, messages: values(5, 'after') });
      const readWhileDown = await readPartition(ctx, topic);

      await ctx.restartBroker(stopped);
      const rejoined = await settle(ctx, topic, 'the restarted broker back in the ISR', (v) => v.isr.includes(stopped) && v.isr.length === 3);
      return {
        before,
        whileDown: { replicas: failedOver.replicas.length, isr: failedOver.isr.length },
        after,
        readWhileDown,
        // Leadership stays where failover put it until the next preferred-leader check (5 minutes).
        afterRestart: { leaderStayed: rejoined.leader === failedOver.leader, read: await readPartition(ctx, topic) },
      };
    },
  },
  {
    name: 'faults: with min.insync.replicas 3, a killed follower makes acks=all fail with NOT_ENOUGH_REPLICAS and holds acks=1 writes below the high watermark until it is restarted',
    brokerFaults: true,
    async run(ctx) {
      const topic = await ctx.createTopic('min-isr', { replicationFactor: 3, configs: { 'min.insync.replicas': '3' } });
      const initial = await settle(ctx, topic, 'three replicas in sync', (v) => v.isr.length === 3);
      const p = await producer(ctx, { retry: { retries: 1, initialRetryTime: 100 } });
      const whole = await outcome(p.send({ topic, acks: -1, messages: values(1, 'whole') }));

      const killed = initial.replicas.find((id) => id !== initial.leader)!;
      await ctx.killBroker(killed);
      // Real Kafka fences the broker once its session times out; only then does the ISR shrink.
      const fenced = await settle(ctx, topic, 'the killed follower leaving the ISR', (v) => !v.isr.includes(killed));
      await metadataBarrier(ctx, fenced.leader);
      const leaderOnly = await outcome(p.send({ topic, acks: 1, messages: values(1, 'leader-only') }));
      const highWatermark = (await (await ctx.admin()).fetchTopicOffsets(topic))[0].high;
      const readable = (await readPartition(ctx, topic)).records.map((r) => r.value);
      const refused = await outcome(p.send({ topic, acks: -1, messages: values(1, 'refused') }));

      await ctx.restartBroker(killed);
      await settle(ctx, topic, 'the restarted follower back in the ISR', (v) => v.isr.length === 3);
      const again = await outcome((await producer(ctx, patient)).send({ topic, acks: -1, messages: values(1, 'again') }));
      return {
        whole,
        whileFenced: { sameLeader: fenced.leader === initial.leader, isr: fenced.isr.length, leaderOnly, highWatermark, readable, refused },
        again,
        read: await readPartition(ctx, topic),
      };
    },
  },
  {
    name: 'replication: min.insync.replicas above the replication factor counts as the replication factor, so acks=all is accepted',
    async run(ctx) {
      const p = await producer(ctx, patient);
      const send = async (label: string, replicationFactor: number) => {
        const topic = await ctx.createTopic(label, { replicationFactor, configs: { 'min.insync.replicas': '3' } });
        await settle(ctx, topic, 'every replica in sync', (v) => v.isr.length === replicationFactor);
        return outcome(p.send({ topic, acks: -1, messages: values(1, label) }));
      };
      return { oneReplica: await send('one-replica', 1), twoReplicas: await send('two-replicas', 2) };
    },
  },
  {
    name: "faults: a consumer group keeps consuming and committing after its coordinator's broker is stopped",
    brokerFaults: true,
    async run(ctx) {
      const topic = await ctx.createTopic('steady', { replicationFactor: 3 });
      const p = await producer(ctx, patient);
      await p.send({ topic, acks: -1, messages: values(5, 'before') });
      const groupId = ctx.group('survivors');
      const received: string[] = [];
      const distinct = () => [...new Set(received)].sort();
      const consumer: Consumer = ctx.track(ctx.kafka(patient).consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500 }));
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
      await waitFor('the first five records consumed', async () => distinct().length >= 5 || undefined);

      const coordinator = await coordinatorOf(ctx, groupId, topic);
      await ctx.stopBroker(coordinator);
      await coordinatorOf(ctx, groupId, topic, coordinator);
      await p.send({ topic, acks: -1, messages: values(5, 'after') });
      await waitFor('the next five records consumed', async () => distinct().length >= 10 || undefined);

      const admin = await ctx.admin();
      const committed = await waitFor('offset 10 committed', async () => {
        const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return partitions[0]?.offset === '10' ? partitions : undefined;
      });
      const group = await waitFor('the group Stable', async () => {
        const [described] = (await admin.describeGroups([groupId])).groups;
        return described?.state === 'Stable' ? described : undefined;
      });
      return {
        // A member may read again what it had not committed when the coordinator moved.
        received: distinct(),
        committed,
        group: { state: group.state, protocol: group.protocol, members: group.members.length },
      };
    },
  },
  {
    name: 'leader election: a returned leader leads again only after a preferred election (kafka-python elect_leaders); elections that are not needed or cannot happen say so',
    brokerFaults: true,
    clients: ['kafka-python'],
    async run(ctx) {
      const topic = await ctx.createTopic('elections', { replicationFactor: 3 });
      const initial = await settle(ctx, topic, 'three replicas in sync', (v) => v.isr.length === 3);
      const preferred = initial.replicas[0];
      const elect = async (type: number, partitions: number[]) => {
        const [step] = await python(ctx, 'admin_steps.py', '-', JSON.stringify([{ op: 'elect_leaders', type, partitions: { [topic]: partitions } }]));
        return step;
      };
      await ctx.stopBroker(preferred);
      const failedOver = await settle(ctx, topic, 'a new leader', (v) => v.leader > 0 && v.leader !== preferred && !v.isr.includes(preferred));
      const whileDown = await elect(0, [0]);
      await ctx.restartBroker(preferred);
      const rejoined = await settle(ctx, topic, 'the preferred replica back in the ISR', (v) => v.isr.length === 3);
      const elected = await elect(0, [0, 4]);
      const back = await settle(ctx, topic, 'the preferred replica leading', (v) => v.leader === preferred);
      return {
        leaderWasPreferred: initial.leader === preferred,
        whileDown,
        leaderStayedAfterRestart: rejoined.leader === failedOver.leader,
        elected,
        backToPreferred: back.leader === preferred,
        preferredAgain: await elect(0, [0]),
        unclean: await elect(1, [0]),
      };
    },
  },
  {
    name: 'reassignment: a partition moved to the two other brokers copies its log to them, they join the ISR, the old replica leaves; errors per partition',
    async run(ctx) {
      const topic = await ctx.createTopic('reassigned', { replicationFactor: 1, partitions: 1 });
      const p = await producer(ctx, patient);
      await p.send({ topic, acks: -1, messages: values(200, 'moved') });
      const initial = await settle(ctx, topic, 'a leader', (v) => v.leader > 0);
      const [from] = initial.replicas;
      const to = [1, 2, 3].filter((id) => id !== from);
      const alter = (partitions: object[], allowReplicationFactorChange = true) =>
        rawRequest(ctx.bootstrapServers[0], 45, 1, { timeoutMs: 30_000, allowReplicationFactorChange, topics: [{ name: topic, partitions }] });
      const started = await alter([{ partitionIndex: 0, replicas: to }]);
      const moved = await settle(ctx, topic, 'the two new replicas alone, in sync', (v) => v.replicas.length === 2 && !v.replicas.includes(from) && v.isr.length === 2);
      const listed = await rawRequest(ctx.bootstrapServers[0], 46, 0, { timeoutMs: 30_000, topics: null });
      const refused = await alter([
        { partitionIndex: 3, replicas: to },
        { partitionIndex: 0, replicas: [] },
        { partitionIndex: 0, replicas: [to[0], 9] },
        { partitionIndex: 0, replicas: [1, 1] },
        { partitionIndex: 0, replicas: null },
      ]);
      const shrinkRefused = await alter([{ partitionIndex: 0, replicas: [to[0]] }], false);
      return {
        started,
        moved: { replicasAreTheTargets: [...moved.replicas].sort().join() === to.join(), leaderIsATarget: to.includes(moved.leader) },
        listed: (listed.topics as { name: string }[]).filter((t) => t.name === topic),
        read: await readPartition(ctx, topic),
        refused,
        shrinkRefused,
      };
    },
  },
];
