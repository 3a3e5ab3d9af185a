// The course notebook's consumer group, with kafka-python in separate processes:
//
//   KafkaConsumer('sample2', group_id='my-group', enable_auto_commit=True, session_timeout_ms=6000,
//                 max_poll_interval_ms=6000, auto_offset_reset='earliest', bootstrap_servers=[...])
//
// Two such consumers share a topic's partitions; one killed without a goodbye loses them to the
// other when its session times out; and auto-committed offsets let a restarted consumer carry on
// where the group stopped. Each consumer prints its assignment and records as JSON lines
// (clients/group_member.py), and the tests read them as they come.

import { afterEach, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { killChildren, LineChild } from './support/child-lines.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython } from '../testkit/external-clients.ts';

type MemberEvent = { event: 'assigned'; partitions: number[] } | { event: 'record'; partition: number; offset: number; value: string } | { event: 'closed' };

const cluster = useCluster({ brokers: 3, groupInitialRebalanceDelayMs: 0, seed: 23 });
const python = findKafkaPython();
afterEach(killChildren);

const groupOf = (groupId: string) => cluster().describe().groups.find((g) => g.groupId === groupId);

/** A member's latest assignment (partitions of the one subscribed topic), or null before its first. */
const assignment = (member: LineChild<MemberEvent>): number[] | null =>
  member.events.findLast((e): e is Extract<MemberEvent, { event: 'assigned' }> => e.event === 'assigned')?.partitions ?? null;
const records = (member: LineChild<MemberEvent>) => member.events.filter((e): e is Extract<MemberEvent, { event: 'record' }> => e.event === 'record');

async function produce(topic: string, perPartition: number, prefix: string, partitions = [0, 1]) {
  const producer = kafkaFor(cluster()).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic,
    messages: partitions.flatMap((partition) => Array.from({ length: perPartition }, (_, i) => ({ partition, value: `${prefix}-p${partition}-${i}` }))),
  });
  await producer.disconnect();
}

function twoPartitionTopic(): string {
  const topic = uniqueTopic('notebook-group');
  cluster().createTopic({ name: topic, partitions: 2, replicationFactor: 3 });
  return topic;
}

