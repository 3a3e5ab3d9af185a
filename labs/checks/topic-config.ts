// `topic-config`: the topic exists with these configs (cleanup.policy=compact, min.insync.replicas=2,
// ...), as DescribeConfigs reports them — what the student's admin code or kafka-configs set.

import { record, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass } from './check-kind.ts';

export const topicConfig = defineCheck({
  type: 'topic-config',
  needs: ['bootstrap'],
  passes: 'the topic exists and each config named has that value',
  params: {
    topic: text('the topic'),
    configs: record('config name → the value it must have, as text: {"cleanup.policy": "compact"}'),
  },
  describe: ({ topic, configs }) => `topic ${topic} has ${Object.entries(configs).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
  async run({ topic, configs }, { kafka }) {
    const wanted = Object.entries(configs).map(([k, v]) => `${k}=${String(v)}`).join(', ');
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const actual = await kafka.topicConfigs(topic);
    const wrong = Object.entries(configs).filter(([k, v]) => actual.get(k) !== String(v));
    if (wrong.length > 0) return fail(`topic ${topic} has ${wrong.map(([k]) => `${k}=${actual.get(k) ?? '(unset)'}`).join(', ')}`, wrong.map(([k]) => `${k}=${actual.get(k) ?? '(unset)'}`).join(', '), wanted);
    return pass(`topic ${topic} has ${wanted}`);
  },
});
