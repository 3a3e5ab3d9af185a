// kafka-lab chaos benchmark (`npm run bench:chaos`): how many seeded fault schedules per minute the
// fault campaign runs — each a fresh topic on a 3-broker cluster, kafkajs writing with acks=all
// through kills, restarts and splits, then a heal, restarts, catch-up and the history checker's
// verdict (simulator/testkit/fault-campaign.ts, the code simulator/test/fault-campaign.test.ts runs).
//
// BENCH_SCHEDULES (default 200) and BENCH_PARALLEL (default 8: schedules mostly wait for client
// retries, not for the CPU) change the run. Progress goes to stderr, results to stdout.

import os from 'node:os';
import { runCampaign } from '../simulator/testkit/fault-campaign.ts';

// kafkajs 2.2.4 arms a timer with a negative delay after every response, which Node 24 warns about.
for (const listener of process.listeners('warning')) process.off('warning', listener);
process.on('warning', (warning) => warning.name !== 'TimeoutNegativeWarning' && console.error(warning));

const schedules = Number(process.env.BENCH_SCHEDULES ?? 200);
const parallel = Number(process.env.BENCH_PARALLEL ?? 8);

const cpus = os.cpus();
console.log(`kafka-lab chaos benchmark: ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}\n`);
const cpuBefore = process.cpuUsage();
let done = 0;
const campaign = await runCampaign({
  schedules,
  parallel,
  onResult: () => process.stderr.write(`\r\x1b[K${++done}/${schedules} schedules`),
});
process.stderr.write('\r\x1b[K');
const cpu = process.cpuUsage(cpuBefore);
const seconds = campaign.elapsedMs / 1000;
const results = campaign.results;
const steps = results.reduce((sum, r) => sum + r.timeline.length, 0);
const acknowledged = results.reduce((sum, r) => sum + r.report.acknowledged, 0);
const failedWrites = results.reduce((sum, r) => sum + r.writes.failed, 0);
console.log(`chaos    ${Math.round((schedules / seconds) * 60)} fault schedules/minute   (${schedules} in ${seconds.toFixed(1)} s, ${parallel} clusters side by side)`);
console.log(`         ${steps} fault steps, ${acknowledged} records acknowledged, ${failedWrites} writes failed during faults`);
console.log(`         CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s for the whole run: the schedules wait on client retries and timeouts`);
console.log(campaign.line);
process.exit(campaign.failed === 0 ? 0 : 1);
