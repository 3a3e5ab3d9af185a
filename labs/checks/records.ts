// `records`: the topic holds at least `min` records whose values fit a shape (a regular expression,
// JSON fields with types, numbered "message #i" covering a range). Read like a consumer without a
// group, so it works against any cluster.

import { integer, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural, quote } from './check-kind.ts';
import { describeShape, judge, missingNumbers, refineValueShape, VALUE_SHAPE } from './value-matcher.ts';

export const records = defineCheck({
  type: 'records',
  needs: ['bootstrap'],
  passes: 'the topic holds at least `min` (at most `max`) records whose values fit `match`, `json` and `numbered`',
  params: {
    topic: text('the topic'),
    min: integer({ min: 1 }, 'at least this many fitting records').default(1),
    max: integer({ min: 1 }, 'at most this many fitting records').optional(),
    ...VALUE_SHAPE,
  },
  refine: refineValueShape,
  describe: ({ topic, min, max, ...shape }) =>
    `topic ${topic} holds ${max === undefined ? `≥ ${min}` : `${min}–${max}`} records ${describeShape(shape)}` +
    (shape.numbered ? ` numbered ${shape.numbered.from}–${shape.numbered.from + shape.numbered.count - 1}` : ''),
  async run({ topic, min, max, ...shape }, { kafka }) {
    const wanted = `${max === undefined ? `at least ${min}` : `${min} to ${max}`} records ${describeShape(shape)}`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const { records: read, total } = await kafka.records(topic, Math.max(20_000, (max ?? min) * 2));
    let matching = 0;
    let firstMisfit: string | undefined;
    const numbers = new Set<number>();
    for (const record of read) {
      const verdict = judge(shape, record.value?.toString('utf8') ?? '');
      if (!verdict.ok) {
        firstMisfit ??= `${verdict.why} (offset ${record.offset})`;
        continue;
      }
      matching++;
      if (verdict.number !== undefined) numbers.add(verdict.number);
    }
    const counted = `${plural(total, 'record')} on ${topic}, ${matching} ${describeShape(shape)}`;
    const saw = firstMisfit ? `${counted}; e.g. ${firstMisfit}` : counted;
    if (matching < min) return fail(`topic ${topic} has ${matching} of the ${min} records needed`, saw, wanted);
    if (max !== undefined && matching > max) return fail(`topic ${topic} has ${matching} records, more than ${max}`, saw, wanted);
    const missing = shape.numbered ? missingNumbers(shape.numbered, numbers) : null;
    if (missing) return fail(`topic ${topic} lacks some numbered records`, `missing ${missing}`, `every number ${shape.numbered!.from}–${shape.numbered!.from + shape.numbered!.count - 1}`);
    const example = read.find((r) => judge(shape, r.value?.toString('utf8') ?? '').ok);
    return pass(`topic ${topic} holds ${plural(matching, 'record')} ${describeShape(shape)}${example ? `, e.g. ${quote(example.value?.toString('utf8') ?? '', 40)}` : ''}`);
  },
});
