// For sandbox.test.ts: a grader that starts a sandboxed program (a shell sleeping in the
// background and the foreground), prints the host pid of the sleeper, then dies by SIGKILL.

import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIMITS, runSandboxed } from '../../grade/sandbox/sandbox.ts';

const root = process.argv[2];
const workDir = fs.mkdtempSync(path.join(root, 'killed-'));
const run = await runSandboxed({ command: '/bin/sh', args: ['-c', 'sleep 300 & echo started; wait'], workDir, env: {}, brokers: [], hide: [root], expose: [], limits: { ...DEFAULT_LIMITS, wallClockMs: 60_000 }, uid: 61_999 });
run.onLine((line) => {
  if (line !== 'started') return;
  // The sleeper's pid as the host sees it: the one sleep 300 of that uid.
  const pid = fs.readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && readCmdline(entry) === 'sleep\u0000300\u0000' && fs.statSync(`/proc/${entry}`).uid === 61_999);
  process.stdout.write(`program ${pid}\n`, () => process.kill(process.pid, 'SIGKILL'));
});

function readCmdline(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
