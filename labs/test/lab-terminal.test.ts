// The real `kafka-lab lab` in a real terminal: tmux runs it at 80×30, a scripted student runs each
// step's solution as separate processes, and the test reads the screen (capture-pane) until the
// step is ticked. Then Ctrl-C, and the terminal must be as it was.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeWithClient } from '../../simulator/test/support/external-clients.ts';
import { findLab } from '../engine/load.ts';
import type { Language } from '../engine/lab-definition.ts';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { CLI_SHELL, runCli } from './support/cli.ts';
import { findTmux } from './support/clients.ts';
import { findPython } from '../../simulator/testkit/external-clients.ts';
import { runStepSolution, workspaceFor } from './support/student.ts';
import { temporaryDir } from './support/tiny-lab.ts';

const exec = promisify(execFile);
const tmux = findTmux();
const python = findPython(['kafka']);

/** Polls the screen until `pattern` shows, or fails with the last screen after `timeoutMs`. */
async function screenShows(read: () => Promise<string>, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  for (;;) {
    screen = await read();
    const match = pattern.exec(screen);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`the screen did not show ${pattern} within ${timeoutMs} ms; it shows:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

describeWithClient(tmux, 'kafka-lab lab in a terminal', (tmuxCommand) => {
  it('ticks every step of lab 1 as a student runs the TypeScript solutions, and Ctrl-C gives the terminal back', async () => {
    const lab = findLab('producer-consumer');
    const home = temporaryDir('home');
    const workspaceDir = await workspaceFor([lab], { bootstrap: '127.0.0.1:9092', solved: true });
    const socket = ['-S', path.join(temporaryDir('tmux'), 'socket')]; // a tmux server of its own, removed afterwards
    const run = (...args: string[]) => exec(tmuxCommand, [...socket, ...args], { encoding: 'utf8' });
    const screen = async () => (await run('capture-pane', '-p', '-t', 'lab')).stdout;
    const shell = `cd ${quote(workspaceDir)} && env KAFKA_LAB_HOME=${quote(home)} ${CLI_SHELL} lab producer-consumer --port 0; echo "[kafka-lab exited $?]"; sleep 600`;
    await run('-u', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '30', shell);
    try {
      const [, bootstrap] = await screenShows(screen, /bootstrap=(127\.0\.0\.1:\d+)/);
      expect(await screen()).toContain(`export KAFKA_BOOTSTRAP=${bootstrap}`); // the workspace says 9092

      for (const [index, step] of lab.steps.entries()) {
        const row = `${index + 1} ${escape(step.title)}`;
        await screenShows(screen, new RegExp(`▸ ○ ${row}`));
        await screenShows(screen, new RegExp(`Step ${index + 1} of ${lab.steps.length}`));
        await runStepSolution(lab, step, { workspaceDir, language: 'typescript', bootstrap });
        await screenShows(screen, new RegExp(`✓ ${row}`));
      }
      const done = await screen();
      for (const [index, step] of lab.steps.entries()) expect(done).toContain(`✓ ${index + 1} ${step.title}`);
      expect(done).toMatch(/group sensor-filewriter[^\n]*\n[^\n]*\n\s*TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +OWNER\n\s*data +0 +100 +100 +0/); // the live panel of the last step

      await run('send-keys', '-t', 'lab', 'C-c');
      const after = (await screenShows(screen, /\[kafka-lab exited (\d+)\]/)).input!;
      expect(after).toContain('[kafka-lab exited 0]');
      expect(after).toContain(`kafka-lab: your progress is kept in ${path.join(home, 'progress.json')}`);
      expect(after).not.toContain('kafka-lab ›'); // the alternate screen is gone, the shell's is back
    } finally {
      await run('kill-server').catch(() => {});
    }
    const progress = JSON.parse(fs.readFileSync(path.join(home, 'progress.json'), 'utf8')) as { labs: Record<string, { steps: Record<string, { passedAt?: string }> }> };
    expect(Object.keys(progress.labs['producer-consumer'].steps).filter((id) => progress.labs['producer-consumer'].steps[id].passedAt)).toEqual(lab.steps.map((s) => s.id));
  });

  /**
   * The real `kafka-lab lab <id>` in an 80×34 terminal, a scripted student running every step's
   * solution (consumers kept running until the screen ticks the step, as a student would), every
   * screen sampled a few times a second; then Ctrl-C. Returns what the screens showed.
   */
  async function tickEveryStep(labId: string, language: Language, pythonCommand?: string): Promise<string> {
    const lab = findLab(labId);
    const home = temporaryDir('home');
    const workspaceDir = await workspaceFor([lab], { bootstrap: '127.0.0.1:9092', solved: true });
    const socket = ['-S', path.join(temporaryDir('tmux'), 'socket')];
    const run = (...args: string[]) => exec(tmuxCommand, [...socket, ...args], { encoding: 'utf8' });
    const screen = async () => (await run('capture-pane', '-p', '-t', 'lab')).stdout;
    const shell = `cd ${quote(workspaceDir)} && env NO_COLOR=1 KAFKA_LAB_HOME=${quote(home)} ${CLI_SHELL} lab ${labId} --port 0; echo "[kafka-lab exited $?]"; sleep 600`;
    await run('-u', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '34', shell);
    const seen: string[] = [];
    const sampler = setInterval(() => void screen().then((now) => seen.push(now), () => {}), 300);
    try {
      const [, bootstrap] = await screenShows(screen, /bootstrap=(127\.0\.0\.1:\d+)/);
      for (const [index, step] of lab.steps.entries()) {
        const row = `${index + 1} ${escape(step.title.slice(0, 14))}`;
        await screenShows(screen, new RegExp(`Step ${index + 1} of ${lab.steps.length}`));
        const ticked = async () => new RegExp(`✓ ${row}`).test(await screen());
        await runStepSolution(lab, step, { workspaceDir, language, bootstrap, python: pythonCommand }, { until: ticked, timeoutMs: 90_000 }).catch(async (error: Error) => {
          throw new Error(`step ${index + 1} (${step.id}): ${error.message}\n--- the screen:\n${await screen()}`);
        });
        await screenShows(screen, new RegExp(`✓ ${row}`), 60_000);
      }
      clearInterval(sampler);
      // The last step as it passed (the sampler may have stopped before that screen), then back
      // through the passed steps: each shows what its checks found.
      const last = lab.steps.length;
      seen.push((await screenShows(screen, new RegExp(`Step ${last} of ${last}[^]*✓ Step ${last} passed`))).input!);
      for (let index = lab.steps.length - 2; index >= 0; index--) {
        await run('send-keys', '-t', 'lab', 'Left');
        seen.push((await screenShows(screen, new RegExp(`Step ${index + 1} of ${lab.steps.length}[^]*✓ passed`))).input!);
      }
      for (const line of (await screen()).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      await run('send-keys', '-t', 'lab', 'C-c');
      expect((await screenShows(screen, /\[kafka-lab exited (\d+)\]/))[1]).toBe('0');
      if (process.env.KAFKA_LAB_SCREENS) fs.writeFileSync(process.env.KAFKA_LAB_SCREENS, seen.join('\n'));
      return seen.join('\n');
    } finally {
      clearInterval(sampler);
      await run('kill-server').catch(() => {});
    }
  }

  describeWithClient(python, 'lab 3 in Python', (pythonCommand) =>
    it('ticks every step: the partitions → members picture, the lag table, and the coordinator killed on screen', async () => {
      const screens = await tickEveryStep('consumer-groups', 'python', pythonCommand);
      expect(screens).toMatch(/group my-group · Stable · generation \d+ · 2 members/);
      expect(screens).toMatch(/sample2\[0\]→consumer-[ab] +sample2\[1\]→consumer-[ab] +sample2\[2\]→consumer-[ab]/); // partitions → members
      expect(screens).toMatch(/TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +OWNER\n +sample2 +0 +\d+ +\d+ +\d+ +consumer-/);
      expect(screens).toMatch(/sample2\[\d\]→consumer-c/); // the member that crashes, until the session timeout drops it
      expect(screens).toMatch(/✓ \+1s +kill broker \d \(coordinator of my-group\)/); // the fault as it fired
      expect(screens).toMatch(/Brokers .*\d down/); // the chaos screen's picture of the brokers, while the coordinator is dead
    }, 600_000),
  );

  it('ticks every step of lab 4 in TypeScript: the history checker\'s verdicts, and brokers killed under the producer on screen', async () => {
    const screens = await tickEveryStep('delivery-semantics', 'typescript');
    expect(screens).toMatch(/✓ at most once: 70 records of orders skipped by the crash, none processed/);
    expect(screens).toMatch(/✓ at least once: none skipped, 30 records processed twice after the crash/);
    expect(screens).toMatch(/✓ effectively once: 30 duplicate writes to payments-effectively-once/);
    expect(screens).toMatch(/✓ exactly once: each record once for read_committed, 30 records of the crash/);
    expect(screens).toMatch(/✓ \+0ms +kill broker \d \(followers of ledger-acks-1\[0\]\)/); // the faults as they fire
    expect(screens).toMatch(/ledger-acks-1\[0\] leader \d · epoch \d+ · ISR \d · /); // the leader alone in its ISR
    expect(screens).toMatch(/ledger-acks-all\[0\] OFFLINE/); // no in-sync replica left to lead
    expect(screens).toMatch(/✓ \d+ acknowledged writes lost; \d+ writes acknowledged/);
    expect(screens).toMatch(/✓ no acknowledged write lost, nothing reordered, nothing read was truncated;/);
  }, 600_000);

  it('ticks every step of lab 5 in TypeScript: totals as a table, a file in checksummed chunks, a compacted topic', async () => {
    const screens = await tickEveryStep('pipelines', 'typescript');
    expect(screens).toMatch(/✓ domain-totals has the right total for each of 4 keys: [a-z]+\.example: \d+/);
    expect(screens).toMatch(/✓ data\/big-file\.bin \(3\.00 MB\) in 12 chunks keyed big-file\.bin, sha256 [0-9a-f]/);
    expect(screens).toMatch(/✓ prices compacted: \d+ records in 200 offsets, 10 keys/);
  }, 600_000);

  it('opens the menu, uses the kafka-lab broker already on the port, and gives the terminal back on q', async () => {
    const broker = runCli(['broker', '--brokers', '1', '--port', '0']);
    const [address] = await broker.bootstrap();
    const port = address.split(':')[1];
    const home = temporaryDir('home');
    const socket = ['-S', path.join(temporaryDir('tmux'), 'socket')];
    const run = (...args: string[]) => exec(tmuxCommand, [...socket, ...args], { encoding: 'utf8' });
    const screen = async () => (await run('capture-pane', '-p', '-t', 'lab')).stdout;
    const shell = `cd ${quote(temporaryDir('cwd'))} && env KAFKA_LAB_HOME=${quote(home)} ${CLI_SHELL} lab --port ${port}; echo "[kafka-lab exited $?]"; sleep 600`;
    await run('-u', 'new-session', '-d', '-s', 'lab', '-x', '80', '-y', '24', shell);
    try {
      await screenShows(screen, /▸ 1  Producer and consumer\s+░+ 0\/7 steps/);
      expect(await screen()).toContain(`bootstrap=127.0.0.1:${port}`);
      expect(await screen()).toMatch(/2  Avro\s+░+ 0\/5 steps/);
      await run('send-keys', '-t', 'lab', 'Enter');
      await screenShows(screen, /Step 1 of 7 · A producer/);
      expect(await screen()).toContain(`Using the cluster already running on port ${port} (checks use the Kafka API).`);
      expect(await screen()).toContain('No workspace here: create one with `kafka-lab init <dir>` and start from it.');

      const producer = new Kafka({ brokers: [address], logLevel: logLevel.NOTHING }).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({ topic: 'sample', messages: Array.from({ length: 100 }, (_, i) => ({ value: `message #${i} from producer-0` })) });
      await producer.disconnect();
      await screenShows(screen, /✓ 1 A producer/);
      await screenShows(screen, /sample\[0\] █{20} 100 records/); // the live panel, polled through the admin API

      await run('send-keys', '-t', 'lab', 'q');
      await screenShows(screen, /Producer and consumer\s+█+░+ 1\/7 steps/);
      await run('send-keys', '-t', 'lab', 'q');
      expect((await screenShows(screen, /\[kafka-lab exited (\d+)\]/))[1]).toBe('0');
      expect(broker.running).toBe(true); // not the lab's to stop
    } finally {
      await run('kill-server').catch(() => {});
    }
  });
});

