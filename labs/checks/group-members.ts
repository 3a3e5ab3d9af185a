// `group-members`: a consumer group is Stable with the expected number of members, every partition
// of the topic owned by exactly one of them — optionally `idle` members with no partition, or a
// `balanced` split. Read through DescribeGroups like `kafka-consumer-groups --describe --members`,
// so it works against any cluster.

import { flag, integer, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';
import type { GroupDescription } from './kafka-access.ts';

/** "consumer-a: [0,1] consumer-b: [2]", the picture in words. */
export function ownership(group: GroupDescription, topic: string): string {
  return group.members.map((m) => `${m.clientId}: [${(m.assignment[topic] ?? []).join(',')}]`).join(' ') || 'no members';
}

export const groupMembers = defineCheck({
  type: 'group-members',
  needs: ['bootstrap'],
  passes: 'the group is Stable with `members` members owning every partition of the topic once (with `idle` members owning none, or `balanced`)',
  params: {
    group: text('the consumer group'),
    topic: text('the topic it reads'),
    members: integer({ min: 1 }, 'how many members it has'),
    idle: integer({ min: 0 }, 'how many of them own no partition').optional(),
    balanced: flag('no member owns two partitions more than another').default(false),
  },
  describe: ({ group, topic, members, idle }) => `group ${group} is Stable with ${plural(members, 'member')} sharing ${topic}${idle ? `, ${idle} idle` : ''}`,
  async run({ group, topic, members, idle, balanced }, { kafka }) {
    const wanted = `${plural(members, 'member')} in a Stable group, every partition of ${topic} owned once${idle !== undefined ? `, ${idle} owning none` : ''}`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const [described, offsets] = await Promise.all([kafka.describeGroup(group), kafka.offsets(topic)]);
    const saw = `${described.state}, ${plural(described.members.length, 'member')}: ${ownership(described, topic)}`;
    if (described.state !== 'Stable') return fail(`group ${group} is ${described.state}`, saw, wanted);
    if (described.members.length !== members) return fail(`group ${group} has ${plural(described.members.length, 'member')}`, saw, wanted);
    const owned = described.members.flatMap((m) => m.assignment[topic] ?? []);
    const missing = offsets.map((p) => p.partition).filter((p) => !owned.includes(p));
    const twice = owned.filter((p, i) => owned.indexOf(p) !== i);
    if (missing.length > 0 || twice.length > 0) return fail(`group ${group} does not own every partition of ${topic} once`, saw, wanted);
    const counts = described.members.map((m) => (m.assignment[topic] ?? []).length);
    const idleCount = counts.filter((c) => c === 0).length;
    if (idle !== undefined && idleCount !== idle) return fail(`group ${group} has ${idleCount} idle members`, saw, wanted);
    if (balanced && Math.max(...counts) - Math.min(...counts) > 1) return fail(`group ${group} is not balanced`, saw, `${wanted}, balanced`);
    return pass(`group ${group} is Stable: ${ownership(described, topic)}`);
  },
});