describeWithClient(python, 'kafka-python consumer groups (the notebook consumer)', (pythonCommand) => {
  let memberCount = 0;
  const notebookConsumer = (topic: string, groupId: string) =>
    new LineChild<MemberEvent>(`kafka-python member ${++memberCount}`, pythonCommand, [`${CLIENT_SCRIPTS}group_member.py`, cluster().bootstrapServers.join(','), topic, groupId], {
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
      stdout: (line) => JSON.parse(line) as MemberEvent,
    });

  /** Two notebook consumers in one group, once each owns one partition and the broker agrees. */
  async function splitBetweenTwo(topic: string, groupId: string) {
    const first = notebookConsumer(topic, groupId);
    await first.waitFor((events) => events.some((e) => e.event === 'assigned' && e.partitions.length === 2), 'the first consumer to own both partitions', 30_000);
    const second = notebookConsumer(topic, groupId);
    const split = await eventually(() => {
      const group = groupOf(groupId);
      const mine = [assignment(first), assignment(second)];
      if (group?.state !== 'Stable' || group.members.length !== 2 || mine.some((a) => a?.length !== 1)) return null;
      const brokers = group.members.map((m) => m.assignment?.[topic] ?? []);
      const sorted = (lists: (number[] | null)[]) => lists.map((l) => JSON.stringify(l)).sort();
      return JSON.stringify(sorted(brokers)) === JSON.stringify(sorted(mine)) ? { mine: mine as number[][], group } : null;
    }, 'an even split that the consumers and the broker agree on', 30_000);
    return { first, second, ...split };
  }

  it('two consumers in one group share a 2-partition topic: each owns one partition, and each record is read once, by its owner', async () => {
    const topic = twoPartitionTopic();
    const groupId = uniqueTopic('my-group');
    const { first, second, mine, group } = await splitBetweenTwo(topic, groupId);

    expect(mine.flat().sort()).toEqual([0, 1]);
    expect(group).toMatchObject({ protocolType: 'consumer', protocol: 'range' });
    expect(group.members.every((m) => m.clientId.startsWith('kafka-python'))).toBe(true);

    await produce(topic, 10, 'shared');
    const everyone = () => [...records(first), ...records(second)];
    await eventually(() => everyone().length >= 20, 'all 20 records to be read', 20_000);
    for (const [member, owned] of [[first, mine[0]], [second, mine[1]]] as const) {
      expect(new Set(records(member).map((r) => r.partition))).toEqual(new Set(owned));
      expect(records(member).map((r) => r.offset)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    }
    expect(everyone().map((r) => r.value).sort()).toEqual([0, 1].flatMap((p) => Array.from({ length: 10 }, (_, i) => `shared-p${p}-${i}`)).sort());
  }, 90_000);

  it('a consumer killed with SIGKILL hands its partition to the other once its 6 s session times out', async () => {
    const topic = twoPartitionTopic();
    const groupId = uniqueTopic('my-group');
    const { first, second, mine } = await splitBetweenTwo(topic, groupId);
    const [orphaned] = mine[1];

    const left = cluster().events.waitFor('group-changed', (e) => e.group === groupId && e.change === 'member-left', 20_000);
    const killedAt = Date.now();
    await second.kill('SIGKILL');
    const departure = await left;
    expect(departure).toMatchObject({ reason: 'session-timeout' });
    // Not noticed from the closed socket: the coordinator waits out the session (less the time since the last heartbeat).
    expect(departure.time - killedAt).toBeGreaterThan(2000);

    await first.waitFor(() => assignment(first)?.length === 2, 'the survivor to own both partitions', 30_000);
    await eventually(() => groupOf(groupId)?.state === 'Stable' && groupOf(groupId)!.members.length === 1, 'a stable group of one', 20_000);
    expect(groupOf(groupId)!.members[0].assignment).toEqual({ [topic]: [0, 1] });

    // The survivor now reads what arrives on the partition it inherited.
    await produce(topic, 3, 'inherited', [orphaned]);
    await first.waitFor(() => records(first).filter((r) => r.value.startsWith('inherited-')).length === 3, 'the records of the inherited partition', 20_000);
  }, 90_000);

  it('auto-committed offsets let a restarted consumer resume where the group stopped, with nothing committed delivered again', async () => {
    const topic = twoPartitionTopic();
    const groupId = uniqueTopic('my-group');
    await produce(topic, 5, 'before');

    const first = notebookConsumer(topic, groupId);
    await first.waitFor(() => records(first).length === 10, 'the first ten records', 30_000);
    // enable_auto_commit commits every 5 s (auto_commit_interval_ms): wait for the broker to hold it.
    const committed = await eventually(() => {
      const offsets = groupOf(groupId)?.offsets ?? [];
      return offsets.length === 2 && offsets.every((o) => o.committed === 5) ? offsets : null;
    }, 'offsets 5 and 5 to be committed', 20_000);
    expect(committed.map((o) => o.lag)).toEqual([0, 0]);
    await first.kill('SIGKILL');

    await produce(topic, 3, 'after');
    // The new consumer's join waits out the dead member (its rebalance timeout), then owns both partitions.
    const second = notebookConsumer(topic, groupId);
    await second.waitFor(() => records(second).length >= 6, 'the six new records', 30_000);
    const resumed = records(second);
    expect(resumed.map((r) => r.value).sort()).toEqual([0, 1].flatMap((p) => [0, 1, 2].map((i) => `after-p${p}-${i}`)).sort());
    for (const partition of [0, 1]) {
      expect(resumed.filter((r) => r.partition === partition).map((r) => r.offset)).toEqual([5, 6, 7]);
    }
    await second.kill('SIGTERM');
    expect(second.events.at(-1)).toEqual({ event: 'closed' });
    expect(groupOf(groupId)?.offsets.map((o) => o.committed)).toEqual([8, 8]);
  }, 90_000);
});
