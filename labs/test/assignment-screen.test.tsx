// The assignment's scoreboard (`kafka-lab assignment status`) over a real server and its store:
// what it shows in 80 columns without colour, sorting and scrolling through a class larger than the
// screen, and the real command in a terminal (tmux) following a running server's verdicts live,
// then giving the terminal back.

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { initAssignment, openStoreForReading, scoreboard, startAssignmentServer, type AssignmentServer } from '../../grader/assignment/index.ts';
import { firstTransactions, quietKafka, runGroup, until } from '../../grader/assignment/test/support/class.ts';
import { describeWithClient } from '../../simulator/test/support/external-clients.ts';
import { ScoreboardScreen } from '../ui/assignment/ScoreboardScreen.tsx';
import { scoreboardText } from '../ui/assignment/scoreboard-lines.ts';
import { ThemeContext, themeFor } from '../ui/theme.ts';
import { CLI_SHELL, runCli } from './support/cli.ts';
import { findTmux } from './support/clients.ts';
import { temporaryDir } from './support/tiny-lab.ts';

const exec = promisify(execFile);
const plain = themeFor({ NO_COLOR: '1' });
const GROUPS = 30;

describe('the scoreboard', () => {
  const state = {} as { dir: string; server: AssignmentServer };
  beforeAll(async () => {
    state.dir = temporaryDir('scoreboard');
    const groupsCsv = Array.from({ length: GROUPS }, (_, i) => `Team ${String(i + 1).padStart(2, '0')},m${i}@x.org`).join('\n');
    initAssignment(state.dir, { groupsCsv, seed: 'scoreboard', ratePerSecond: 200, rateLimit: { perSecond: 1000, burst: 1000 } });
    state.server = await startAssignmentServer({ dir: state.dir });
    await until(() => state.server.scoreboard().transactions.produced >= 12, 'transactions');
    const { config } = state.server;
    const transactions = firstTransactions(config, 12);
    const kafka = quietKafka(state.server.bootstrapServers);
    // Team 03 verifies 12, Team 07 8 and one with a bad signature; the rest nothing.
    await runGroup(kafka, config.groups[2], { kind: 'correct' }, transactions, config.groups);
    await runGroup(kafka, config.groups[6], { kind: 'careless', everyNth: 9 }, transactions.slice(0, 9), config.groups);
    await until(() => state.server.scoreboard().groups[6].submitted === 9 && state.server.scoreboard().server?.lag === 0, 'the verdicts');
  }, 120_000);
  afterAll(async () => {
    cleanup();
    await state.server?.stop();
  });

  const read = () => {
    const store = openStoreForReading(state.dir)!;
    try {
      return scoreboard(state.server.config, store);
    } finally {
      store.close();
    }
  };

  it('ranks the groups with their counts and a bar, says the server runs and its lag, in 80 columns without colour', async () => {
    const screen = render(
      <ThemeContext.Provider value={plain}>
        <ScoreboardScreen config={state.server.config} read={read} width={80} height={30} refreshMs={50} onQuit={() => {}} />
      </ThemeContext.Provider>,
    );
    const frame = await until(() => (/lag 0/.test(screen.lastFrame() ?? '') ? screen.lastFrame() : null), 'the server line');
    const lines = frame!.split('\n');
    expect(lines.every((line) => line.length <= 80)).toBe(true);
    expect(frame).toMatch(/server: running · pid \d+ · lag 0 · \d+ transactions sent/);
    expect(frame).toMatch(/^\s+1 Team 03\s+v003\s+12\s+12 0\s+\d\d:\d\d:\d\d\s+█{14}$/m);
    expect(frame).toMatch(/^\s+2 Team 07\s+v007\s+9\s+8 1 \(403\)\s+\d\d:\d\d:\d\d\s+█{9}░{5}$/m);
    expect(frame).toMatch(/^\s+3 Team 01\s+v001\s+0\s+0 0\s+—\s+░{14}$/m);
    expect(frame).toContain('class: 21 sent, 20 accepted, 1 refused (403×1)');
    expect(frame).toContain('… 8 more below (↓)'); // 30 groups in 30 lines: 22 shown
    expect(frame).not.toMatch(/\u001b\[/); // NO_COLOR: no escape codes
  });

  it('sorts by name and by last seen with s, scrolls with the arrows, and quits with q', async () => {
    let quit = false;
    const screen = render(
      <ThemeContext.Provider value={plain}>
        <ScoreboardScreen config={state.server.config} read={read} width={80} height={20} refreshMs={50} onQuit={() => (quit = true)} />
      </ThemeContext.Provider>,
    );
    const shows = (pattern: RegExp) => until(() => pattern.test(screen.lastFrame() ?? ''), `the screen to show ${pattern}`, 5000);
    await shows(/now by accepted/);
    screen.stdin.write('s');
    await shows(/now by name/);
    await shows(/^\s+\d+ Team 01 /m);
    screen.stdin.write('s');
    await shows(/now by last seen/);
    await shows(/^\s+2 Team 07 .*\n\s+1 Team 03 /m); // Team 07 submitted last
    for (let i = 0; i < 40; i++) screen.stdin.write('\u001b[B'); // ↓ past the end stops at the end
    await shows(/more above \(↑\)/);
    screen.stdin.write('q');
    await until(() => quit, 'q to quit');
  });

  it('prints every group once as a table where there is no terminal', () => {
    const text = scoreboardText(state.server.config, read(), { width: 80 });
    expect(text.split('\n').filter((l) => /^\s+\d+ Team /.test(l))).toHaveLength(GROUPS);
    expect(text).not.toContain('q quit');
  });
});

describeWithClient(findTmux(), 'kafka-lab assignment status in a terminal', (tmuxCommand) => {
  it('follows a running server\'s verdicts live, and q gives the terminal back', async () => {
    const dir = temporaryDir('status-tmux');
    fs.writeFileSync(path.join(dir, 'groups.csv'), 'Alpha,a@x.org\nBeta,b@x.org\n');
    const init = runCli(['assignment', 'init', path.join(dir, 'class'), '--groups', path.join(dir, 'groups.csv'), '--rate', '100/s', '--seed', 'tmux']);
    expect((await init.exit(90_000)).code).toBe(0);
    const classDir = path.join(dir, 'class');
    const server = runCli(['assignment', 'serve', classDir, '--port', '0']);
    const [bootstrap] = await server.bootstrap(90_000);

    const socket = ['-S', path.join(temporaryDir('tmux'), 'socket')];
    const run = (...args: string[]) => exec(tmuxCommand, [...socket, ...args], { encoding: 'utf8' });
    const screen = async () => (await run('capture-pane', '-p', '-t', 'status')).stdout;
    const shows = (pattern: RegExp) =>
      until(async () => pattern.exec(await screen()), `the terminal to show ${pattern}`, 60_000).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await screen()}`);
      });
    await run('-u', 'new-session', '-d', '-s', 'status', '-x', '80', '-y', '24', `NO_COLOR=1 ${CLI_SHELL} assignment status '${classDir}'; echo "[kafka-lab exited $?]"; sleep 600`);
    try {
      await shows(/server: running · pid \d+ · lag 0/);
      await shows(/^\s+1 Alpha\s+v001\s+0\s+0 0\s+—/m);

      const config = JSON.parse(fs.readFileSync(path.join(classDir, 'assignment.json'), 'utf8'));
      const transactions = firstTransactions(config, 5);
      await runGroup(quietKafka([bootstrap]), config.groups[1], { kind: 'correct' }, transactions, config.groups);
      await shows(/^\s+1 Beta\s+v002\s+5\s+5 0\s+\d\d:\d\d:\d\d/m); // Beta overtakes Alpha, live
      expect((await screen()).split('\n').every((line) => line.length <= 80)).toBe(true);

      await run('send-keys', '-t', 'status', 'q');
      const after = (await shows(/\[kafka-lab exited (\d+)\]/)).input!;
      expect(after).toContain('[kafka-lab exited 0]');
      expect(after).not.toContain('q quit'); // the alternate screen is gone
    } finally {
      await run('kill-server').catch(() => {});
    }
  }, 180_000);
});
