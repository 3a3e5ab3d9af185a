// `delivery`: what a consumer that crashed and was restarted did with its input, judged by the
// history checker. The consumer "processes" a record by writing its value to an output topic; the
// check reads both topics and the group's committed offsets (any cluster), and asks the history
// checker which input records were skipped (below the committed offset, never processed) and which
// were processed twice. Each delivery semantics promises something different:
//
//   at-most-once      some records skipped, none twice (it committed before processing)
//   at-least-once     none skipped, some twice (it processed, then crashed before committing)
//   effectively-once  at least once, but the output is a table keyed by the record: each key once
//   exactly-once      none skipped, none twice in what read_committed consumers see, and aborted
//                     output in the log (the crash hit an open transaction)
//
// The check wants the semantics shown, crash included: a consumer that never crashed passes none
// of them. It judges a finished run: while the group has members (a run under way, or a crashed
// member not yet timed out), it waits.

import { checkHistory, recordText, type ConsumedRecord, type FinalLog, type HistoryReport } from '../../simulator/history/index.ts';
import { oneOf, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural, type CheckOutcome } from './check-kind.ts';
import type { ReadRecord } from './kafka-access.ts';

const SEMANTICS = ['at-most-once', 'at-least-once', 'effectively-once', 'exactly-once'] as const;
type Semantics = (typeof SEMANTICS)[number];

const PROMISE: Record<Semantics, string> = {
  'at-most-once': 'some records skipped after the crash, none processed twice',
  'at-least-once': 'no record skipped, some processed twice after the crash',
  'effectively-once': 'duplicates in the output log after the crash, but each record once in the table it keeps by key',
  'exactly-once': 'each record once in what read_committed consumers see, and the crashed transaction aborted',
};

export const delivery = defineCheck({
  type: 'delivery',
  needs: ['bootstrap'],
  passes: 'the consumer group processed `input` into `output` with the given semantics, a crash included (judged by the history checker)',
  params: {
    input: text('the topic the consumer reads'),
    output: text('the topic it writes each processed value to'),
    group: text('its consumer group'),
    semantics: oneOf(SEMANTICS, 'what the run must show'),
  },
  describe: ({ group, input, output, semantics }) => `group ${group} processed ${input} into ${output} ${semantics}`,
  async run({ input, output, group, semantics }, { kafka }) {
    const wanted = `${PROMISE[semantics]}; every record of ${input} committed`;
    for (const topic of [input, output]) if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const [ends, committed, inputRead, outputRead] = await Promise.all([kafka.offsets(input), kafka.committed(group, input), kafka.records(input, 100_000), kafka.records(output, 100_000)]);
    // A run under way has not crashed yet, or not finished: judge only when nobody is in the group.
    const described = await kafka.describeGroup(group);
    if (described.members.length > 0) {
      return fail(`group ${group} still has ${plural(described.members.length, 'member')}: the check judges the run once the consumer has stopped`, `${described.state}: ${described.members.map((m) => m.clientId).join(', ')}`, wanted);
    }
    const behind = ends.filter((p) => (committed.get(p.partition) ?? -1) < p.high);
    if (behind.length > 0) {
      const seen = ends.map((p) => `p${p.partition} ${committed.get(p.partition) ?? 'none'}/${p.high}`).join(', ');
      return fail(`group ${group} has not committed the end of ${input}: run the consumer again until it has read everything`, `committed ${seen} (offset/end)`, wanted);
    }

    // Which input record each output value is; a value that is none of them is the program's mistake.
    const byValue = new Map(inputRead.records.map((r) => [r.value?.toString('utf8') ?? '', r]));
    const outputs = semantics === 'effectively-once' ? latestPerKey(outputRead.records) : outputRead.records;
    const foreign = outputs.find((r) => !byValue.has(r.value?.toString('utf8') ?? ''));
    if (foreign) return fail(`${output} holds a value that is no record of ${input}`, `offset ${foreign.offset}: ${JSON.stringify(foreign.value?.toString('utf8'))}`, `each output value the value of the ${input} record it processes`);

    const consumed: ConsumedRecord[] = outputs.map((r, sequence) => {
      const source = byValue.get(r.value!.toString('utf8'))!;
      return { topic: input, partition: source.partition, offset: source.offset, key: recordText(source.key), value: recordText(source.value), consumer: group, sequence, time: 0 };
    });
    const logs: FinalLog[] = ends.map((p) => ({
      topic: input,
      partition: p.partition,
      logStartOffset: p.low,
      highWatermark: p.high,
      records: inputRead.records.filter((r) => r.partition === p.partition).map((r) => ({ offset: r.offset, key: recordText(r.key), value: recordText(r.value) })),
    }));
    const positions = ends.map((p) => ({ consumer: group, topic: input, partition: p.partition, offset: committed.get(p.partition)! }));
    const report = checkHistory({ acknowledged: [], consumed, truncations: [], positions }, logs);
    const aborted = semantics === 'exactly-once' ? (await kafka.records(output, 100_000, { uncommitted: true })).records.length - outputRead.records.length : 0;
    // Offsets written beyond one per record processed: duplicates, even once compaction removed them.
    const rawDuplicates = outputRead.total - new Set(outputRead.records.map((r) => r.value?.toString('utf8'))).size;
    return judge(semantics, report, { aborted, rawDuplicates, input, output, wanted });
  },
});

