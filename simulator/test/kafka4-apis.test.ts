// The APIs Kafka 4 clients call that older ones did not, and the versions that changed what a
// request means, over real sockets: OffsetForLeaderEpoch across a leader change, ListOffsets' new
// special timestamps and leader epochs, Metadata and Fetch by topic id, IncrementalAlterConfigs'
// four operations, DescribeTopicPartitions' pages, DescribeCluster with fenced brokers, OffsetDelete
// refusing the offsets of a topic the group reads. (kafkajs, kcat, kafka-python and Kafka's Java
// tools use them in their own test files.)

import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { RawConnection } from '../net/raw-connection.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';

const cluster = useCluster({ brokers: 3, groupInitialRebalanceDelayMs: 0, replicaLagTimeMaxMs: 2000, brokerSessionTimeoutMs: 1500 });

async function call(brokerId: number, apiKey: number, version: number, body: Record<string, unknown>): Promise<any> {
  const address = cluster().describe().brokers.find((b) => b.id === brokerId)!;
  const connection = await RawConnection.open(`${address.host}:${address.port}`);
  try {
    return await connection.call(apiKey, version, body);
  } finally {
    connection.destroy();
  }
}

const partitionOf = (topic: string, index = 0) => cluster().describe().topics.find((t) => t.name === topic)!.partitions[index];

async function produce(topic: string, messages: { value: string; timestamp?: string }[]): Promise<void> {
  const producer = kafkaFor(cluster()).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();
}

describe('OffsetForLeaderEpoch', () => {
  it("answers where each leader epoch ends, and fences a client whose epoch is not the leader's", async () => {
    const topic = uniqueTopic('epochs');
    cluster().createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
    await produce(topic, [{ value: 'a' }, { value: 'b' }]);
    const first = partitionOf(topic);
    // A leader change: the new leader's epoch starts at the log end.
    await cluster().stopBroker(first.leader);
    const second = await eventually(() => (partitionOf(topic).leaderEpoch > first.leaderEpoch && partitionOf(topic).leader >= 0 ? partitionOf(topic) : null), 'a new leader');
    await produce(topic, [{ value: 'c' }]);
    const ask = (leaderEpoch: number, currentLeaderEpoch = -1) =>
      call(second.leader, 23, 4, { replicaId: -1, topics: [{ topic, partitions: [{ partition: 0, currentLeaderEpoch, leaderEpoch }] }] }).then((r) => r.topics[0].partitions[0]);

    expect(await ask(first.leaderEpoch)).toMatchObject({ errorCode: ErrorCode.NONE, leaderEpoch: first.leaderEpoch, endOffset: 2 });
    expect(await ask(second.leaderEpoch)).toMatchObject({ errorCode: ErrorCode.NONE, leaderEpoch: second.leaderEpoch, endOffset: 3 });
    expect(await ask(second.leaderEpoch, second.leaderEpoch - 1)).toMatchObject({ errorCode: ErrorCode.FENCED_LEADER_EPOCH });
    expect(await ask(second.leaderEpoch, second.leaderEpoch + 1)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH });
    await cluster().restartBroker(first.leader);
  });
});

