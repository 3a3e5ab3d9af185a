// `log-history`: the topic's log as the history checker judges it — every record read back once,
// through any cluster's bootstrap servers — passes when no record is stored twice (a producer
// that resent on restart, a retry without idempotence) and, with `contiguous`, when each
// partition's offsets run without a gap from its start to its end. Built for the grader; a lab
// may use it as well.

import { checkHistory, recordText, type FinalLog } from '../../simulator/history/index.ts';
import { flag, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural, quote } from './check-kind.ts';

export const logHistory = defineCheck({
  type: 'log-history',
  needs: ['bootstrap'],
  passes: 'no record of the topic is stored twice (and, with `contiguous`, every partition\'s offsets run without a gap)',
  params: {
    topic: text('the topic'),
    contiguous: flag("each partition's offsets run without a gap from its start to its end").default(true),
  },
  describe: ({ topic, contiguous }) => `topic ${topic} stores every record once${contiguous ? ', at contiguous offsets' : ''}`,
  async run({ topic, contiguous }, { kafka }) {
    const wanted = `every record of ${topic} stored once${contiguous ? ', offsets without gaps' : ''}`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const offsets = await kafka.offsets(topic);
    const { records, total } = await kafka.records(topic, 200_000);
    const logs: FinalLog[] = offsets.map((p) => ({
      topic,
      partition: p.partition,
      logStartOffset: p.low,
      highWatermark: p.high,
      records: records.filter((r) => r.partition === p.partition).map((r) => ({ offset: r.offset, key: recordText(r.key), value: recordText(r.value) })),
    }));
    const consumed = records.map((r, sequence) => ({ topic, partition: r.partition, offset: r.offset, key: recordText(r.key), value: recordText(r.value), consumer: 'log', sequence, time: 0 }));
    const report = checkHistory({ acknowledged: [], consumed, truncations: [] }, logs);
    const duplicates = report.findings.filter((f) => f.kind === 'duplicate');
    if (duplicates.length > 0) {
      const first = duplicates[0];
      return fail(
        `topic ${topic} stores ${plural(duplicates.length, 'record')} more than once`,
        `${quote(first.value ?? 'null', 40)} ${first.detail}${duplicates.length > 1 ? ` (and ${duplicates.length - 1} more)` : ''}`,
        wanted,
      );
    }
    if (contiguous) {
      for (const log of logs) {
        const held = log.records!.map((r) => r.offset);
        const gap = held.findIndex((offset, i) => offset !== log.logStartOffset + i);
        if (gap >= 0 || held.length !== log.highWatermark - log.logStartOffset) {
          const at = gap >= 0 ? log.logStartOffset + gap : log.logStartOffset + held.length;
          return fail(`partition ${log.partition} of ${topic} has a gap in its offsets`, `no record at offset ${at} (log ${log.logStartOffset}–${log.highWatermark - 1})`, wanted);
        }
      }
    }
    return pass(`topic ${topic}: ${plural(total, 'record')}, each stored once${contiguous ? ', offsets contiguous' : ''}`);
  },
});
