// The Ink screens, rendered with ink-testing-library: what the student sees and what the keys do.
// The lab session behind them is the real one, checking a real workspace and, for the live panel,
// a real embedded cluster.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { Partitioners } from 'kafkajs';
import { openCheckContext } from '../engine/check-runner.ts';
import { LabSession } from '../engine/lab-session.ts';
import { introspectionSource } from '../engine/live.ts';
import { loadLab } from '../engine/load.ts';
import { ProgressStore } from '../engine/progress.ts';
import type { LabDefinition } from '../engine/lab-definition.ts';
import { LabScreen } from '../ui/LabScreen.tsx';
import { Menu } from '../ui/Menu.tsx';
import { ThemeContext, themeFor } from '../ui/theme.ts';
import { eventually, kafkaFor, useCluster } from '../../simulator/test/support/cluster.ts';
import { commitOffset } from '../../simulator/testkit/kafkajs-internal.ts';
import { fileLab, temporaryDir, writeLab } from './support/tiny-lab.ts';

const KEY = { right: '\u001B[C', left: '\u001B[D', down: '\u001B[B', up: '\u001B[A' };
const plain = themeFor({ NO_COLOR: '1' });
const sessions: LabSession[] = [];
afterEach(async () => {
  cleanup();
  await Promise.all(sessions.splice(0).map((s) => s.stop()));
});

function openSession(lab: LabDefinition, { home = temporaryDir('home'), workspace = temporaryDir('workspace'), cluster }: { home?: string; workspace?: string; cluster?: ReturnType<typeof useCluster> extends () => infer C ? C : never } = {}) {
  const progress = new ProgressStore(home);
  const context = openCheckContext({ bootstrapServers: cluster?.bootstrapServers ?? ['127.0.0.1:1'], workspaceDir: workspace, introspection: cluster });
  const session = new LabSession({ lab, progress, context, live: cluster ? introspectionSource(cluster) : undefined, recheckMs: 50, refreshMs: 50, onStop: () => context.close() });
  sessions.push(session);
  session.start();
  return { session, progress, workspace, home };
}

function show(session: LabSession, { width = 80, height = 30, onBack = () => {} } = {}) {
  return render(
    <ThemeContext.Provider value={plain}>
      <LabScreen session={session} bootstrap="127.0.0.1:9092" width={width} height={height} onBack={onBack} />
    </ThemeContext.Provider>,
  );
}

const frameOf = (screen: { lastFrame(): string | undefined }) => screen.lastFrame() ?? '';
const until = (screen: { lastFrame(): string | undefined }, what: string | RegExp, label = String(what)) =>
  eventually(() => (typeof what === 'string' ? frameOf(screen).includes(what) : what.test(frameOf(screen))), `the screen to show ${label}:\n${frameOf(screen)}`);

