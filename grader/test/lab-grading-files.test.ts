// Every lab's grading.json, proven on the lab's own solution: its solution folder graded as a
// student would hand it in scores full marks on every test, fault tests included. A grading file
// that asks for what its lab's solution does not do fails here before it fails a class. One
// language per lab, taking turns (labs/test/lab-solutions.test.ts runs both solutions of every
// lab against the lab's checks); the labs are graded side by side, to keep CI's time in check.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../labs/engine/lab-definition.ts';
import { loadLabs } from '../../labs/engine/load.ts';
import { findPython } from '../../simulator/testkit/external-clients.ts';
import { runClass } from '../grade/class-run.ts';
import { gradingFilePath, loadGradingFile } from '../grade/grading-file.ts';
import { labGrading } from '../grade/lab-grading.ts';
import { sandboxKind } from '../grade/sandbox/sandbox.ts';
import { embedded } from '../providers/index.ts';

const python = findPython(['kafka', 'fastavro']);
const graded = loadLabs().filter((lab) => fs.existsSync(gradingFilePath(lab)));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-grading-files-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe.skipIf(!sandboxKind().isolated || !python.command)("each lab's grading.json gives its solution full marks", { concurrent: true }, () => {
  it.each(graded.map((lab, index) => [lab.id, LANGUAGES[index % LANGUAGES.length], lab] as const))('%s, in %s', { timeout: 600_000 }, async (id, language, lab) => {
    const classDir = path.join(root, id, 'class');
    fs.cpSync(path.join(lab.dir, 'solution', language), path.join(classDir, `solution-${language}`), { recursive: true });
    const grading = loadGradingFile(lab);
    const run = await runClass({ grading: labGrading(grading), provider: embedded, submissionsDir: classDir, outDir: path.join(root, id, 'out'), jobs: 1, formats: ['text'], seed: 7, python: python.command! });
    const lost = run.results.flatMap((r) =>
      r.tests.filter((t) => !t.passed).map((t) => `${r.id}: ${t.name}: ${t.checks.filter((c) => c.status !== 'pass').map((c) => `${c.summary}${c.saw ? ` (saw ${c.saw})` : ''}`).join('; ')}`),
    );
    expect(lost).toEqual([]);
    expect(run.results.map((r) => [r.id, r.language, r.score])).toEqual([[`solution-${language}`, language, grading.maxScore]]);
  });
});
