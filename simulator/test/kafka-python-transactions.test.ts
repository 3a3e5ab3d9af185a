// kafka-python's transactional producer (KafkaProducer(transactional_id=…): init_transactions,
// begin_transaction, commit_transaction, abort_transaction, send_offsets_to_transaction) and its
// isolation_level='read_committed' consumer against the transaction coordinator: what a commit
// makes visible, what an abort hides for good, and consumed offsets committed with the output.

import { expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { kafkaFor, uniqueTopic, useCluster } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';

const cluster = useCluster({ brokers: 3, groupInitialRebalanceDelayMs: 0, seed: 31 });
const python = findKafkaPython();

const groupOf = (groupId: string) => cluster().describe().groups.find((g) => g.groupId === groupId);

function newTopic(): string {
  const topic = uniqueTopic('py-txn');
  cluster().createTopic({ name: topic, partitions: 1, replicationFactor: 3 });
  return topic;
}

describeWithClient(python, 'kafka-python transactions', (pythonCommand) => {
  const script = async <T>(name: string, ...args: (string | number)[]): Promise<T[]> => {
    const { stdout } = await run(pythonCommand, [`${CLIENT_SCRIPTS}${name}`, cluster().bootstrapServers.join(','), ...args.map(String)], {
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
    });
    return jsonLines<T>(stdout);
  };
  const read = async (topic: string, isolation: 'read_committed' | 'read_uncommitted') =>
    (await script<{ offset: number; value: string }>('consume_isolation.py', topic, isolation)).map((r) => [r.offset, r.value] as const);

  it('committed transactions are visible to a read_committed consumer and aborted ones never are', async () => {
    const topic = newTopic();
    const transactionalId = uniqueTopic('py-producer');
    const outcomes: string[] = [];
    const stop = cluster().events.on('transaction-completed', (e) => e.transactionalId === transactionalId && outcomes.push(e.outcome));
    const steps = await script<{ step: string; offsets?: number[] }>('transactional_producer.py', topic, transactionalId);
    stop();

    // Each transaction ends with a marker that takes an offset of its own.
    expect(steps).toEqual([
      { step: 'initialised' },
      { step: 'committed', values: ['committed-0', 'committed-1', 'committed-2'], offsets: [0, 1, 2] },
      { step: 'aborted', values: ['aborted-0', 'aborted-1', 'aborted-2'], offsets: [4, 5, 6] },
      { step: 'committed', values: ['committed-3', 'committed-4'], offsets: [8, 9] },
    ]);
    expect(outcomes).toEqual(['commit', 'abort', 'commit']);
    expect(cluster().describe().topics.find((t) => t.name === topic)!.partitions[0]).toMatchObject({ logEndOffset: 11, highWatermark: 11 });

    expect(await read(topic, 'read_committed')).toEqual([
      [0, 'committed-0'],
      [1, 'committed-1'],
      [2, 'committed-2'],
      [8, 'committed-3'],
      [9, 'committed-4'],
    ]);
    // The aborted records are in the log: read_uncommitted sees them, never the markers.
    expect((await read(topic, 'read_uncommitted')).map(([offset]) => offset)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
  }, 60_000);

  it('consume-transform-produce: the consumed offset commits with the output, and an aborted transaction commits neither', async () => {
    const input = newTopic();
    const output = newTopic();
    const groupId = uniqueTopic('py-transformer');
    const producer = kafkaFor(cluster()).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: input, messages: ['alpha', 'beta', 'gamma', 'delta'].map((value) => ({ value })) });
    await producer.disconnect();

    const apis = new Set<string>();
    const stop = cluster().events.on('request-handled', (e) => e.clientId?.startsWith('kafka-python') && apis.add(e.api));
    const steps = await script<{ step: string; value: string }>('transform.py', input, output, groupId, uniqueTopic('py-transform'), 4);
    stop();
    expect(steps.map((s) => `${s.step} ${s.value}`)).toEqual(['committed alpha', 'committed beta', 'committed gamma', 'aborted delta']);
    expect([...apis]).toEqual(expect.arrayContaining(['InitProducerId', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn']));

    // The group's offset is the one the last committed transaction carried: delta is still to be read.
    expect(groupOf(groupId)?.offsets).toEqual([expect.objectContaining({ topic: input, partition: 0, committed: 3, lag: 1 })]);
    expect((await read(output, 'read_committed')).map(([, value]) => value)).toEqual(['ALPHA', 'BETA', 'GAMMA']);
    expect((await read(output, 'read_uncommitted')).map(([, value]) => value)).toEqual(['ALPHA', 'BETA', 'GAMMA', 'DELTA']);
  }, 60_000);
});