describe('the lab screen', () => {
  it('shows the steps, the open step\'s task in the chosen language, the bootstrap address and why the check fails', async () => {
    const { session } = openSession(loadLab(fileLab().labDir));
    const screen = show(session);
    await until(screen, 'does not exist yet');
    const frame = frameOf(screen);
    expect(frame).toContain('bootstrap=127.0.0.1:9092');
    expect(frame).toMatch(/▸ ○ 1 Write file 1/);
    expect(frame).toMatch(/· 2 Write file 2/); // locked
    expect(frame).toContain('Step 1 of 3 · Write file 1');
    expect(frame).toContain('Put one line in `out-1.txt`.'); // code keeps its backticks without colour
    expect(frame).toContain('fs.writeFileSync(file, line)');
    expect(frame).not.toContain('open(path, "w")'); // the Python fence is for Python students
    expect(frame).toContain('files/typescript/writer-1.ts');
    expect(frame).toContain('Run: node files/typescript/writer-1.ts');
    expect(frame).toContain('✗ out-1.txt does not exist yet');
    expect(frame).toMatch(/expected: at least 1 lines/);
  });

  it('ticks a step as soon as its check passes, opens the next one, and remembers it after a restart', async () => {
    const lab = loadLab(fileLab().labDir);
    const { session, workspace, home } = openSession(lab);
    const screen = show(session);
    await until(screen, 'out-1.txt does not exist yet');

    fs.writeFileSync(path.join(workspace, 'out-1.txt'), 'one line\n');
    await until(screen, /✓ 1 Write file 1/);
    await until(screen, 'Step 2 of 3 · Write file 2');
    expect(frameOf(screen)).toMatch(/▸ ○ 2 Write file 2/);
    expect(frameOf(screen)).toContain('✓ Step 1 passed');

    fs.writeFileSync(path.join(workspace, 'out-2.txt'), 'only one line\n');
    await until(screen, 'out-2.txt has 1 of the 2 lines needed');
    expect(frameOf(screen)).toMatch(/saw: +1 line, 1 of any value/);

    cleanup();
    await session.stop();
    const again = openSession(lab, { home, workspace }).session;
    const second = show(again);
    await until(second, 'Step 2 of 3');
    expect(frameOf(second)).toMatch(/✓ 1 Write file 1/);
  });

  it('runs ahead: a step whose work is already done passes right after the one before it', async () => {
    const lab = loadLab(fileLab().labDir);
    const workspace = temporaryDir('workspace');
    fs.writeFileSync(path.join(workspace, 'out-2.txt'), 'a\nb\n');
    fs.writeFileSync(path.join(workspace, 'out-1.txt'), 'a\n');
    const screen = show(openSession(lab, { workspace }).session);
    await until(screen, /✓ 2 Write file 2/);
    expect(frameOf(screen)).toMatch(/✓ 1 Write file 1/);
    expect(frameOf(screen)).toContain('Step 3 of 3');
  });

  it('moves between unlocked steps with the arrows, never into a locked one', async () => {
    const lab = loadLab(fileLab().labDir);
    const workspace = temporaryDir('workspace');
    fs.writeFileSync(path.join(workspace, 'out-1.txt'), 'a\n');
    const screen = show(openSession(lab, { workspace }).session);
    await until(screen, 'Step 2 of 3');
    screen.stdin.write(KEY.right);
    screen.stdin.write(KEY.right);
    await until(screen, 'out-2.txt does not exist yet');
    expect(frameOf(screen)).toContain('Step 2 of 3');
    screen.stdin.write(KEY.left);
    await until(screen, 'Step 1 of 3');
    expect(frameOf(screen)).toMatch(/✓ passed/);
    expect(frameOf(screen)).toMatch(/✓ out-1.txt has 1 line/);
  });

  it('reveals hints one at a time and shows the solution in either language, recording both', async () => {
    const lab = loadLab(fileLab().labDir);
    const { session, progress } = openSession(lab);
    const screen = show(session);
    await until(screen, 'Step 1 of 3');

    screen.stdin.write('h');
    await until(screen, 'Hint 1 of 2: First hint of step 1');
    expect(frameOf(screen)).not.toContain('Second hint');
    screen.stdin.write('h');
    await until(screen, 'Hint 2 of 2: Second hint of step 1');
    expect(progress.step('files', 'step-1').hintsShown).toBe(2);

    expect(progress.step('files', 'step-1').solutionShownAt).toBeUndefined();
    screen.stdin.write('s');
    await until(screen, '── files/typescript/writer-1.ts');
    expect(frameOf(screen)).toContain("console.log('solved');");
    expect(frameOf(screen)).not.toMatch(/○ 1 Write file 1/); // the code gets the whole width
    screen.stdin.write('t');
    await until(screen, '── files/python/writer_1.py');
    expect(frameOf(screen)).toContain("print('solved')");
    expect(progress.step('files', 'step-1')).toMatchObject({ solutionLanguages: ['typescript', 'python'] });
    expect(new ProgressStore(path.dirname(progress.file)).language).toBe('python');

    screen.stdin.write('s');
    await until(screen, 'Run: python3 files/python/writer_1.py');
    expect(frameOf(screen)).toMatch(/▸ ○ 1 Write file 1\*/); // marked: solution shown
  });

  it('scrolls a long task with the arrow keys', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Paragraph number ${i + 1}.`).join('\n\n');
    const { labDir } = writeLab('long', {
      id: 'long', title: 'Long', summary: 'A long text.',
      steps: [{ id: 'only', title: 'Read', text: 'steps/1.md', checks: [{ type: 'file-lines', file: 'x.txt' }] }],
    }, { 'steps/1.md': long });
    const screen = show(openSession(loadLab(labDir)).session);
    await until(screen, 'Paragraph number 1.');
    expect(frameOf(screen)).toMatch(/↓ \d+ more lines/);
    expect(frameOf(screen)).not.toContain('Paragraph number 40.');
    for (let i = 0; i < 80; i++) screen.stdin.write(KEY.down);
    await until(screen, 'Paragraph number 40.');
    expect(frameOf(screen)).not.toContain('Paragraph number 1.');
  });

  it('q goes back', async () => {
    let back = 0;
    const screen = show(openSession(loadLab(fileLab().labDir)).session, { onBack: () => back++ });
    await until(screen, 'Step 1 of 3');
    screen.stdin.write('q');
    await eventually(() => back === 1, 'onBack');
  });

  it('fits 80 columns and the terminal\'s height, the course labs included', async () => {
    for (const lab of [loadLab(fileLab().labDir), loadLab(path.resolve('labs/content/producer-consumer'))]) {
      for (const height of [24, 30]) {
        const screen = show(openSession(lab).session, { height });
        await until(screen, 'Step 1 of');
        const lines = frameOf(screen).split('\n');
        expect(lines.length).toBeLessThan(height);
        for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
        cleanup();
      }
    }
  });
});

describe('the live panel', () => {
  const cluster = useCluster({ groupInitialRebalanceDelayMs: 0 });

  it('shows the topic\'s offsets growing while records arrive, and a group\'s committed position and lag', async () => {
    const { labDir } = writeLab('live', {
      id: 'live', title: 'Live', summary: 'Watch.',
      steps: [{ id: 'watch', title: 'Watch', text: 'steps/1.md', live: { topics: ['watched'], groups: ['watchers'] }, checks: [{ type: 'topic-exists', topic: 'never-made' }] }],
    }, { 'steps/1.md': 'Watch the panel.' });
    const screen = show(openSession(loadLab(labDir), { cluster: cluster() }).session);
    await until(screen, 'topic watched: not created yet');
    expect(frameOf(screen)).toContain('group watchers');
    expect(frameOf(screen)).toContain('nothing owned or committed yet');

    const kafka = kafkaFor(cluster());
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'watched', messages: Array.from({ length: 5 }, (_, i) => ({ value: `v${i}` })) });
    await until(screen, /watched\[0\] █+░* 5 records/);
    await producer.send({ topic: 'watched', messages: Array.from({ length: 7 }, (_, i) => ({ value: `w${i}` })) });
    await until(screen, /watched\[0\] █{20} 12 records/);
    await producer.disconnect();

    await commitOffset(kafka, 'watchers', 'watched', 0, 9);
    await until(screen, /TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +OWNER\n\s*watched +0 +9 +12 +3 +-/);
  });
});

describe('the menu', () => {
  const labs = () => [loadLab(fileLab('first').labDir), loadLab(fileLab('second').labDir)];

  it('lists the labs with each one\'s progress and opens the chosen one', async () => {
    const [first, second] = labs();
    const progress = new ProgressStore(temporaryDir('home'));
    progress.markPassed('second', 'step-1');
    progress.markPassed('second', 'step-2');
    progress.markSolutionShown('second', 'step-2', 'python');
    const opened: string[] = [];
    let quit = false;
    const screen = render(
      <ThemeContext.Provider value={plain}>
        <Menu labs={[first, second]} progress={progress} bootstrap="127.0.0.1:9092" width={80} height={30} onOpen={(lab) => opened.push(lab.id)} onQuit={() => (quit = true)} />
      </ThemeContext.Provider>,
    );
    await until(screen, '0/3 steps');
    expect(frameOf(screen)).toMatch(/▸ 1 {2}Files\s+░{14} 0\/3 steps/);
    expect(frameOf(screen)).toMatch(/2 {2}Files\s+█{9}░{5} 2\/3 steps/);
    expect(frameOf(screen)).toContain('(1 solution shown)');
    screen.stdin.write(KEY.down);
    await until(screen, /▸ 2 {2}Files/);
    screen.stdin.write('\r');
    await eventually(() => opened.length === 1, 'a lab to open');
    expect(opened).toEqual(['second']);
    screen.stdin.write('t');
    await until(screen, 'language: Python');
    screen.stdin.write('q');
    await eventually(() => quit, 'the menu to quit');
  });
});
