// group.min.session.timeout.ms / group.max.session.timeout.ms as cluster options: a kafka-python
// consumer joining with a session timeout outside them is refused with INVALID_SESSION_TIMEOUT
// (kafka-python raises InvalidSessionTimeoutError), one inside them joins, and DescribeConfigs of a
// broker reports the limits as static broker configs, as server.properties would set them.

import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, type ClusterHandle, type ClusterOptions } from '../index.ts';
import { kafkaFor, uniqueTopic } from './support/cluster.ts';
import { describeWithClient } from './support/external-clients.ts';
import { CLIENT_SCRIPTS, findKafkaPython, jsonLines, run } from '../testkit/external-clients.ts';

const python = findKafkaPython();
const started: ClusterHandle[] = [];
afterAll(() => Promise.all(started.map((c) => c.stop())));

async function clusterWith(options: ClusterOptions): Promise<ClusterHandle> {
  const cluster = await startCluster({ brokers: 1, groupInitialRebalanceDelayMs: 0, ...options });
  started.push(cluster);
  return cluster;
}

async function brokerConfigs(cluster: ClusterHandle, names: string[]) {
  const admin = kafkaFor(cluster).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ resources: [{ type: 4, name: '1', configNames: names }], includeSynonyms: false });
    return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, { value: e.configValue, source: e.configSource }]));
  } finally {
    await admin.disconnect();
  }
}

describe('group session limits', () => {
  it("default to Kafka's 6000 / 1800000 and are reported as broker configs", async () => {
    const cluster = await clusterWith({});
    expect(await brokerConfigs(cluster, ['group.min.session.timeout.ms', 'group.max.session.timeout.ms'])).toEqual({
      'group.min.session.timeout.ms': { value: '6000', source: 4 },
      'group.max.session.timeout.ms': { value: '1800000', source: 4 },
    });
  });

  it('report the values the cluster was started with', async () => {
    const cluster = await clusterWith({ groupMinSessionTimeoutMs: 500, groupMaxSessionTimeoutMs: 60_000 });
    expect(await brokerConfigs(cluster, ['group.min.session.timeout.ms', 'group.max.session.timeout.ms'])).toEqual({
      'group.min.session.timeout.ms': { value: '500', source: 4 },
      'group.max.session.timeout.ms': { value: '60000', source: 4 },
    });
  });

  it.each([
    [{ groupMinSessionTimeoutMs: 0 }, 'groupMinSessionTimeoutMs must be a whole number of milliseconds, at least 1, not 0'],
    [{ groupMaxSessionTimeoutMs: 1.5 }, 'groupMaxSessionTimeoutMs must be a whole number of milliseconds, at least 1, not 1.5'],
    [{ groupMinSessionTimeoutMs: 10_000, groupMaxSessionTimeoutMs: 9000 }, 'groupMinSessionTimeoutMs (10000) is above groupMaxSessionTimeoutMs (9000): no session timeout would be accepted'],
  ])('refuse to start with %o', async (options, message) => {
    await expect(startCluster({ brokers: 1, port: 0, ...options })).rejects.toThrow(message);
  });
});

describeWithClient(python, 'group session limits through kafka-python', (pythonCommand) => {
  const join = async (cluster: ClusterHandle, sessionTimeoutMs: number) => {
    const topic = uniqueTopic('session-limits');
    cluster.createTopic({ name: topic, partitions: 2 });
    const { stdout } = await run(pythonCommand, [`${CLIENT_SCRIPTS}join_group.py`, cluster.bootstrapServers.join(','), topic, uniqueTopic('session-group'), String(sessionTimeoutMs)], {
      env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore::DeprecationWarning' },
    });
    return jsonLines(stdout);
  };

  it("refuses a consumer's 3 s session timeout under Kafka's default minimum with INVALID_SESSION_TIMEOUT", async () => {
    const cluster = await clusterWith({});
    expect(await join(cluster, 3000)).toEqual([{ joined: false, error: 'InvalidSessionTimeoutError' }]);
    expect(await join(cluster, 6000)).toEqual([{ joined: true, partitions: [0, 1] }]);
  }, 60_000);

  it('lets the same consumer join once the minimum is lowered, and refuses one above a lowered maximum', async () => {
    const cluster = await clusterWith({ groupMinSessionTimeoutMs: 1000, groupMaxSessionTimeoutMs: 10_000 });
    expect(await join(cluster, 3000)).toEqual([{ joined: true, partitions: [0, 1] }]);
    expect(await join(cluster, 10_001)).toEqual([{ joined: false, error: 'InvalidSessionTimeoutError' }]);
  }, 60_000);
});
