// kcat's balanced consumer (`kcat -G group topic`, librdkafka's KafkaConsumer) against the group
// coordinator: two kcat processes share a topic's partitions, a group's committed offsets carry over
// from one run to the next, and kcat and kafka-python split a topic between them in one group when
// both use the `range` assignor. kcat reports its assignment on stderr ("% Group g rebalanced
// (memberid …): assigned: t [0], t [1]") and its records on stdout (-J); both are read as they come.

import { afterEach, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { killChildren, LineChild } from './support/child-lines.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython, findKcat, jsonLines, run } from '../testkit/external-clients.ts';

type MemberEvent = { event: 'assigned'; partitions: number[] } | { event: 'record'; partition: number; offset: number; value: string } | { event: 'closed' };

const cluster = useCluster({ brokers: 3, groupInitialRebalanceDelayMs: 0, seed: 29 });
const kcat = findKcat();
const python = findKafkaPython();
afterEach(killChildren);

const groupOf = (groupId: string) => cluster().describe().groups.find((g) => g.groupId === groupId);
const assignment = (member: LineChild<MemberEvent>): number[] | null =>
  member.events.findLast((e): e is Extract<MemberEvent, { event: 'assigned' }> => e.event === 'assigned')?.partitions ?? null;
const records = (member: LineChild<MemberEvent>) => member.events.filter((e): e is Extract<MemberEvent, { event: 'record' }> => e.event === 'record');

/** kcat's stderr: an assignment (a revocation leaves it with none), or nothing of interest. */
function kcatRebalance(line: string): MemberEvent | null {
  const rebalanced = /^% Group \S+ rebalanced \(memberid [^)]*\): (assigned|revoked): (.*)$/.exec(line);
  if (!rebalanced) return null;
  const partitions = [...rebalanced[2].matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort();
  return { event: 'assigned', partitions: rebalanced[1] === 'assigned' ? partitions : [] };
}

/** kcat's -J stdout: one record per line. */
function kcatRecord(line: string): MemberEvent {
  const m = JSON.parse(line) as { partition: number; offset: number; payload: string };
  return { event: 'record', partition: m.partition, offset: m.offset, value: m.payload };
}

async function produce(topic: string, perPartition: number, prefix: string) {
  const producer = kafkaFor(cluster()).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic,
    messages: [0, 1].flatMap((partition) => Array.from({ length: perPartition }, (_, i) => ({ partition, value: `${prefix}-p${partition}-${i}` }))),
  });
  await producer.disconnect();
}

function twoPartitionTopic(): string {
  const topic = uniqueTopic('kcat-group');
  cluster().createTopic({ name: topic, partitions: 2, replicationFactor: 3 });
  return topic;
}

/** Both members own one partition each, the group is Stable with both, and the broker agrees with them. */
function evenSplit(groupId: string, topic: string, members: LineChild<MemberEvent>[]) {
  return eventually(() => {
    const group = groupOf(groupId);
    const theirs = members.map(assignment);
    if (group?.state !== 'Stable' || group.members.length !== members.length || theirs.some((a) => a?.length !== 1)) return null;
    const key = (lists: (number[] | null)[]) => JSON.stringify(lists.map((l) => JSON.stringify(l)).sort());
    return key(group.members.map((m) => m.assignment?.[topic] ?? [])) === key(theirs) ? { owned: theirs as number[][], group } : null;
  }, 'an even split that the members and the broker agree on', 30_000);
}

/** Each member read exactly the records of its own partition, in order, none twice. */
async function expectEachReadsItsOwn(members: LineChild<MemberEvent>[], owned: number[][], prefix: string, perPartition: number) {
  await eventually(() => members.every((m) => records(m).length >= perPartition), 'every member to read its partition', 20_000);
  members.forEach((member, i) => {
    const [partition] = owned[i];
    expect(records(member).map((r) => r.value)).toEqual(Array.from({ length: perPartition }, (_, n) => `${prefix}-p${partition}-${n}`));
  });
}

