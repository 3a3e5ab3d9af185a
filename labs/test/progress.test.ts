// Progress is saved per user: in $KAFKA_LAB_HOME (default ~/.kafka-lab), surviving restarts and
// never lost to a damaged file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labHome, ProgressStore } from '../engine/progress.ts';
import { loadLab } from '../engine/load.ts';
import { fileLab, temporaryDir } from './support/tiny-lab.ts';

describe('progress', () => {
  it('lives in $KAFKA_LAB_HOME, else in ~/.kafka-lab', () => {
    expect(labHome({ KAFKA_LAB_HOME: '/tmp/somewhere' })).toBe('/tmp/somewhere');
    expect(labHome({})).toBe(path.join(os.homedir(), '.kafka-lab'));
  });

  it('survives a restart: passed steps, hints, solutions shown and the language', () => {
    const home = temporaryDir('home');
    const lab = loadLab(fileLab().labDir);
    const first = new ProgressStore(home);
    first.markPassed('files', 'step-1');
    first.markHintShown('files', 'step-2', 1);
    first.markSolutionShown('files', 'step-2', 'python');
    first.setLanguage('python');

    const second = new ProgressStore(home);
    expect(second.passed('files', 'step-1')).toBe(true);
    expect(second.passed('files', 'step-2')).toBe(false);
    expect(second.step('files', 'step-2')).toMatchObject({ hintsShown: 1, solutionLanguages: ['python'] });
    expect(second.language).toBe('python');
    expect(second.count(lab)).toEqual({ passed: 1, total: 3, solutionsShown: 1 });
    expect(fs.readdirSync(home)).toEqual(['progress.json']); // no temporary file left behind

    second.reset('files');
    expect(new ProgressStore(home).count(lab)).toEqual({ passed: 0, total: 3, solutionsShown: 0 });
  });

  it('starts afresh from a damaged file, keeping a copy and saying where', () => {
    const home = temporaryDir('home');
    fs.writeFileSync(path.join(home, 'progress.json'), '{"labs": {"files": ');
    const store = new ProgressStore(home);
    expect(store.warning).toMatch(/^could not read .*progress\.json .*; starting afresh, the old file is kept as .*progress\.json\.unreadable-\d+$/);
    store.markPassed('files', 'step-1');
    expect(new ProgressStore(home).passed('files', 'step-1')).toBe(true);
    expect(fs.readdirSync(home).filter((f) => f.includes('unreadable'))).toHaveLength(1);
  });
});
