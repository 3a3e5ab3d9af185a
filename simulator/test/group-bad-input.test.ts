// Group and transaction requests that a well-behaved client would not send: unknown members,
// stale generations, assignments that are not a consumer assignment, mismatched protocols, stale
// producer ids and epochs. Requests are encoded and responses decoded by kafkajs's own protocol
// modules (an independent codec), sent over bare sockets so every error code is seen as sent.
// The broker answers each as Kafka does, never crashes, and keeps serving a normal client after.

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AssignerProtocol } from 'kafkajs';
import { eventually, kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { readUntilSentinel } from './support/consume.ts';
import { fetchMessages } from './support/kafkajs-fetch.ts';
import { RawConnection } from '../net/raw-connection.ts';
import { watchForCrashes } from './support/crash-watch.ts';

const cluster = useCluster({ brokers: 1, groupInitialRebalanceDelayMs: 0, seed: 17 });

const require = createRequire(import.meta.url);
const { errorCodes } = require('kafkajs/src/protocol/error.js') as { errorCodes: { type: string; code: number }[] };

// ------------------------------------------------------------------ crash watch

watchForCrashes();

// ------------------------------------------------------------------ kafkajs's codec over a bare socket

/** An error code by the name kafkajs gives it, so the expected codes do not come from our own table. */
const errorName = (code: number) => (code === 0 ? 'NONE' : (errorCodes.find((e) => e.code === code)?.type ?? `code ${code}`));

interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}

let correlationId = 0;

/** Sends one request built by kafkajs's `api`/v`version` module on its own connection; its decoded response. */
async function call<T>(api: string, version: number, args: object, timeoutMs = 10_000): Promise<T> {
  const build = require(`kafkajs/src/protocol/requests/${api}/v${version}/request.js`) as (a: object) => KafkajsRequest;
  const { decode } = require(`kafkajs/src/protocol/requests/${api}/v${version}/response.js`) as { decode(b: Buffer): Promise<T> };
  const request = build(args);
  const body = (await request.encode()).buffer;
  const connection = await RawConnection.open(cluster().bootstrapServers[0]);
  try {
    const frame = await connection.request({ apiKey: request.apiKey, version: request.apiVersion, correlationId: ++correlationId, body, clientId: 'bad-member' }, timeoutMs);
    if (!frame) throw new Error(`the broker closed the connection instead of answering ${api} v${version}`);
    return await decode(frame.subarray(4));
  } finally {
    connection.destroy();
  }
}

interface JoinResponse {
  errorCode: number;
  generationId: number;
  groupProtocol: string;
  leaderId: string;
  memberId: string;
  members: { memberId: string; memberMetadata: Buffer }[];
}

const SESSION_TIMEOUT = 10_000;
const consumerMetadata = (topic: string) => AssignerProtocol.MemberMetadata.encode({ version: 0, topics: [topic], userData: Buffer.alloc(0) });
const assignmentOf = (topic: string, partitions: number[]) => AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { [topic]: partitions }, userData: Buffer.alloc(0) });

interface JoinOptions {
  version?: number;
  sessionTimeout?: number;
  protocolType?: string;
  protocols?: { name: string; metadata: Buffer }[];
}

function join(groupId: string, memberId: string, { version = 4, sessionTimeout = SESSION_TIMEOUT, protocolType = 'consumer', protocols = [{ name: 'range', metadata: Buffer.alloc(0) }] }: JoinOptions = {}) {
  return call<JoinResponse>('joinGroup', version, { groupId, sessionTimeout, rebalanceTimeout: SESSION_TIMEOUT, memberId, protocolType, groupProtocols: protocols });
}

/** KIP-394's two steps: MEMBER_ID_REQUIRED with an id, then the join with it. */
async function joinNew(groupId: string, options: JoinOptions = {}): Promise<JoinResponse> {
  const first = await join(groupId, '', options);
  expect(errorName(first.errorCode)).toBe('MEMBER_ID_REQUIRED');
  return join(groupId, first.memberId, options);
}

const sync = (groupId: string, generationId: number, memberId: string, groupAssignment: { memberId: string; memberAssignment: Buffer }[] = []) =>
  call<{ errorCode: number; memberAssignment: Buffer }>('syncGroup', 1, { groupId, generationId, memberId, groupAssignment });

