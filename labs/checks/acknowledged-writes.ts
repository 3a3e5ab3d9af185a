// `acknowledged-writes`: what the cluster promised producers of a topic while the step ran, judged
// by the history checker against the final log — were writes the producer was told are stored
// lost? acks=1 with a leader that dies loses them; acks=all with min.insync.replicas does not.
// Acknowledgements are seen only by the broker, so this needs the lab watching its own cluster.

import { integer, oneOf, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const acknowledgedWrites = defineCheck({
  type: 'acknowledged-writes',
  needs: ['watch'],
  passes: 'at least `min` writes to the topic were acknowledged while the step ran, and `lost` says whether some of them are gone from its final log',
  params: {
    topic: text('the topic'),
    lost: oneOf(['some', 'none'], 'some: acknowledged writes must have been lost (the demonstration); none: not one'),
    min: integer({ min: 1 }, 'at least this many acknowledged writes').default(1),
  },
  describe: ({ topic, lost, min }) => `≥ ${min} writes to ${topic} acknowledged, ${lost === 'none' ? 'none of them lost' : 'some of them lost'}`,
  recorded: ({ topic }) => [topic],
  async run({ topic, lost, min }, { step }) {
    const history = step!.history;
    if (!history) return fail('the lab is not recording this topic', 'no recording', `acknowledgements of ${topic}`);
    const report = history.check();
    const wanted = `≥ ${min} acknowledged writes to ${topic}, ${lost === 'none' ? 'none lost' : 'some lost'}`;
    const firstLost = report.findings.find((f) => f.kind === 'lost');
    const saw = `${report.verdict}; ${plural(report.acknowledged, 'write')} acknowledged${firstLost ? `; e.g. ${topic}[${firstLost.partition}]@${firstLost.offset} ${JSON.stringify(firstLost.value)}: ${firstLost.detail}` : ''}`;
    if (report.acknowledged < min) return fail(`${plural(report.acknowledged, 'write')} to ${topic} acknowledged so far`, saw, wanted);
    if (lost === 'some' && report.counts.lost === 0) return fail(`no acknowledged write to ${topic} was lost`, saw, wanted);
    if (lost === 'none' && report.counts.lost > 0) return fail(`${plural(report.counts.lost, 'acknowledged write')} to ${topic} lost`, saw, wanted);
    return pass(`${report.verdict.replace(/^(PASS|FAIL): /, '')}; ${plural(report.acknowledged, 'write')} acknowledged`);
  },
});
