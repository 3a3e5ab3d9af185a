// The sandbox's own promises, beside what the fixture class proves through whole gradings, for
// each kind: namespaces on the host, and a container per submission (its programs in it). Temp
// folders are each program's own (what one leaves in /tmp, /var/tmp or /dev/shm another never
// sees, and the host's stay untouched) and bounded by its memory limit; a neighbour's folder and
// /root are not there; the only network is the broker; a memory hog, a fork bomb and an endless
// program end with their reason; and a grader that dies — killed, no chance to clean up — takes
// every program it started with it (and its container). Leftover containers and control folders
// of a dead grader are removed by the next.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { probeContainerRuntime, removeLeftovers } from '../grade/sandbox/container.ts';
import { claimUid, DEFAULT_LIMITS, releaseUid, removeDeadGradersFolders, sandboxKind, type SandboxLimits } from '../grade/sandbox/sandbox.ts';
import { chooseSandbox, openSandbox, type SandboxChoice } from '../grade/sandbox/submission-sandbox.ts';
import { describeWithContainerSandbox } from './support/container-runtime.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-sandbox-test-'));
fs.chmodSync(root, 0o711);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
const NODE_PREFIX = path.dirname(path.dirname(fs.realpathSync(process.execPath)));

/** One submission: its sandbox opened, `scripts` run one after the other in it, then closed. */
async function submission(choice: SandboxChoice, scripts: (string | { command: string; args: string[] })[], limits: Partial<SandboxLimits> = {}, brokers: string[] = []) {
  const uid = claimUid();
  const workDir = fs.mkdtempSync(path.join(root, 'work-'));
  const all = { ...DEFAULT_LIMITS, wallClockMs: 20_000, ...limits };
  const sandbox = await openSandbox(choice, { workDir, expose: [NODE_PREFIX], hide: [root], limits: all });
  try {
    const runs = [];
    for (const script of scripts) {
      const { command, args } = typeof script === 'string' ? { command: '/bin/sh', args: ['-c', script] } : script;
      const run = await sandbox.run({ command, args, workDir, env: {}, brokers, hide: [root], expose: [NODE_PREFIX], limits: all, uid });
      runs.push({ exit: await run.exit, output: run.output });
    }
    return runs;
  } finally {
    await sandbox.close();
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

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  return condition();
}

const namespaces = chooseSandbox(sandboxKind().isolated ? 'namespaces' : 'limits');
describe.skipIf(namespaces.kind !== 'namespaces')(`the sandbox: namespaces (${namespaces.description})`, () => sandboxTests('namespaces', namespaces));
describeWithContainerSandbox('the sandbox: a container per submission', (choice) => sandboxTests('container', choice));

function sandboxTests(kind: 'namespaces' | 'container', choice: SandboxChoice): void {
  it('gives each program temp folders of its own', async () => {
    const marker = `kafka-lab-sandbox-test-${process.pid}`;
    const [writer, reader] = await submission(choice, [
      `for d in /tmp /var/tmp /dev/shm; do echo left > $d/${marker} || exit 4; done; ls -A /tmp /var/tmp /dev/shm`,
      `cat /tmp/${marker} /var/tmp/${marker} /dev/shm/${marker} 2>/dev/null && exit 3; exit 0`,
    ]);
    expect(writer.exit).toMatchObject({ code: 0 });
    // It saw none of the host's files there: what it wrote, and the way in to its own work folder
    // and to the sandbox's sockets.
    const seen = writer.output.filter((line) => line && !line.endsWith(':'));
    expect(seen.filter((name) => name === marker)).toHaveLength(3);
    expect(seen.filter((name) => name !== marker && name !== path.basename(root) && !/^kafka-lab-(sandbox|container)-/.test(name))).toEqual([]);
    for (const dir of ['/tmp', '/var/tmp', '/dev/shm']) expect(fs.existsSync(path.join(dir, marker)), dir).toBe(false);
    // The next program of the same submission finds nothing of it either.
    expect(reader.exit).toMatchObject({ code: 0 });
  });

  it('bounds what a program writes to /tmp by its memory limit', async () => {
    const [filler] = await submission(choice, ['head -c 200000000 /dev/zero > /tmp/filler; echo wrote $?'], { memoryMb: 128 });
    expect(filler.output.join('\n')).not.toMatch(/wrote 0/);
  });

  it("keeps a neighbour's folder and /root out of reach, its own folder writable", async () => {
    const neighbour = fs.mkdtempSync(path.join(root, 'neighbour-'));
    fs.writeFileSync(path.join(neighbour, 'secret.txt'), 'the neighbour-s answers');
    fs.chmodSync(neighbour, 0o755);
    fs.chmodSync(path.join(neighbour, 'secret.txt'), 0o644); // readable by anyone on the host: only the sandbox stands between
    const [program] = await submission(choice, [
      `cat ${neighbour}/secret.txt 2>/dev/null && exit 3; ls ${root} 2>/dev/null | grep -q neighbour && exit 4; find /root -maxdepth 4 2>/dev/null; echo mine > own.txt && cat own.txt`,
    ]);
    expect(program.exit).toMatchObject({ code: 0 });
    expect(program.output.at(-1)).toBe('mine');
    // Of /root, only the way to what it was given (node, when it is kept there) is left.
    expect(program.output.slice(0, -1).filter((found) => !`${NODE_PREFIX}/`.startsWith(`${found}/`))).toEqual([]);
  });

  it('lets a program reach the broker and nothing else', async () => {
    const listen = (reply: string) =>
      new Promise<net.Server>((resolve) => {
        const server = net.createServer((socket) => socket.end(reply)).listen(0, '127.0.0.1', () => resolve(server));
      });
    const broker = await listen('broker here');
    const other = await listen('a port of the host that is no broker');
    const port = (server: net.Server) => (server.address() as net.AddressInfo).port;
    try {
      const probe = `const net = require('node:net');
        const probe = (host, port) => new Promise((done) => {
          const s = net.connect(port, host); let data = '';
          s.setTimeout(3000, () => { s.destroy(); done('timeout'); });
          s.on('data', (c) => (data += c)).on('end', () => done(data)).on('error', (e) => done(e.code));
        });
        (async () => {
          console.log('broker: ' + await probe('127.0.0.1', ${port(broker)}));
          console.log('other: ' + await probe('127.0.0.1', ${port(other)}));
          console.log('outside: ' + await probe('192.0.2.1', 80));
        })();`;
      const [program] = await submission(choice, [{ command: process.execPath, args: ['-e', probe] }], {}, [`127.0.0.1:${port(broker)}`]);
      expect(program.exit).toMatchObject({ code: 0 });
      expect(program.output).toEqual(['broker: broker here', 'other: ECONNREFUSED', 'outside: ENETUNREACH']);
    } finally {
      broker.close();
      other.close();
    }
  });

  it('ends a memory hog, a fork bomb and an endless program with their reason', { timeout: 60_000 }, async () => {
    const [hog, bomb, endless] = await submission(
      choice,
      ['head -c 400000000 /dev/zero | tail > /dev/null', 'i=0; while [ $i -lt 60 ]; do sleep 2 & i=$((i+1)); done; wait', 'while :; do :; done'],
      { memoryMb: 128, processes: 24, wallClockMs: 4_000 },
    );
    expect(hog.exit.reason).toMatch(/killed by the memory limit of 128 MB/);
    expect(bomb.exit.reason).toMatch(/hit the limit of 24 processes/);
    expect(endless.exit.reason).toMatch(/wall-clock limit of 4 s reached/);
  });

  it('ends every program of a grader that is killed', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/sandboxed-then-killed.ts', import.meta.url)), root, kind], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(signal ?? c)));
    expect(code).toBe('SIGKILL');
    const pid = Number(out.match(/program (\d+)/)?.[1]);
    expect(pid, out).toBeGreaterThan(0);
    expect(await until(() => !alive(pid), 10_000)).toBe(true);
    if (kind === 'namespaces') {
      // Its programs' control folders stay behind, named for it; the next grader's first program removes them, and no living grader's.
      const folders = (grader: number) => fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith(`kafka-lab-sandbox-${grader}-`));
      expect(folders(child.pid!)).not.toEqual([]);
      const living = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-lab-sandbox-${process.pid}-`));
      removeDeadGradersFolders('kafka-lab-sandbox-');
      expect(folders(child.pid!)).toEqual([]);
      expect(fs.existsSync(living)).toBe(true);
      fs.rmSync(living, { recursive: true });
    }
    if (kind === 'container') {
      const name = out.match(/container (\S+)/)![1];
      const cli = choice.runtime!.cli;
      expect(await until(() => spawnSync(cli, ['container', 'exists', name]).status !== 0 && !spawnSync(cli, ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).stdout.includes(name), 15_000), `${name} still there`).toBe(true);
    }
  });

  if (kind === 'container') {
    it('removes the containers a dead grader left', { timeout: 60_000 }, async () => {
      const { runtime, image } = probeContainerRuntime();
      const cli = runtime!.cli;
      const dead = spawnSync('true').pid!; // a grader pid that no longer runs
      expect(alive(dead)).toBe(false);
      const name = `kafka-lab-grade-${dead}-leftover-${process.pid}`;
      const started = spawnSync(cli, ['run', '-d', '--label', 'kafka-lab.grade=1', '--name', name, '--network', 'none', '--mount', 'type=bind,source=/usr,destination=/usr,readonly', image!, '/usr/bin/sleep', '300'], { encoding: 'utf8' });
      expect(started.status, started.stderr).toBe(0);
      const control = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-lab-container-${dead}-`)); // its control folder
      expect(removeLeftovers(cli)).toContain(name);
      expect(spawnSync(cli, ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).stdout.split('\n')).not.toContain(name);
      expect(fs.existsSync(control)).toBe(false);
    });
  }
}