const heartbeat = (groupId: string, groupGenerationId: number, memberId: string) =>
  call<{ errorCode: number }>('heartbeat', 1, { groupId, groupGenerationId, memberId }).then((r) => errorName(r.errorCode));

const leave = (groupId: string, memberId: string) => call<{ errorCode: number }>('leaveGroup', 1, { groupId, memberId });

async function commit(groupId: string, groupGenerationId: number, memberId: string, topic: string, offset: number): Promise<string> {
  const response = await call<{ responses: { partitions: { errorCode: number }[] }[] }>('offsetCommit', 2, {
    groupId,
    groupGenerationId,
    memberId,
    retentionTime: -1,
    topics: [{ topic, partitions: [{ partition: 0, offset: String(offset) }] }],
  });
  return errorName(response.responses[0].partitions[0].errorCode);
}

/** FindCoordinator until it answers: the first request for a key creates the internal topic. */
const coordinatorReady = (key: string, coordinatorType: 0 | 1) =>
  eventually(async () => (await call<{ errorCode: number }>('findCoordinator', 1, { coordinatorKey: key, coordinatorType })).errorCode === 0, `a coordinator for ${key}`);

const groupOf = (groupId: string) => cluster().describe().groups.find((g) => g.groupId === groupId);

/** A group with one member, the leader, Stable at generation 1 and owning partition 0 of `topic`. */
async function stableGroupOfOne(topic: string) {
  const groupId = uniqueTopic('bad-group');
  await coordinatorReady(groupId, 0);
  const joined = await joinNew(groupId);
  expect(joined).toMatchObject({ errorCode: 0, generationId: 1, leaderId: joined.memberId });
  const synced = await sync(groupId, 1, joined.memberId, [{ memberId: joined.memberId, memberAssignment: assignmentOf(topic, [0]) }]);
  expect(synced.errorCode).toBe(0);
  expect(groupOf(groupId)?.state).toBe('Stable');
  return { groupId, memberId: joined.memberId };
}

function newTopic(partitions = 1): string {
  const topic = uniqueTopic('bad-input');
  cluster().createTopic({ name: topic, partitions });
  return topic;
}

// ------------------------------------------------------------------ the group coordinator