describeWithClient(kcat, 'kcat balanced consumers (-G)', (kcatCommand) => {
  let count = 0;
  const kcatMember = (topic: string, groupId: string, extra: string[] = []) =>
    new LineChild<MemberEvent>(
      `kcat member ${++count}`,
      kcatCommand,
      ['-b', cluster().bootstrapServers.join(','), '-G', groupId, '-o', 'beginning', '-J', '-u', ...extra, topic],
      { stdout: kcatRecord, stderr: kcatRebalance },
    );

  it('two kcat -G consumers share a 2-partition topic, each reading only the partition it owns', async () => {
    const topic = twoPartitionTopic();
    const groupId = uniqueTopic('kcat-group');
    const first = kcatMember(topic, groupId);
    await first.waitFor(() => assignment(first)?.length === 2, 'the first kcat to own both partitions', 30_000);
    const second = kcatMember(topic, groupId);
    const { owned, group } = await evenSplit(groupId, topic, [first, second]);
    expect(owned.flat().sort()).toEqual([0, 1]);
    expect(group.members.every((m) => m.clientId === 'rdkafka')).toBe(true);

    await produce(topic, 8, 'kcat');
    await expectEachReadsItsOwn([first, second], owned, 'kcat', 8);
    await Promise.all([first.kill('SIGTERM'), second.kill('SIGTERM')]);
    await eventually(() => groupOf(groupId)?.state === 'Empty', 'both to leave the group', 20_000);
  }, 90_000);

  it('a group’s committed offsets carry over between kcat -G -e runs: each run reads only what the last did not', async () => {
    const topic = twoPartitionTopic();
    const groupId = uniqueTopic('kcat-group');
    const bootstrap = cluster().bootstrapServers.join(',');
    // Not `-o beginning`: in -G mode kcat applies it to every assigned partition, over the committed offsets.
    const drain = async () =>
      jsonLines<{ payload: string }>((await run(kcatCommand, ['-b', bootstrap, '-G', groupId, '-X', 'auto.offset.reset=earliest', '-e', '-J', '-q', topic])).stdout)
        .map((m) => m.payload)
        .sort();

    await produce(topic, 4, 'first');
    expect(await drain()).toEqual([0, 1].flatMap((p) => [0, 1, 2, 3].map((i) => `first-p${p}-${i}`)).sort());
    expect(groupOf(groupId)?.offsets.map((o) => o.committed)).toEqual([4, 4]);

    await produce(topic, 2, 'second');
    expect(await drain()).toEqual([0, 1].flatMap((p) => [0, 1].map((i) => `second-p${p}-${i}`)).sort());
    expect(groupOf(groupId)?.offsets.map((o) => ({ committed: o.committed, lag: o.lag }))).toEqual([
      { committed: 6, lag: 0 },
      { committed: 6, lag: 0 },
    ]);
  }, 90_000);

  describeWithClient(python, 'kcat and kafka-python in one group, both with the range assignor', (pythonCommand) => {
    const pythonMember = (topic: string, groupId: string) =>
      new LineChild<MemberEvent>(`kafka-python member ${++count}`, pythonCommand, [`${CLIENT_SCRIPTS}group_member.py`, cluster().bootstrapServers.join(','), topic, groupId, '--range'], {
        env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
        stdout: (line) => JSON.parse(line) as MemberEvent,
      });
    const kcatRange = (topic: string, groupId: string) => kcatMember(topic, groupId, ['-X', 'partition.assignment.strategy=range']);

    it.each([
      ['kafka-python', 'kcat'],
      ['kcat', 'kafka-python'],
    ] as const)('split a 2-partition topic when %s joins first (and so assigns) and %s second', async (firstClient, secondClient) => {
      const topic = twoPartitionTopic();
      const groupId = uniqueTopic('mixed-group');
      const start = (client: 'kafka-python' | 'kcat') => (client === 'kcat' ? kcatRange(topic, groupId) : pythonMember(topic, groupId));
      const first = start(firstClient);
      await first.waitFor(() => assignment(first)?.length === 2, `${firstClient} to own both partitions`, 30_000);
      const leader = groupOf(groupId)!.leader;
      const second = start(secondClient);

      const { owned, group } = await evenSplit(groupId, topic, [first, second]);
      expect(owned.flat().sort()).toEqual([0, 1]);
      expect(group).toMatchObject({ protocolType: 'consumer', protocol: 'range', leader });
      expect(group.members.map((m) => (m.clientId === 'rdkafka' ? 'kcat' : m.clientId.replace(/-[\d.]+$/, ''))).sort()).toEqual(['kafka-python', 'kcat']);

      await produce(topic, 6, 'mixed');
      await expectEachReadsItsOwn([first, second], owned, 'mixed', 6);
    }, 90_000);
  });
});