/** The output as a table: the last record of each key (what a compacted topic keeps). */
function latestPerKey(records: ReadRecord[]): ReadRecord[] {
  const table = new Map<string, ReadRecord>();
  for (const r of records) table.set(r.key?.toString('utf8') ?? `\0${r.offset}`, r);
  return [...table.values()];
}

function judge(semantics: Semantics, report: HistoryReport, facts: { aborted: number; rawDuplicates: number; input: string; output: string; wanted: string }): CheckOutcome {
  const skipped = report.counts.skipped;
  const twice = report.findings.filter((f) => f.kind === 'duplicate').length;
  const verdict = `history checker: ${report.verdict.replace(/^PASS: .*/, 'nothing lost or skipped')}; ${plural(twice, 'record')} processed more than once`;
  const example = (kind: string) => {
    const f = report.findings.find((x) => x.kind === kind);
    return f ? `; e.g. ${f.topic}[${f.partition}]@${f.offset} ${JSON.stringify(f.value)} ${f.detail}` : '';
  };
  const saw = `${verdict}${example(skipped > 0 ? 'skipped' : 'duplicate')}`;
  switch (semantics) {
    case 'at-most-once':
      if (twice > 0) return fail(`${plural(twice, 'record')} processed twice: the consumer committed after processing`, saw, facts.wanted);
      if (skipped === 0) return fail('no record was skipped: did it crash (--crash-after), and commit before processing?', saw, facts.wanted);
      return pass(`at most once: ${plural(skipped, 'record')} of ${facts.input} skipped by the crash, none processed twice`);
    case 'at-least-once':
      if (skipped > 0) return fail(`${plural(skipped, 'record')} skipped: the consumer committed before processing`, saw, facts.wanted);
      if (twice === 0) return fail('no record was processed twice: did it crash (--crash-after) before it committed?', saw, facts.wanted);
      return pass(`at least once: none skipped, ${plural(twice, 'record')} processed twice after the crash`);
    case 'effectively-once':
      if (skipped > 0 || twice > 0) return fail(`the table kept in ${facts.output} is not each record once`, `${saw} (the last record of each key)`, facts.wanted);
      if (facts.rawDuplicates <= 0) return fail(`${facts.output} was written no duplicate: did the consumer crash (--crash-after) before it committed?`, saw, facts.wanted);
      return pass(`effectively once: ${plural(facts.rawDuplicates, 'duplicate write')} to ${facts.output}, each record once in its table by key`);
    case 'exactly-once':
      if (skipped > 0 || twice > 0) return fail(`read_committed consumers of ${facts.output} do not see each record once`, saw, facts.wanted);
      if (facts.aborted <= 0) return fail(`${facts.output} holds no aborted record: did the consumer crash (--crash-after) inside its transaction?`, saw, facts.wanted);
      return pass(`exactly once: each record once for read_committed, ${plural(facts.aborted, 'record')} of the crashed transaction aborted`);
  }
}
