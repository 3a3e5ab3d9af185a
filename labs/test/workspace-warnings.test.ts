// kafkajs 2.2.4 on Node 23+ prints "TimeoutNegativeWarning: -17… is a negative number" once a
// request it had to queue (an idempotent producer allows one in flight) has gone out: its queue
// timer is armed with throttledUntil (-1, never throttled) minus Date.now(). kafka-lab's brokers
// answer throttle_time_ms 0, as Kafka does, so the warning is the client's; the workspace module
// every lab program imports mutes it, and only it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { packagePath } from '../../simulator/package-root.ts';
import { useCluster } from '../../simulator/test/support/cluster.ts';

const cluster = useCluster({ brokers: 1 });

/** A kafkajs idempotent producer sending twice at once (the second send waits in its queue); returns stderr. */
async function twoSendsAtOnce(importWorkspace: boolean): Promise<string> {
  const script = [
    importWorkspace ? `import ${JSON.stringify(packagePath('labs', 'workspace-template', 'workspace.ts'))};` : '',
    `import { Kafka, logLevel, Partitioners } from 'kafkajs';`,
    `const kafka = new Kafka({ brokers: ${JSON.stringify(cluster().bootstrapServers)}, logLevel: logLevel.NOTHING });`,
    `const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });`,
    `await producer.connect();`,
    `await Promise.all([1, 2, 3].map((i) => producer.send({ topic: 'warnings', messages: [{ value: String(i) }] })));`,
    `await producer.disconnect();`,
    `process.emitWarning('a warning of another kind', 'OtherWarning');`,
  ].join('\n');
  const { stderr } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: packagePath(), encoding: 'utf8' });
  return stderr;
}

it('kafkajs warns of a negative timeout on its own, and a workspace program does not show it (other warnings still show)', async () => {
  cluster().createTopic({ name: 'warnings', partitions: 1 });
  const bare = await twoSendsAtOnce(false);
  expect(bare).toMatch(/TimeoutNegativeWarning: -\d{13} is a negative number/);
  const inWorkspace = await twoSendsAtOnce(true);
  expect(inWorkspace).not.toContain('TimeoutNegativeWarning');
  expect(inWorkspace).toContain('OtherWarning: a warning of another kind');
}, 60_000);
