// ElectLeaders through kafka-python's admin (elect_leaders), as the replication lab uses it: a
// broker that stopped and came back does not lead again by itself; a preferred election gives it
// its partitions back, an unclean one gives a leaderless partition an out-of-sync leader, and
// every case Kafka refuses is answered with its error.

import { expect, it } from 'vitest';
import type { ClusterHandle, ClusterOptions } from '../index.ts';
import { RawConnection } from '../net/raw-connection.ts';
import { eventually, uniqueTopic } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { ownClusters } from './support/own-clusters.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';

const python = findKafkaPython();
const clusters = ownClusters('elections', { brokers: 3, seed: 43 });
const cluster = (options: ClusterOptions = {}) => clusters.start(options);

const partitions = (c: ClusterHandle, topic: string) => c.describe().topics.find((t) => t.name === topic)!.partitions;

type Step = { op: string; result?: { error_code: number; replica_election_results: { topic: string; partition_result: { partition_id: number; error_code: number; error_message: string | null }[] }[] }; error?: string };

describeWithClient(python, 'ElectLeaders through kafka-python', (pythonCommand) => {
  const admin = async (c: ClusterHandle, steps: object[]) =>
    jsonLines<Step>((await run(pythonCommand, [`${CLIENT_SCRIPTS}admin_steps.py`, c.bootstrapServers.join(','), '-', JSON.stringify(steps)], { env: { PYTHONDONTWRITEBYTECODE: '1' } })).stdout);
  const results = (step: Step) => step.result!.replica_election_results.flatMap((t) => t.partition_result.map((p) => [`${t.topic}[${p.partition_id}]`, p.error_code, p.error_message]));

  it('a preferred election gives a returned broker its partitions back; the others need none', async () => {
    const c = await cluster();
    const topic = uniqueTopic('preferred');
    c.createTopic({ name: topic, partitions: 3, replicationFactor: 3 });
    const preferred = partitions(c, topic).map((p) => p.replicas[0]);
    const returning = preferred[0];
    await c.stopBroker(returning);
    await c.restartBroker(returning);
    await eventually(() => partitions(c, topic).every((p) => p.isr.length === 3), 'every replica back in sync');
    const moved = partitions(c, topic).filter((p) => p.leader !== p.replicas[0]).map((p) => p.partition);
    expect(moved.length).toBeGreaterThan(0); // leadership stayed where failover put it

    const [elected, again] = await admin(c, [
      { op: 'elect_leaders', type: 0, partitions: { [topic]: [0, 1, 2] } },
      { op: 'elect_leaders', type: 0, partitions: { [topic]: [0, 1, 2] } },
    ]);
    expect(results(elected)).toEqual([0, 1, 2].map((i) => (moved.includes(i) ? [`${topic}[${i}]`, 0, null] : [`${topic}[${i}]`, 84, 'Leader election not needed for topic partition.'])));
    expect(results(again).map(([, code]) => code)).toEqual([84, 84, 84]);
    expect(partitions(c, topic).map((p) => p.leader)).toEqual(preferred);
    const elections = c.events.recent(200).filter((e) => e.type === 'leader-changed' && e.topic === topic && e.reason === 'preferred');
    expect(elections).toHaveLength(moved.length);
  }, 60_000);

  it('refuses a preferred election while the preferred replica is down, and names unknown topics and partitions', async () => {
    const c = await cluster();
    const topic = uniqueTopic('unavailable');
    c.createTopic({ name: topic, partitions: 1, replicationFactor: 2 });
    const [preferred] = partitions(c, topic)[0].replicas;
    await c.stopBroker(preferred);
    const missing = uniqueTopic('missing');
    const [step] = await admin(c, [{ op: 'elect_leaders', type: 0, partitions: { [topic]: [0, 7] } }]);
    expect(results(step)).toEqual([
      [`${topic}[0]`, 80, 'The preferred leader was not available.'],
      [`${topic}[7]`, 3, `No such partition as ${topic}-7`],
    ]);
    // kafka-python checks topic names against its metadata first; a bare request reaches the broker.
    const connection = await RawConnection.open(c.bootstrapServers.find((_, i) => i + 1 !== preferred)!);
    try {
      const answer = await connection.call(43, 2, { electionType: 0, topicPartitions: [{ topic: missing, partitions: [0] }], timeoutMs: 1000 });
      expect(answer).toMatchObject({ errorCode: 0, replicaElectionResults: [{ topic: missing, partitionResult: [{ partitionId: 0, errorCode: 3, errorMessage: `No such topic as ${missing}` }] }] });
      // Every partition when none are named: only those an election changed (or could not) are answered.
      const all = await connection.call(43, 2, { electionType: 0, topicPartitions: null, timeoutMs: 1000 });
      const named = (all!.replicaElectionResults as { topic: string; partitionResult: { partitionId: number; errorCode: number }[] }[]).find((t) => t.topic === topic);
      expect(named?.partitionResult).toEqual([{ partitionId: 0, errorCode: 80, errorMessage: 'The preferred leader was not available.' }]);
    } finally {
      connection.destroy();
    }
  }, 60_000);

  it('an unclean election gives a leaderless partition its out-of-sync replica as leader', async () => {
    const c = await cluster({ replicaLagTimeMaxMs: 500 });
    const topic = uniqueTopic('unclean');
    c.createTopic({ name: topic, partitions: 1, replicationFactor: 2 });
    const [leader, follower] = partitions(c, topic)[0].replicas;
    await c.killBroker(follower);
    await c.killBroker(leader);
    await c.restartBroker(follower);
    await eventually(() => partitions(c, topic)[0].leader === -1 && partitions(c, topic)[0].isr.join() === String(leader), 'the partition offline, its ISR the dead leader');

    const [clean, unclean, notNeeded] = await admin(c, [
      { op: 'elect_leaders', type: 0, partitions: { [topic]: [0] } },
      { op: 'elect_leaders', type: 1, partitions: { [topic]: [0] } },
      { op: 'elect_leaders', type: 1, partitions: { [topic]: [0] } },
    ]);
    expect(results(clean)).toEqual([[`${topic}[0]`, 80, 'The preferred leader was not available.']]);
    expect(results(unclean)).toEqual([[`${topic}[0]`, 0, null]]);
    expect(results(notNeeded)).toEqual([[`${topic}[0]`, 84, 'Leader election not needed for topic partition.']]);
    expect(partitions(c, topic)[0]).toMatchObject({ leader: follower, isr: [follower] });
    expect(c.events.recent(100).some((e) => e.type === 'leader-changed' && e.topic === topic && e.reason === 'unclean' && e.leader === follower)).toBe(true);
  }, 60_000);

  it('refuses a client without ALTER on the cluster', async () => {
    const c = await cluster({ brokers: 1, users: [{ name: 'ta', password: 'ta-pw' }, { name: 'student', password: 'student-pw' }], superUsers: ['ta'] });
    const topic = uniqueTopic('guarded');
    c.createTopic({ name: topic });
    const steps = [{ op: 'elect_leaders', type: 0, partitions: { [topic]: [0] } }];
    const runAs = async (login: string) =>
      jsonLines<Step>((await run(pythonCommand, [`${CLIENT_SCRIPTS}admin_steps.py`, c.bootstrapServers.join(','), login, JSON.stringify(steps)], { env: { PYTHONDONTWRITEBYTECODE: '1' } })).stdout);
    const [refused] = await runAs('student:student-pw');
    expect(refused.result!.error_code).toBe(31);
    expect(results(refused)).toEqual([[`${topic}[0]`, 31, 'Request ElectLeaders from User:student is not authorized.']]);
    const [allowed] = await runAs('ta:ta-pw');
    expect(results(allowed)).toEqual([[`${topic}[0]`, 84, 'Leader election not needed for topic partition.']]);
  }, 60_000);
});
