// DescribeLogDirs and AlterReplicaLogDirs through kafka-python's admin (describe_log_dirs,
// alter_replica_log_dirs): each broker's one log dir with the real size of every replica it holds
// (the segment files on disk) and its lag; a move to the dir a replica is in succeeds, any other
// dir is LOG_DIR_NOT_FOUND. DescribeQuorum (describe_metadata_quorum) shows kafka-lab's controller.

import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import type { ClusterHandle, ClusterOptions } from '../index.ts';
import { kafkaFor, uniqueTopic } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { ownClusters } from './support/own-clusters.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';

const python = findKafkaPython();
const clusters = ownClusters('log-dirs', { brokers: 2, seed: 35 });
const cluster = (options: ClusterOptions = {}) => clusters.start(options);

interface LogDirResult {
  broker: number;
  log_dirs: { error_code: number; log_dir: string; total_bytes: number; usable_bytes: number; topics: { name: string; partitions: { partition_index: number; partition_size: number; offset_lag: number; is_future_key: boolean }[] }[] }[];
}

describeWithClient(python, 'log dirs and the metadata quorum through kafka-python', (pythonCommand) => {
  const admin = async <T>(c: ClusterHandle, steps: object[]) =>
    jsonLines<{ op: string; result: T; error?: string }>((await run(pythonCommand, [`${CLIENT_SCRIPTS}admin_steps.py`, c.bootstrapServers.join(','), '-', JSON.stringify(steps)], { env: { PYTHONDONTWRITEBYTECODE: '1' } })).stdout);

  it("reports each broker's log dir with the size of every replica's segment files", async () => {
    const dataDir = clusters.dataDir();
    const c = await cluster({ dataDir });
    const topic = uniqueTopic('sized');
    c.createTopic({ name: topic, assignments: [[1, 2], [2, 1]] });
    const producer = kafkaFor(c).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ partition: 0, value: 'v'.repeat(100 + i) })) });
    await producer.disconnect();

    const [step] = await admin<LogDirResult[]>(c, [{ op: 'describe_log_dirs', partitions: { [topic]: [0, 1] } }]);
    const byBroker = Object.fromEntries(step.result.map((r) => [r.broker, r.log_dirs]));
    for (const broker of [1, 2]) {
      const [dir] = byBroker[broker];
      const onDisk = (partition: number) => {
        const folder = path.join(dataDir, `broker-${broker}`, `${topic}-${partition}`);
        const segments = fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.log')) : [];
        return segments.reduce((sum, f) => sum + fs.statSync(path.join(folder, f)).size, 0);
      };
      expect(dir).toMatchObject({ error_code: 0, log_dir: path.join(dataDir, `broker-${broker}`) });
      expect(dir.total_bytes).toBeGreaterThan(dir.usable_bytes);
      expect(dir.topics).toEqual([
        {
          name: topic,
          partitions: [0, 1].map((p) => ({ partition_index: p, partition_size: onDisk(p), offset_lag: 0, is_future_key: false })),
        },
      ]);
    }
    expect(byBroker[1][0].topics[0].partitions[0].partition_size).toBeGreaterThan(5000);
    expect(byBroker[1][0].topics[0].partitions[1].partition_size).toBe(0);
  }, 60_000);

  it('moves a replica to the log dir it is in, and refuses another dir and a replica the broker does not hold', async () => {
    const c = await cluster({ inMemory: true });
    const topic = uniqueTopic('moved');
    c.createTopic({ name: topic, assignments: [[1]] });
    const [described] = await admin<LogDirResult[]>(c, [{ op: 'describe_log_dirs', partitions: null, brokers: [1] }]);
    const here = described.result[0].log_dirs[0].log_dir;
    expect(here).toBe('/kafka-lab/in-memory/broker-1');
    expect(described.result[0].log_dirs[0]).toMatchObject({ total_bytes: -1, usable_bytes: -1 });
    const missingTopic = uniqueTopic('missing');
    const [moved] = await admin<Record<string, string>>(c, [
      {
        op: 'alter_replica_log_dirs',
        moves: [
          [topic, 0, 1, here],
          [topic, 0, 2, '/kafka-lab/in-memory/broker-2'],
          [missingTopic, 0, 1, here],
          [topic, 0, 1, '/somewhere/else'],
        ],
      },
    ]);
    // kafka-python keeps one dir per replica (the last one given) and sends each broker its own request.
    expect(moved.result).toEqual({
      [`${topic}:0:1`]: 'LogDirNotFoundError',
      [`${topic}:0:2`]: 'ReplicaNotAvailableError',
      [`${missingTopic}:0:1`]: 'ReplicaNotAvailableError',
    });
    const [same] = await admin<Record<string, string>>(c, [{ op: 'alter_replica_log_dirs', moves: [[topic, 0, 1, here]] }]);
    expect(same.result).toEqual({ [`${topic}:0:1`]: 'NoError' });
  }, 60_000);

  it('describes the metadata quorum: the controller leads and every broker votes', async () => {
    const c = await cluster({ brokers: 3 });
    c.createTopic({ name: uniqueTopic('change') });
    const [step] = await admin<{ topics: { partitions: { leader_id: number; leader_epoch: number; high_watermark: number; current_voters: { replica_id: number; log_end_offset: number }[]; observers: unknown[] }[] }[] }>(c, [
      { op: 'describe_metadata_quorum' },
    ]);
    const [partition] = step.result.topics[0].partitions;
    expect(partition).toMatchObject({ leader_id: 1, leader_epoch: 1, observers: [] });
    expect(partition.high_watermark).toBeGreaterThan(0);
    expect(partition.current_voters.map((v) => [v.replica_id, v.log_end_offset])).toEqual([1, 2, 3].map((id) => [id, partition.high_watermark]));

    await c.stopBroker(1);
    const [after] = await admin<typeof step.result>(c, [{ op: 'describe_metadata_quorum' }]);
    expect(after.result.topics[0].partitions[0]).toMatchObject({ leader_id: 2, leader_epoch: 2 });
  }, 60_000);
});