describe('group requests a well-behaved consumer would not send', () => {
  it('an offset commit from a member the group does not know is refused with UNKNOWN_MEMBER_ID and stores nothing', async () => {
    const topic = newTopic();
    const { groupId } = await stableGroupOfOne(topic);
    expect(await commit(groupId, 1, 'intruder-00000000', topic, 7)).toBe('UNKNOWN_MEMBER_ID');
    // Without a member id, only an Empty group takes commits (the admin client's way).
    expect(await commit(groupId, -1, '', topic, 7)).toBe('UNKNOWN_MEMBER_ID');
    expect(groupOf(groupId)?.offsets).toEqual([]);
  });

  it('a member of an older generation gets ILLEGAL_GENERATION; heartbeats during a rebalance get REBALANCE_IN_PROGRESS', async () => {
    const topic = newTopic(2);
    const { groupId, memberId: first } = await stableGroupOfOne(topic);

    // A second member starts a rebalance; its join waits until the first one rejoins.
    const secondJoin = joinNew(groupId);
    await eventually(() => groupOf(groupId)?.state === 'PreparingRebalance', 'the rebalance to begin');
    expect(await heartbeat(groupId, 1, first)).toBe('REBALANCE_IN_PROGRESS');
    // As in Kafka, the current generation may still commit what it read before rejoining.
    expect(await commit(groupId, 1, first, topic, 3)).toBe('NONE');

    const [rejoined, second] = await Promise.all([join(groupId, first), secondJoin]);
    expect(rejoined).toMatchObject({ errorCode: 0, generationId: 2, leaderId: first });
    expect(rejoined.members.map((m) => m.memberId).sort()).toEqual([first, second.memberId].sort());
    expect(second).toMatchObject({ errorCode: 0, generationId: 2, members: [] });

    expect(await commit(groupId, 1, first, topic, 5)).toBe('ILLEGAL_GENERATION');
    expect(await heartbeat(groupId, 1, first)).toBe('ILLEGAL_GENERATION');
    expect(errorName((await sync(groupId, 1, second.memberId)).errorCode)).toBe('ILLEGAL_GENERATION');
    // Between the join and the leader's sync the group takes no commits, even from the current generation.
    expect(await commit(groupId, 2, second.memberId, topic, 5)).toBe('REBALANCE_IN_PROGRESS');

    const followerSync = sync(groupId, 2, second.memberId);
    const leaderSync = await sync(groupId, 2, first, [
      { memberId: first, memberAssignment: assignmentOf(topic, [0]) },
      { memberId: second.memberId, memberAssignment: assignmentOf(topic, [1]) },
    ]);
    expect(leaderSync.errorCode).toBe(0);
    expect(AssignerProtocol.MemberAssignment.decode((await followerSync).memberAssignment)?.assignment).toEqual({ [topic]: [1] });
    expect(await heartbeat(groupId, 2, second.memberId)).toBe('NONE');
    expect(await commit(groupId, 2, second.memberId, topic, 9)).toBe('NONE');
    expect(groupOf(groupId)?.offsets).toEqual([expect.objectContaining({ topic, partition: 0, committed: 9 })]);
  });

  it('takes an assignment that is not a consumer assignment as opaque bytes, hands them back, and shows it as unreadable', async () => {
    const topic = newTopic();
    const groupId = uniqueTopic('bad-group');
    await coordinatorReady(groupId, 0);
    const leader = await joinNew(groupId);
    const followerJoin = joinNew(groupId);
    await eventually(() => groupOf(groupId)?.state === 'PreparingRebalance', 'the rebalance to begin');
    const [leaderAgain, follower] = await Promise.all([join(groupId, leader.memberId), followerJoin]);
    expect(leaderAgain).toMatchObject({ errorCode: 0, generationId: 2 });

    const garbage = Buffer.from('ffff7fffffff6e6f742061206173736967', 'hex'); // a negative version, then a huge array count
    const truncated = assignmentOf(topic, [0, 1, 2]).subarray(0, 9);
    const followerSync = sync(groupId, 2, follower.memberId);
    const leaderSync = await sync(groupId, 2, leader.memberId, [
      { memberId: leader.memberId, memberAssignment: truncated },
      { memberId: follower.memberId, memberAssignment: garbage },
      { memberId: 'not-a-member', memberAssignment: assignmentOf(topic, [0]) },
    ]);
    expect(leaderSync).toMatchObject({ errorCode: 0 });
    expect(leaderSync.memberAssignment.toString('hex')).toBe(truncated.toString('hex'));
    expect((await followerSync).memberAssignment.toString('hex')).toBe(garbage.toString('hex'));

    const group = groupOf(groupId)!;
    expect(group.state).toBe('Stable');
    expect(group.members.map((m) => m.assignment)).toEqual([null, null]);
    // DescribeGroups hands the bytes out unchanged too.
    const admin = kafkaFor(cluster()).admin();
    await admin.connect();
    const described = (await admin.describeGroups([groupId])).groups[0];
    await admin.disconnect();
    const byMember = new Map(described.members.map((m) => [m.memberId, m.memberAssignment]));
    expect(byMember.get(follower.memberId)?.toString('hex')).toBe(garbage.toString('hex'));
    expect(byMember.get(leader.memberId)?.toString('hex')).toBe(truncated.toString('hex'));
  });

  it('JoinGroup v4 without a member id answers MEMBER_ID_REQUIRED with an id; joining with that id gets in', async () => {
    const groupId = uniqueTopic('bad-group');
    await coordinatorReady(groupId, 0);
    const first = await join(groupId, '');
    expect(first).toMatchObject({ errorCode: 79, generationId: -1 });
    expect(errorName(first.errorCode)).toBe('MEMBER_ID_REQUIRED');
    expect(first.memberId).toMatch(/^bad-member-[0-9a-f-]{36}$/);
    expect(groupOf(groupId)?.members ?? []).toEqual([]); // handed an id, not yet a member

    const joined = await join(groupId, first.memberId);
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, memberId: first.memberId, leaderId: first.memberId, groupProtocol: 'range' });
    expect(groupOf(groupId)?.members.map((m) => m.memberId)).toEqual([first.memberId]);

    // A made-up id is not one the coordinator handed out.
    expect(errorName((await join(groupId, 'bad-member-made-up')).errorCode)).toBe('UNKNOWN_MEMBER_ID');
    // Before KIP-394 (v3) a member without an id joins at once with the id it is given.
    const oldClientGroup = uniqueTopic('bad-group');
    const v3 = await join(oldClientGroup, '', { version: 3 });
    expect(v3).toMatchObject({ errorCode: 0, generationId: 1, leaderId: v3.memberId });
    expect(errorName((await leave(oldClientGroup, v3.memberId)).errorCode)).toBe('NONE');
    expect(groupOf(oldClientGroup)?.state).toBe('Empty');
  });

  it('a member whose protocols the group cannot use gets INCONSISTENT_GROUP_PROTOCOL and leaves the group as it was', async () => {
    const topic = newTopic();
    const { groupId } = await stableGroupOfOne(topic);
    const before = groupOf(groupId)!;
    const noCommonAssignor = await join(groupId, '', { protocols: [{ name: 'roundrobin', metadata: consumerMetadata(topic) }] });
    expect(errorName(noCommonAssignor.errorCode)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    const otherProtocolType = await join(groupId, '', { protocolType: 'connect' });
    expect(errorName(otherProtocolType.errorCode)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(groupOf(groupId)).toMatchObject({ state: 'Stable', generationId: before.generationId, members: before.members });

    // An empty group takes no member without a protocol either.
    const emptyGroup = uniqueTopic('bad-group');
    expect(errorName((await join(emptyGroup, '', { protocols: [] })).errorCode)).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(errorName((await join(emptyGroup, '', { protocolType: '' })).errorCode)).toBe('INCONSISTENT_GROUP_PROTOCOL');
  });

  it('a session timeout outside group.min/max.session.timeout.ms (6000 / 1800000) is refused with INVALID_SESSION_TIMEOUT', async () => {
    const groupId = uniqueTopic('bad-group');
    await coordinatorReady(groupId, 0);
    expect(errorName((await join(groupId, '', { sessionTimeout: 5999 })).errorCode)).toBe('INVALID_SESSION_TIMEOUT');
    expect(errorName((await join(groupId, '', { sessionTimeout: 1_800_001 })).errorCode)).toBe('INVALID_SESSION_TIMEOUT');
    expect(errorName((await join(groupId, '', { sessionTimeout: 6000 })).errorCode)).toBe('MEMBER_ID_REQUIRED');
    expect(groupOf(groupId)?.members ?? []).toEqual([]);
  });
});