describe('ListOffsets v7+ and topic ids', () => {
  it('finds the record with the largest timestamp (-3) and the earliest local offset (-4), with their epochs', async () => {
    const topic = uniqueTopic('max-timestamp');
    cluster().createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    const now = Date.now();
    await produce(topic, [{ value: 'a', timestamp: String(now) }, { value: 'b', timestamp: String(now + 9000) }, { value: 'c', timestamp: String(now + 1) }]);
    const { leader, leaderEpoch } = partitionOf(topic);
    const list = (timestamp: number) =>
      call(leader, 2, 11, { replicaId: -1, isolationLevel: 0, timeoutMs: 1000, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }] }).then((r) => r.topics[0].partitions[0]);
    expect(await list(-3)).toMatchObject({ errorCode: 0, offset: 1, timestamp: now + 9000, leaderEpoch });
    expect(await list(-4)).toMatchObject({ errorCode: 0, offset: 0, leaderEpoch });
    expect(await list(-1)).toMatchObject({ errorCode: 0, offset: 3, leaderEpoch });
    // No tiered storage: nothing is tiered, nothing waits for upload.
    expect(await list(-5)).toMatchObject({ errorCode: 0, offset: -1 });
  });

  it('Metadata and Fetch name a topic by its id; an id no topic has is UNKNOWN_TOPIC_ID', async () => {
    const topic = uniqueTopic('by-id');
    cluster().createTopic({ name: topic, partitions: 1, replicationFactor: 1 });
    await produce(topic, [{ value: 'found by id' }]);
    const { id } = cluster().describe().topics.find((t) => t.name === topic)!;
    const { leader } = partitionOf(topic);
    const metadata = await call(leader, 3, 12, { topics: [{ topicId: id, name: null }, { topicId: 'ab'.repeat(16), name: null }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(metadata.topics.map((t: any) => ({ name: t.name, topicId: t.topicId, errorCode: t.errorCode }))).toEqual([
      { name: topic, topicId: id, errorCode: ErrorCode.NONE },
      { name: null, topicId: 'ab'.repeat(16), errorCode: ErrorCode.UNKNOWN_TOPIC_ID },
    ]);
    const partitions = [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: 1 << 20 }];
    const fetched = await call(leader, 1, 17, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topicId: id, partitions }, { topicId: 'cd'.repeat(16), partitions }],
      forgottenTopicsData: [],
      rackId: '',
    });
    expect(fetched.responses.map((t: any) => ({ topicId: t.topicId, errorCode: t.partitions[0].errorCode, bytes: (t.partitions[0].records?.length ?? 0) > 0 }))).toEqual([
      { topicId: id, errorCode: ErrorCode.NONE, bytes: true },
      { topicId: 'cd'.repeat(16), errorCode: ErrorCode.UNKNOWN_TOPIC_ID, bytes: false },
    ]);
  });
});

describe('IncrementalAlterConfigs', () => {
  it('sets, deletes, appends to and subtracts from configs, keeping the others; refuses what Kafka refuses', async () => {
    const topic = uniqueTopic('incremental');
    cluster().createTopic({ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '1000', 'segment.ms': '600000' } });
    const alter = (configs: { name: string; configOperation: number; value: string | null }[], validateOnly = false) =>
      call(1, 44, 1, { resources: [{ resourceType: 2, resourceName: topic, configs }], validateOnly }).then((r) => r.responses[0]);
    const overrides = () => cluster().describe().topics.find((t) => t.name === topic)!.overrides;

    expect(await alter([{ name: 'max.message.bytes', configOperation: 0, value: '2048' }, { name: 'retention.ms', configOperation: 1, value: null }])).toMatchObject({ errorCode: 0 });
    expect(overrides()).toEqual({ 'segment.ms': '600000', 'max.message.bytes': '2048' });
    expect(await alter([{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }])).toMatchObject({ errorCode: 0 });
    expect(overrides()['cleanup.policy']).toBe('delete,compact');
    expect(await alter([{ name: 'cleanup.policy', configOperation: 3, value: 'delete' }])).toMatchObject({ errorCode: 0 });
    expect(overrides()['cleanup.policy']).toBe('compact');

    expect(await alter([{ name: 'retention.ms', configOperation: 2, value: '5' }])).toEqual(
      expect.objectContaining({ errorCode: ErrorCode.INVALID_CONFIG, errorMessage: "Can't APPEND to key retention.ms because its type is not LIST." }),
    );
    expect(await alter([{ name: 'no.such.config', configOperation: 0, value: '1' }])).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG });
    expect(await alter([{ name: 'retention.ms', configOperation: 0, value: 'soon' }])).toMatchObject({ errorCode: ErrorCode.INVALID_CONFIG });
    expect(await alter([{ name: 'retention.ms', configOperation: 7, value: '1' }])).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST });
    expect(await alter([{ name: 'retention.ms', configOperation: 0, value: '1' }], true)).toMatchObject({ errorCode: 0 });
    expect(overrides()['retention.ms']).toBeUndefined();
  });
});

