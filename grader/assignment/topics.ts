// The assignment's topics, created by the server when missing: `transaction` and `submit` with the
// assignment's partitions, `result` (and result-<vid> per group with private results), each kept
// for 30 days (Kafka's default is 7: a group that starts late still finds every transaction of a
// two-week assignment). `submit` stamps records with the broker's clock
// (message.timestamp.type=LogAppendTime), so deadlines and rate limits go by when a submission
// really arrived, not by a time its sender wrote.

import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';
import { resultTopicFor, type AssignmentConfig } from './state.ts';

const RETENTION_MS = 30 * 24 * 3600_000;

export function assignmentTopics(config: AssignmentConfig): ITopicConfig[] {
  const topic = (name: string, configEntries: { name: string; value: string }[] = []): ITopicConfig => ({
    topic: name,
    numPartitions: config.partitions,
    configEntries: [{ name: 'retention.ms', value: String(RETENTION_MS) }, ...configEntries],
  });
  const results = new Set([config.topics.result, ...config.groups.map((g) => resultTopicFor(config, g.vid))]);
  return [
    topic(config.topics.transaction),
    topic(config.topics.submit, [{ name: 'message.timestamp.type', value: 'LogAppendTime' }]),
    ...[...results].map((name) => topic(name)),
  ];
}

/** Creates the topics that do not exist yet; says whether submit's timestamps are the broker's. */
export async function ensureTopics(admin: Admin, config: AssignmentConfig): Promise<{ created: string[]; brokerTimestamps: boolean }> {
  const wanted = assignmentTopics(config);
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
    } catch (error) {
      // Created meanwhile (another server, auto-creation): what counts is that they exist now.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
    }
  }
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: config.topics.submit, configNames: ['message.timestamp.type'] }],
  });
  const timestampType = described.resources[0]?.configEntries.find((e) => e.configName === 'message.timestamp.type')?.configValue;
  return { created: missing.map((t) => t.topic), brokerTimestamps: timestampType === 'LogAppendTime' };
}
