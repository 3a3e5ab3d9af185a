// `totals-per-key`: the output topic is a table of totals — its last record per key is the number
// of input records with that key (clickstream hits per domain). Computed from the input as the
// check reads it, so it holds for whatever the producer sent; any cluster.

import { text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const totalsPerKey = defineCheck({
  type: 'totals-per-key',
  needs: ['bootstrap'],
  passes: "the output's last record for each key of the input is the number of input records with that key",
  params: {
    input: text('the topic counted, by key'),
    output: text('the topic of totals: key → count, as text'),
  },
  describe: ({ input, output }) => `${output} holds, per key, the number of records of ${input} with that key`,
  async run({ input, output }, { kafka }) {
    const wanted = `for each key of ${input}, its last record in ${output} equal to its count`;
    for (const topic of [input, output]) if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const [inputRead, outputRead] = await Promise.all([kafka.records(input, 100_000), kafka.records(output, 100_000)]);
    const counts = new Map<string, number>();
    for (const r of inputRead.records) {
      const key = r.key?.toString('utf8');
      if (key === undefined) return fail(`${input} holds a record without a key`, `offset ${r.offset} of partition ${r.partition}`, 'every record keyed');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const table = new Map<string, string>();
    for (const r of outputRead.records) table.set(r.key?.toString('utf8') ?? '', r.value?.toString('utf8') ?? '');
    const wrong = [...counts].filter(([key, count]) => table.get(key)?.trim() !== String(count));
    const shown = [...counts].slice(0, 4).map(([key, count]) => `${key}: ${table.get(key) ?? 'none'} (counted ${count})`).join(', ');
    if (counts.size === 0) return fail(`${input} is empty`, 'no records', wanted);
    if (wrong.length > 0) return fail(`${plural(wrong.length, 'key')} of ${input} have the wrong total in ${output}`, wrong.slice(0, 3).map(([key, count]) => `${key}: ${table.get(key) ?? 'none'}, counted ${count}`).join('; '), wanted);
    return pass(`${output} has the right total for each of ${plural(counts.size, 'key')}: ${shown}${counts.size > 4 ? ', …' : ''}`);
  },
});
