// `topic-exists`: the topic is there, with at least `partitions` partitions when given.

import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const topicExists = defineCheck({
  type: 'topic-exists',
  needs: ['bootstrap'],
  parse: (fields) => ({
    topic: fields.string('topic', {}),
    partitions: fields.integer('partitions', { min: 1, optional: true }),
  }),
  describe: ({ topic, partitions }) => `topic ${topic} exists${partitions ? ` with ${plural(partitions, 'partition')}` : ''}`,
  async run({ topic, partitions }, { kafka }) {
    const names = await kafka.topicNames();
    if (!names.includes(topic)) {
      const others = names.filter((n) => !n.startsWith('__'));
      return fail(`topic ${topic} does not exist`, others.length ? `topics: ${others.join(', ')}` : 'no topics yet', `a topic named ${topic}`);
    }
    const count = (await kafka.offsets(topic)).length;
    if (partitions !== undefined && count < partitions) {
      return fail(`topic ${topic} has ${plural(count, 'partition')}`, plural(count, 'partition'), `at least ${partitions}`);
    }
    return pass(`topic ${topic} exists with ${plural(count, 'partition')}`);
  },
});
