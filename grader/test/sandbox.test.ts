// The sandbox's own promises, beside what the fixture class proves through whole gradings: its
// temp folders are its own (what one program leaves in /tmp, /var/tmp or /dev/shm another never
// sees, and the host's stay untouched), and a grader that dies — killed, no chance to clean up —
// takes every program it started with it.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { claimUid, DEFAULT_LIMITS, releaseUid, runSandboxed, sandboxKind } from '../grade/sandbox/sandbox.ts';

const sandbox = sandboxKind();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-sandbox-test-'));
fs.chmodSync(root, 0o711);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function runShell(script: string, limits = DEFAULT_LIMITS) {
  const uid = claimUid();
  try {
    const workDir = fs.mkdtempSync(path.join(root, 'work-'));
    const run = await runSandboxed({ command: '/bin/sh', args: ['-c', script], workDir, env: {}, brokers: [], hide: [root], expose: [], limits: { ...limits, wallClockMs: 20_000 }, uid });
    return { exit: await run.exit, output: run.output };
  } finally {
    releaseUid(uid);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!sandbox.isolated)(`the sandbox (${sandbox.description})`, () => {
  it('gives each program temp folders of its own', async () => {
    const marker = `kafka-lab-sandbox-test-${process.pid}`;
    const writer = await runShell(`for d in /tmp /var/tmp /dev/shm; do echo left > $d/${marker} || exit 4; done; ls -A /tmp /var/tmp /dev/shm`);
    expect(writer.exit).toMatchObject({ code: 0 });
    // It saw none of the host's files there: what it wrote, and the way in to its own work folder
    // and to the sandbox's sockets.
    const seen = writer.output.filter((line) => line && !line.endsWith(':'));
    expect(seen.filter((name) => name === marker)).toHaveLength(3);
    expect(seen.filter((name) => name !== marker && name !== path.basename(root) && !name.startsWith('kafka-lab-sandbox-'))).toEqual([]);
    for (const dir of ['/tmp', '/var/tmp', '/dev/shm']) expect(fs.existsSync(path.join(dir, marker)), dir).toBe(false);
    const reader = await runShell(`cat /tmp/${marker} /var/tmp/${marker} /dev/shm/${marker} 2>/dev/null && exit 3; exit 0`);
    expect(reader.exit).toMatchObject({ code: 0 });
  });

  it('bounds what a program writes to /tmp by its memory limit', async () => {
    const filler = await runShell('head -c 200000000 /dev/zero > /tmp/filler; echo wrote $?', { ...DEFAULT_LIMITS, memoryMb: 128 });
    expect(filler.output.join('\n')).not.toMatch(/wrote 0/);
  });

  it('ends every program of a grader that is killed', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/sandboxed-then-killed.ts', import.meta.url)), root], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(signal ?? c)));
    expect(code).toBe('SIGKILL');
    const pid = Number(out.match(/program (\d+)/)?.[1]);
    expect(pid, out).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(pid)).toBe(false);
  });
});