describe('DescribeTopicPartitions', () => {
  it('pages through topics in name order, at most responsePartitionLimit partitions a page', async () => {
    const prefix = uniqueTopic('paged');
    for (const [suffix, partitions] of [['a', 3], ['b', 2]] as const) cluster().createTopic({ name: `${prefix}-${suffix}`, partitions, replicationFactor: 1 });
    const page = (cursor: { topicName: string; partitionIndex: number } | null) =>
      call(1, 75, 0, { topics: [{ name: `${prefix}-b` }, { name: `${prefix}-a` }, { name: `${prefix}-missing` }], responsePartitionLimit: 2, cursor });
    const seen: string[] = [];
    let cursor = null;
    for (let pages = 0; pages < 5; pages++) {
      const answer = await page(cursor);
      for (const t of answer.topics) {
        if (t.errorCode !== 0) seen.push(`${t.name}:${t.errorCode}`);
        for (const p of t.partitions) seen.push(`${t.name}[${p.partitionIndex}]`);
      }
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([`${prefix}-a[0]`, `${prefix}-a[1]`, `${prefix}-a[2]`, `${prefix}-b[0]`, `${prefix}-b[1]`, `${prefix}-missing:${ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}`]);
  });
});

describe('DescribeCluster and OffsetDelete', () => {
  it('lists fenced brokers only when asked, marked fenced', async () => {
    await cluster().killBroker(3);
    try {
      const brokers = (include: boolean) => call(1, 60, 2, { includeClusterAuthorizedOperations: false, endpointType: 1, includeFencedBrokers: include }).then((r) => r.brokers.map((b: any) => [b.brokerId, b.isFenced]));
      expect(await brokers(false)).toEqual([[1, false], [2, false]]);
      expect(await brokers(true)).toEqual([[1, false], [2, false], [3, true]]);
      expect(await call(1, 60, 2, { includeClusterAuthorizedOperations: false, endpointType: 2, includeFencedBrokers: false })).toMatchObject({ errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE });
    } finally {
      await cluster().restartBroker(3);
    }
  });

  it('deletes the offsets of a topic an active group does not read, and refuses those of a topic it reads', async () => {
    const [read, other] = [uniqueTopic('read'), uniqueTopic('other')];
    for (const name of [read, other]) cluster().createTopic({ name, partitions: 1, replicationFactor: 1 });
    const group = uniqueTopic('offsets-owner');
    const kafka = kafkaFor(cluster());
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: group, topic: other, partitions: [{ partition: 0, offset: '0' }] });
    // A short fetch wait: disconnect() waits for the fetch in flight (kafkajs's default is 5 s).
    const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: read, fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await eventually(() => cluster().describe().groups.find((g) => g.groupId === group)?.state === 'Stable', 'a stable group');
    await consumer.commitOffsets([{ topic: read, partition: 0, offset: '0' }]);
    const coordinator = cluster().describe().groups.find((g) => g.groupId === group)!.coordinator;
    const answer = await call(coordinator, 47, 0, { groupId: group, topics: [{ name: read, partitions: [{ partitionIndex: 0 }] }, { name: other, partitions: [{ partitionIndex: 0 }] }] });
    expect(answer.topics.map((t: any) => [t.name, t.partitions[0].errorCode])).toEqual([
      [read, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      [other, ErrorCode.NONE],
    ]);
    const offsets = await admin.fetchOffsets({ groupId: group, topics: [read, other] });
    expect(offsets.map((o) => [o.topic, o.partitions[0].offset])).toEqual([
      [read, '0'],
      [other, '-1'],
    ]);
    const unknown = uniqueTopic('no-such-group');
    const { nodeId } = await eventually(() => call(1, 10, 2, { key: unknown, keyType: 0 }).then((r) => (r.errorCode === 0 ? r : null)), 'its coordinator');
    expect(await call(nodeId, 47, 0, { groupId: unknown, topics: [] })).toMatchObject({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
    await consumer.disconnect();
    await admin.disconnect();
  }, 30_000);
});

describe('the consumer rebalance protocol (KIP-848)', () => {
  it('assigns every partition to the first member, moves half to a second once the first has revoked them, and describes both', async () => {
    const topic = uniqueTopic('kip848');
    cluster().createTopic({ name: topic, partitions: 4, replicationFactor: 1 });
    const { id: topicId } = cluster().describe().topics.find((t) => t.name === topic)!;
    const group = uniqueTopic('kip848-group');
    const { nodeId } = await eventually(() => call(1, 10, 2, { key: group, keyType: 0 }).then((r) => (r.errorCode === 0 ? r : null)), 'its coordinator');
    const beat = (memberId: string, memberEpoch: number, owned: number[] | null, extra: Record<string, unknown> = {}) =>
      call(nodeId, 68, 1, {
        groupId: group,
        memberId,
        memberEpoch,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30_000,
        subscribedTopicNames: memberEpoch === 0 ? [topic] : null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        // A join owns nothing: an empty list (Kafka refuses a topic entry, even one with no partitions).
        topicPartitions: memberEpoch === 0 ? [] : owned && [{ topicId, partitions: owned }],
        ...extra,
      });
    const partitions = (answer: any) => answer.assignment?.topicPartitions.flatMap((t: any) => t.partitions) ?? null;

    const a1 = await beat('member-a', 0, []);
    expect(a1).toMatchObject({ errorCode: 0, memberId: 'member-a', heartbeatIntervalMs: 5000 });
    expect(partitions(a1)).toEqual([0, 1, 2, 3]);
    const a2 = await beat('member-a', a1.memberEpoch, [0, 1, 2, 3]);
    expect(a2).toMatchObject({ errorCode: 0, memberEpoch: a1.memberEpoch, assignment: null });

    // A second member: its share is held back while the first still owns it.
    const b1 = await beat('member-b', 0, []);
    expect(b1.memberEpoch).toBeGreaterThan(a1.memberEpoch);
    expect(partitions(b1)).toEqual([]);
    // The first keeps its epoch until it has given up the other half.
    const a3 = await beat('member-a', a1.memberEpoch, [0, 1, 2, 3]);
    expect(a3.memberEpoch).toBe(a1.memberEpoch);
    const kept = partitions(a3);
    expect(kept).toHaveLength(2);
    const a4 = await beat('member-a', a1.memberEpoch, kept);
    expect(a4.memberEpoch).toBe(b1.memberEpoch);
    const described = (await call(nodeId, 69, 1, { groupIds: [group], includeAuthorizedOperations: false })).groups[0];
    expect(described).toMatchObject({ errorCode: 0, groupState: 'Reconciling', assignorName: 'uniform' });
    const b2 = await beat('member-b', b1.memberEpoch, []);
    expect(partitions(b2)).toEqual([0, 1, 2, 3].filter((p) => !kept.includes(p)));
    await beat('member-b', b1.memberEpoch, partitions(b2));
    const stable = (await call(nodeId, 69, 1, { groupIds: [group], includeAuthorizedOperations: false })).groups[0];
    expect(stable.groupState).toBe('Stable');
    expect(stable.members.map((m: any) => m.subscribedTopicRegex)).toEqual(['', '']);
    expect(stable.members.map((m: any) => [m.memberId, m.memberEpoch, m.assignment.topicPartitions[0].partitions.length]).sort()).toEqual([
      ['member-a', b1.memberEpoch, 2],
      ['member-b', b1.memberEpoch, 2],
    ]);
    expect(cluster().describe().groups.find((g) => g.groupId === group)).toMatchObject({ state: 'Stable', protocolType: 'consumer' });

    // A stale epoch is fenced; an unknown member is told so; leaving gives the partitions back.
    // Kafka's answers: the error alone (epoch 0, no member id, no heartbeat interval).
    expect(await beat('member-a', b1.memberEpoch + 5, null)).toMatchObject({
      errorCode: ErrorCode.FENCED_MEMBER_EPOCH,
      errorMessage: expect.stringContaining(`greater member epoch (${b1.memberEpoch + 5})`),
      memberId: null,
      memberEpoch: 0,
      heartbeatIntervalMs: 0,
    });
    expect(await beat('member-z', 3, null)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberEpoch: 0, heartbeatIntervalMs: 0 });
    expect(await beat('member-b', -1, null)).toMatchObject({ errorCode: 0, memberEpoch: -1, heartbeatIntervalMs: 0 });
    const a5 = await beat('member-a', b1.memberEpoch, kept);
    expect(partitions(a5)).toEqual([0, 1, 2, 3]);
    // Commits are checked against the member's epoch.
    const commit = (memberId: string, epoch: number) =>
      call(nodeId, 8, 9, { groupId: group, generationIdOrMemberEpoch: epoch, memberId, groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 0, committedLeaderEpoch: -1, committedMetadata: null }] }] }).then((r) => r.topics[0].partitions[0].errorCode);
    expect(await commit('member-a', a5.memberEpoch)).toBe(ErrorCode.NONE);
    expect(await commit('member-a', a5.memberEpoch - 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await commit('member-b', a5.memberEpoch)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await beat('member-q', 0, [], { serverAssignor: 'sticky' })).errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
  });
});
