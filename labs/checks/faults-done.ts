// `faults-done`: the step's faults (its "faults" in lab.json) have all fired at least once — the
// other checks of the step then judge what the programs did through them.

import { defineCheck, fail, pass, plural } from './check-kind.ts';

export const faultsDone = defineCheck({
  type: 'faults-done',
  needs: ['watch'],
  passes: "the step's faults have run to the end at least once",
  params: {},
  describe: () => "the step's faults have all fired",
  async run(_, { step }) {
    const faults = step!.faults;
    if (!faults) return fail('this step has no faults', 'no "faults" in the step', 'a step with faults');
    const fired = faults.timeline.filter((e) => e.outcome !== undefined).length;
    const saw = `${fired} of ${plural(faults.timeline.length, 'fault')} fired${faults.problem ? `; ${faults.problem}` : ''}`;
    if (faults.completed === 0) return fail(faults.state === 'waiting' ? `the faults wait: they start ${faults.trigger}` : 'the faults are under way', saw, 'every fault of the step fired');
    return pass(`the faults fired: ${faults.timeline.map((e) => e.text).join(', ')}`);
  },
});
