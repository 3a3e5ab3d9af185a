// `topic-exists`: the topic is there, with at least `partitions` partitions when given.

import { integer, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const topicExists = defineCheck({
  type: 'topic-exists',
  needs: ['bootstrap'],
  passes: 'the topic exists (with at least `partitions` partitions)',
  params: {
    topic: text('the topic'),
    partitions: integer({ min: 1 }, 'at least this many partitions').optional(),
  },
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