// ------------------------------------------------------------------ idempotence and the transaction coordinator

describe('producer ids and transactions a real producer would not use', () => {
  const produce = async (topic: string, producerId: number | string, producerEpoch: number, firstSequence: number, values: string[], transactionalId: string | null = null) => {
    const response = await call<{ topics: { partitions: { errorCode: number; baseOffset: string }[] }[] }>('produce', 3, {
      acks: -1,
      timeout: 5000,
      transactionalId,
      producerId: String(producerId),
      producerEpoch,
      topicData: [{ topic, partitions: [{ partition: 0, firstSequence, messages: values.map((value) => ({ value })) }] }],
    });
    const [p] = response.topics[0].partitions;
    return { error: errorName(p.errorCode), baseOffset: Number(p.baseOffset) };
  };
  const initProducerId = (transactionalId: string) =>
    call<{ errorCode: number; producerId: string; producerEpoch: number }>('initProducerId', 1, { transactionalId, transactionTimeout: 30_000 });
  const addPartitions = async (transactionalId: string, producerId: string, producerEpoch: number, topic: string) => {
    const response = await call<{ errors: { partitionErrors: { errorCode: number }[] }[] }>('addPartitionsToTxn', 1, {
      transactionalId,
      producerId,
      producerEpoch,
      topics: [{ topic, partitions: [0] }],
    });
    return errorName(response.errors[0].partitionErrors[0].errorCode);
  };
  const endTxn = async (transactionalId: string, producerId: string, producerEpoch: number, transactionResult: boolean) =>
    errorName((await call<{ errorCode: number }>('endTxn', 1, { transactionalId, producerId, producerEpoch, transactionResult })).errorCode);

  it('a batch from a producer id the partition has no state for is appended at any sequence, as Kafka does since KIP-360', async () => {
    const topic = newTopic();
    const neverIssued = 7_654_321;
    expect(await produce(topic, neverIssued, 0, 5, ['five', 'six'])).toEqual({ error: 'NONE', baseOffset: 0 });
    // From then on the partition holds that producer to its sequence.
    expect(await produce(topic, neverIssued, 0, 7, ['seven'])).toEqual({ error: 'NONE', baseOffset: 2 });
    expect(await produce(topic, neverIssued, 0, 5, ['five', 'six'])).toEqual({ error: 'NONE', baseOffset: 0 }); // a retry
    expect((await produce(topic, neverIssued, 0, 10, ['gap'])).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    expect((await produce(topic, neverIssued, 1, 3, ['new epoch, not at 0'])).error).toBe('OUT_OF_ORDER_SEQUENCE_NUMBER');
    const stored = await fetchMessages(kafkaFor(cluster()), topic, 0);
    expect(stored.map((m) => m.value?.toString())).toEqual(['five', 'six', 'seven']);
  });

  it('EndTxn with a producer id that is not the transactional id’s gets INVALID_PRODUCER_ID_MAPPING and ends nothing', async () => {
    const topic = newTopic();
    const transactionalId = uniqueTopic('bad-txn');
    await coordinatorReady(transactionalId, 1);
    const { producerId, producerEpoch } = await initProducerId(transactionalId);
    expect(await addPartitions(transactionalId, producerId, producerEpoch, topic)).toBe('NONE');
    expect((await produce(topic, producerId, producerEpoch, 0, ['open'], transactionalId)).error).toBe('NONE');

    const completed: unknown[] = [];
    const stop = cluster().events.on('transaction-completed', (e) => e.transactionalId === transactionalId && completed.push(e));
    expect(await endTxn(transactionalId, String(Number(producerId) + 1), producerEpoch, true)).toBe('INVALID_PRODUCER_ID_MAPPING');
    expect(await endTxn(uniqueTopic('never-initialised'), producerId, producerEpoch, true)).toBe('INVALID_PRODUCER_ID_MAPPING');
    expect(completed).toEqual([]);
    // The transaction is still open: its records stay invisible to read_committed until the real producer aborts.
    expect(await endTxn(transactionalId, producerId, producerEpoch, false)).toBe('NONE');
    stop();
    expect(completed).toEqual([expect.objectContaining({ outcome: 'abort' })]);
    expect(await readUntilSentinel(kafkaFor(cluster()), topic)).toEqual([]);
  });

  it('AddPartitionsToTxn with a fenced epoch gets INVALID_PRODUCER_EPOCH and starts no transaction', async () => {
    const topic = newTopic();
    const transactionalId = uniqueTopic('bad-txn');
    await coordinatorReady(transactionalId, 1);
    const zombie = await initProducerId(transactionalId);
    const current = await initProducerId(transactionalId);
    expect(current.producerId).toBe(zombie.producerId);
    expect(current.producerEpoch).toBe(zombie.producerEpoch + 1);

    expect(await addPartitions(transactionalId, zombie.producerId, zombie.producerEpoch, topic)).toBe('INVALID_PRODUCER_EPOCH');
    expect(await endTxn(transactionalId, zombie.producerId, zombie.producerEpoch, true)).toBe('INVALID_PRODUCER_EPOCH');
    // Nothing began: the current producer has no transaction to commit.
    expect(await endTxn(transactionalId, current.producerId, current.producerEpoch, true)).toBe('INVALID_TXN_STATE');
    expect(await addPartitions(transactionalId, current.producerId, current.producerEpoch, topic)).toBe('NONE');
    expect(await endTxn(transactionalId, current.producerId, current.producerEpoch, true)).toBe('NONE');
  });
});

describe('after all of that', () => {
  it('the broker still serves a normal consumer group and producer', async () => {
    const topic = newTopic();
    const producer = kafkaFor(cluster()).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'still' }, { value: 'serving' }] });
    await producer.disconnect();
    expect(await readUntilSentinel(kafkaFor(cluster()), topic)).toEqual(['still', 'serving']);
  });
});
