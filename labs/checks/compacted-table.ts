// `compacted-table`: a compacted topic used as a table — the cleaner removed older values (their
// offsets stay empty), and the last record of each key is the value last written.

import { integer, regex, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const compactedTable = defineCheck({
  type: 'compacted-table',
  needs: ['bootstrap'],
  passes: 'the cleaner has removed most older values (at most half as many records as offsets written), and the table — the last record of each key — has `keys` keys, each value matching `match`',
  params: {
    topic: text('the compacted topic'),
    keys: integer({ min: 1 }, 'how many keys the table has'),
    match: regex("a regular expression each key's last value must match").optional(),
  },
  describe: ({ topic, keys }) => `the log of ${topic} is compacted to a table of ${plural(keys, 'key')}`,
  async run({ topic, keys, match }, { kafka }) {
    const wanted = `a table of ${plural(keys, 'key')}, older values removed by the cleaner`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const { records, total } = await kafka.records(topic, 100_000);
    const table = new Map<string, { offset: number; value: string }>();
    for (const r of records) table.set(r.key?.toString('utf8') ?? '', { offset: r.offset, value: r.value?.toString('utf8') ?? '' });
    const saw = `${plural(records.length, 'record')} in ${total} offsets, ${plural(table.size, 'key')}`;
    if (table.size !== keys) return fail(`${topic} has ${plural(table.size, 'key')}`, saw, wanted);
    const misfit = match && [...table].find(([, last]) => !match.test(last.value));
    if (misfit) return fail(`the last value of ${misfit[0]} does not match /${match!.source}/`, `offset ${misfit[1].offset}: ${JSON.stringify(misfit[1].value)}`, wanted);
    // Kafka never cleans the active segment: what was written there keeps its older values until a
    // later segment rolls, so a compacted log is one with most, not all, older values gone.
    if (records.length > total / 2) {
      return fail(`the log of ${topic} has not been compacted yet`, saw, `${wanted}; is cleanup.policy compact, segment.ms low (only rolled segments are cleaned), and min.cleanable.dirty.ratio low?`);
    }
    return pass(`${topic} compacted: ${saw}, the last value of each key kept`);
  },
});
