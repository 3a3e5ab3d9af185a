// `assignment-verdicts`: the practice assignment server accepted at least `accepted` transactions
// from the student — counting the latest ones — with at most `duplicates` submissions answered 409
// since the first of them (a verifier that submits a transaction twice, after a restart say, gets
// 409 for the second), and with `group`, each of them committed past by that consumer group on the
// transaction topic (the verifier read them in its group and says so).

import { CODES, type StoredVerdict } from '../../grader/assignment/index.ts';
import { integer, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';
import { withPractice } from './practice-assignment.ts';

export const assignmentVerdicts = defineCheck({
  type: 'assignment-verdicts',
  needs: ['workspace', 'bootstrap'],
  passes: 'the practice assignment server accepted ≥ `accepted` of the student\'s submissions, with ≤ `duplicates` answered 409 since the first of the latest `accepted`, each committed by `group` when given',
  params: {
    accepted: integer({ min: 1 }, 'at least this many accepted transactions (the latest count)').default(1),
    duplicates: integer({ min: 0 }, 'at most this many 409s since the first of them').optional(),
    group: text('a consumer group that must have committed past each of those transactions on the transaction topic').optional(),
  },
  describe: ({ accepted, duplicates, group }) =>
    `the practice server accepted ≥ ${accepted}${duplicates === undefined ? '' : `, ${duplicates === 0 ? 'none' : `≤ ${duplicates}`} submitted twice`}${group ? `, read by group ${group}` : ''}`,
  async run({ accepted, duplicates, group }, { workspaceDir, kafka }) {
    const twiceText = duplicates === 0 ? 'none answered 409 since the first of them' : `at most ${duplicates} answered 409 since the first of them`;
    const wanted = `≥ ${accepted} accepted${duplicates === undefined ? '' : `, ${twiceText}`}${group ? `, each committed past by group ${group}` : ''}`;
    const read = withPractice(workspaceDir, ({ config, store, group: you }) => {
      const verdicts = store.verdictsOf(you.vid);
      const places = new Map(verdicts.filter((v) => v.code === CODES.ACCEPTED).map((v) => [v.txid, store.findTransaction(v.txid)]));
      return { config, you, verdicts, places };
    });
    if ('missing' in read) return fail('no practice server data', read.missing, wanted);
    const { config, you, verdicts } = read;
    const accepts = verdicts.filter((v) => v.code === CODES.ACCEPTED);
    const counts = countByCode(verdicts);
    const saw = `${plural(verdicts.length, 'submission')} from ${you.vid}: ${counts}`;
    if (accepts.length < accepted) return fail(`${accepts.length} of the ${accepted} accepted transactions needed`, saw, wanted);
    const latest = accepts.slice(-accepted);
    const since = latest[0].judgedAt;
    if (duplicates !== undefined) {
      const twice = verdicts.filter((v) => v.code === CODES.DUPLICATE && v.judgedAt >= since);
      if (twice.length > duplicates) {
        return fail(`${plural(twice.length, 'transaction')} submitted again after being accepted`, `409 for ${twice.slice(0, 3).map((v) => v.txid).join(', ')}${twice.length > 3 ? ', …' : ''}`, wanted);
      }
    }
    if (group) {
      const committed = await kafka.committed(group, config.topics.transaction);
      const unread = latest.filter((v) => {
        const place = read.places.get(v.txid);
        return !place || place.offset === null || (committed.get(place.partition) ?? -1) <= place.offset;
      });
      if (unread.length > 0) return fail(`group ${group} has not committed past ${plural(unread.length, 'accepted transaction')}`, `not committed: ${describe(unread)}; committed ${[...committed].map(([p, o]) => `p${p} ${o}`).join(', ') || 'nothing'}`, wanted);
    }
    return pass(`the practice server accepted ${accepts.length} transactions from ${you.vid}${duplicates === undefined ? '' : ', none submitted twice lately'}${group ? `, read by ${group}` : ''}`);
  },
});

function countByCode(verdicts: StoredVerdict[]): string {
  const counts = new Map<number, number>();
  for (const v of verdicts) counts.set(v.code, (counts.get(v.code) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([code, n]) => `${code}×${n}`).join(', ') || 'none';
}

const describe = (verdicts: StoredVerdict[]) => `${verdicts.slice(0, 3).map((v) => v.txid).join(', ')}${verdicts.length > 3 ? ', …' : ''}`;
