// `keys-in-order`: records with the same key go to one partition, and within it they stay in the
// order they were sent — Kafka orders records per partition, not per topic. The values carry a
// number (`match`'s capture group) that grows per key.

import { integer, regex, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const keysInOrder = defineCheck({
  type: 'keys-in-order',
  needs: ['bootstrap'],
  passes: "at least `min` keyed records; each key's records are in one partition, numbered in increasing order by `match`'s capture group",
  params: {
    topic: text('the topic'),
    min: integer({ min: 1 }, 'at least this many records with a key').default(1),
    match: regex("a regular expression whose first capture group is the record's number for its key"),
  },
  describe: ({ topic, min }) => `topic ${topic} holds ≥ ${min} keyed records, each key in one partition and in order`,
  async run({ topic, min, match }, { kafka }) {
    const wanted = `≥ ${min} keyed records on ${topic}, each key in a single partition, its numbers increasing`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const { records } = await kafka.records(topic);
    const keyed = records.filter((r) => r.key !== null);
    if (keyed.length < min) return fail(`topic ${topic} has ${plural(keyed.length, 'keyed record')}`, `${plural(records.length, 'record')}, ${keyed.length} with a key`, wanted);
    const byKey = new Map<string, { partitions: Set<number>; last: number; outOfOrder?: string }>();
    for (const r of keyed.sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const key = r.key!.toString('utf8');
      const entry = byKey.get(key) ?? { partitions: new Set<number>(), last: -Infinity };
      byKey.set(key, entry);
      entry.partitions.add(r.partition);
      const found = match.exec(r.value?.toString('utf8') ?? '');
      const number = found?.[1] !== undefined ? Number(found[1]) : NaN;
      if (Number.isNaN(number)) entry.outOfOrder ??= `${topic}[${r.partition}]@${r.offset} has no number matching /${match.source}/`;
      else if (number <= entry.last) entry.outOfOrder ??= `${topic}[${r.partition}]@${r.offset}: #${number} after #${entry.last}`;
      entry.last = Math.max(entry.last, number);
    }
    const spread = [...byKey].filter(([, e]) => e.partitions.size > 1);
    if (spread.length > 0) {
      const [key, e] = spread[0];
      return fail(`key ${key} is in ${e.partitions.size} partitions`, `${key} in partitions ${[...e.partitions].join(', ')}`, 'every key in one partition: send keyed records with the default partitioner');
    }
    const disordered = [...byKey].filter(([, e]) => e.outOfOrder);
    if (disordered.length > 0) return fail(`key ${disordered[0][0]} is out of order`, disordered[0][1].outOfOrder!, wanted);
    const partitionsOf = [...byKey].map(([key, e]) => `${key}→${[...e.partitions][0]}`);
    return pass(`${plural(byKey.size, 'key')}, each in one partition and in order: ${partitionsOf.slice(0, 6).join(' ')}${partitionsOf.length > 6 ? ' …' : ''}`);
  },
});
