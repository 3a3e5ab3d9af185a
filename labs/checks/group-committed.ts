// `group-committed`: consumer group `group` committed offsets on `topic` — summed over partitions at
// least `min`, and with `atEnd` equal to the end of every partition (it read everything).

import { flag, integer, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass } from './check-kind.ts';

export const groupCommitted = defineCheck({
  type: 'group-committed',
  needs: ['bootstrap'],
  passes: "the group's committed offsets on the topic add up to at least `min` (and, with `atEnd`, equal every partition's end)",
  params: {
    group: text('the consumer group'),
    topic: text('the topic'),
    min: integer({ min: 0 }, 'the committed offsets, summed over partitions, at least').default(1),
    atEnd: flag('every partition committed up to its end').default(false),
  },
  describe: ({ group, topic, min, atEnd }) => `group ${group} committed ${atEnd ? 'the end of' : `≥ ${min} on`} ${topic}${atEnd && min > 0 ? ` (≥ ${min})` : ''}`,
  async run({ group, topic, min, atEnd }, { kafka }) {
    const wanted = atEnd ? `committed offsets at the end of every partition of ${topic}${min > 0 ? `, ≥ ${min} in all` : ''}` : `committed offsets on ${topic} adding up to ≥ ${min}`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const [ends, committed] = await Promise.all([kafka.offsets(topic), kafka.committed(group, topic)]);
    const positions = ends.map((p) => ({ ...p, committed: committed.get(p.partition) ?? -1 }));
    const withCommits = positions.filter((p) => p.committed >= 0);
    if (withCommits.length === 0) return fail(`group ${group} has committed no offsets on ${topic}`, 'no committed offsets', wanted);
    const sum = withCommits.reduce((s, p) => s + p.committed, 0);
    const seen = positions.map((p) => `p${p.partition} ${p.committed < 0 ? 'none' : p.committed}/${p.high}`).join(', ');
    const saw = `committed ${seen} (offset/end)`;
    if (sum < min) return fail(`group ${group} committed ${sum} on ${topic}`, saw, wanted);
    if (atEnd) {
      const behind = positions.filter((p) => p.committed < p.high && p.high > p.low);
      if (behind.length > 0) {
        const lag = behind.reduce((s, p) => s + p.high - Math.max(p.committed, p.low), 0);
        return fail(`group ${group} is ${lag} records behind the end of ${topic}`, saw, wanted);
      }
    }
    return pass(`group ${group} committed ${seen} on ${topic}`);
  },
});
