// For sandbox.test.ts: a grader that starts a sandboxed program (a shell sleeping in the
// background and the foreground) in the sandbox kind of argv[3], prints the host pid of the
// sleeper (and the container's name, for a container), then dies by SIGKILL.

import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../../grade/sandbox/sandbox.ts';
import { chooseSandbox, openSandbox, type SandboxMode } from '../../grade/sandbox/submission-sandbox.ts';

const root = process.argv[2];
const workDir = fs.mkdtempSync(path.join(root, 'killed-'));
const limits = { ...DEFAULT_LIMITS, wallClockMs: 60_000 };
const sandbox = await openSandbox(chooseSandbox(process.argv[3] as SandboxMode), { workDir, expose: [], hide: [root], limits });
const run = await sandbox.run({ command: '/bin/sh', args: ['-c', 'sleep 300 & echo started; wait'], workDir, env: {}, brokers: [], hide: [root], expose: [], limits, uid: 61_999 });
run.onLine(async (line) => {
  if (line !== 'started') return;
  // The sleeper's pid as the host sees it: the one sleep 300 of that uid (once the shell's fork has exec'd it).
  const sleeper = () => fs.readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && readCmdline(entry) === 'sleep\u0000300\u0000' && fs.statSync(`/proc/${entry}`, { throwIfNoEntry: false })?.uid === 61_999);
  const deadline = Date.now() + 5000;
  while (!sleeper() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  process.stdout.write(`program ${sleeper()} container ${sandbox.name ?? '-'}\n`, () => process.kill(process.pid, 'SIGKILL'));
});

function readCmdline(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
