// `kafka-lab grade --assignment`: a fixture class of transaction verifiers — one exactly once, one
// that never commits, one that signs the wrong text, one that submits everything twice, one that
// dies on the first failed request, one without a verifier, and the transaction-verifier lab's own
// solutions in both languages — graded two at a time, each as the one group of a fresh assignment
// against the assignment server, with exact expected scores from the server's own verdicts; the
// class's tokens never reach a submission, nor does the TA's folder.

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initAssignment } from '../assignment/init.ts';
import { readConfig } from '../assignment/state.ts';
import { assignmentGrading } from '../grade/assignment/assignment-grading.ts';
import { DEFAULT_ASSIGNMENT_GRADING, loadAssignmentGrading } from '../grade/assignment/grading-file.ts';
import { verifierLab } from '../grade/assignment/verifier-lab.ts';
import { runClass, type ClassRun } from '../grade/class-run.ts';
import { gradescopeProblems } from '../grade/reports/gradescope.ts';
import { chooseSandbox } from '../grade/sandbox/submission-sandbox.ts';
import { embedded } from '../providers/index.ts';
import { findKafkaPython } from '../../simulator/testkit/external-clients.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/assignment-class/', import.meta.url));
const LAB_SOLUTIONS = path.join(verifierLab().dir, 'solution');
const python = findKafkaPython();
const sandbox = chooseSandbox('auto');

/**
 * Per submission, the points of each test of the default grading file: every transaction accepted
 * (40, partial), no 403 (10), no 400/401/404 (10), no 409 (10), exactly once across a SIGKILL (15,
 * partial: accepted and no 409), and through failing Produce requests (15, partial: the same).
 */
const EXPECTED: Record<string, number[]> = {
  '01-py-exactly-once': [40, 10, 10, 10, 15, 15],
  '03-py-no-commit': [40, 10, 10, 10, 7.5, 15], // restarted, it submits the first half again: 15 × 409
  '04-py-wrong-signature': [0, 0, 10, 10, 7.5, 7.5], // 30 × 403, nothing accepted, nothing twice
  '05-py-submits-twice': [40, 10, 10, 0, 7.5, 7.5], // every transaction accepted once, refused once as 409
  '06-ts-crashes-on-failed-request': [40, 10, 10, 10, 15, 7.5], // exits on the first NOT_LEADER_OR_FOLLOWER
  '07-no-verifier': [0, 0, 0, 0, 0, 0],
  // The transaction-verifier lab's own solutions, copied in as two more submissions.
  '08-lab-solution-python': [40, 10, 10, 10, 15, 15],
  '09-lab-solution-typescript': [40, 10, 10, 10, 15, 15],
};
const total = (points: number[]) => points.reduce((a, b) => a + b, 0);
const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex').slice(0, 16);

describe.skipIf(!sandbox.isolated || !python.command)(`kafka-lab grade --assignment on a fixture class (sandbox: ${sandbox.description})`, () => {
  let root: string;
  let ta: string;
  let run: ClassRun;
  const read = (...parts: string[]) => fs.readFileSync(path.join(root, 'out', ...parts), 'utf8');

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-grade-assignment-'));
    ta = path.join(root, 'class-2026');
    initAssignment(ta, { groupsCsv: 'group,members\nAlpha,a@example.edu\nBeta,b@example.edu\n' });
    const classDir = path.join(root, 'class');
    fs.cpSync(FIXTURES, classDir, { recursive: true });
    for (const language of ['python', 'typescript']) fs.cpSync(path.join(LAB_SOLUTIONS, language), path.join(classDir, `0${language === 'python' ? 8 : 9}-lab-solution-${language}`), { recursive: true });
    // What the no-commit verifier tries to read first: the TA's folder and a neighbour.
    const peek = [path.join(ta, 'assignment.json'), path.join(ta, 'handouts'), path.join(classDir, '01-py-exactly-once', 'transaction-verifier', 'python', 'verifier.py'), classDir];
    fs.writeFileSync(path.join(classDir, '03-py-no-commit', 'peek.txt'), peek.join('\n'));
    run = await runClass({
      grading: assignmentGrading(ta, loadAssignmentGrading()),
      provider: embedded,
      submissionsDir: classDir,
      outDir: path.join(root, 'out'),
      jobs: 2,
      formats: ['gradescope', 'csv', 'text'],
      seed: 7,
      python: python.command!,
    });
  }, 400_000);

  afterAll(() => {
    if (root && !process.env.KEEP) fs.rmSync(root, { recursive: true, force: true });
  });

  it('scores every verifier exactly as its verdicts say', () => {
    const scores = Object.fromEntries(run.results.map((r) => [r.id, r.tests.map((t) => t.score)]));
    expect(scores).toEqual(EXPECTED);
    for (const result of run.results) expect(result.score).toBe(total(EXPECTED[result.id]));
    expect(run.results.find((r) => r.id === '07-no-verifier')).toMatchObject({ status: 'error', error: expect.stringMatching(/no program of lab transaction-verifier found; expected some of verifier.ts or verifier.py/) });
  });

  it('says what the server answered: counts, codes and its reasons', () => {
    const wrong = run.results.find((r) => r.id === '04-py-wrong-signature')!.tests[0].checks[1];
    expect(wrong).toMatchObject({ status: 'fail', summary: '0 of 30 transactions accepted' });
    expect(wrong.saw).toMatch(/^0 of 30 accepted from 30 submission\(s\); 30 × 403 bad signature \(e\.g\. the signature is not gen_signature of tx-\w+ with v001's token\)$/);
    expect(read('04-py-wrong-signature', 'report.txt')).toContain('FAIL 0/40  verifies every transaction (200 accepted)');
    const twice = run.results.find((r) => r.id === '05-py-submits-twice')!.tests[3].checks[1];
    expect(twice).toMatchObject({ status: 'fail', summary: '30 submission(s) refused with 409 duplicate', saw: expect.stringMatching(/^30 × 409 duplicate \(e\.g\. v001 already had tx-\w+ accepted at /) });
    const noCommit = run.results.find((r) => r.id === '03-py-no-commit')!;
    expect(noCommit.tests[4].checks.map((c) => c.summary)).toEqual([expect.stringMatching(/ran until the grader stopped it/), '30 of 30 transactions accepted', '15 submission(s) refused with 409 duplicate']);
    const crashed = run.results.find((r) => r.id === '06-ts-crashes-on-failed-request')!.tests[5];
    expect(crashed.checks[0]).toMatchObject({ status: 'fail', summary: expect.stringMatching(/exit code 1 before the run ended/) });
    expect(crashed.faults).toMatchObject({ seed: 7, replay: expect.stringMatching(/^kafka-lab broker --brokers 1 --port 0 --seed 7 --scenario .*scenario-6\.json$/) });
    expect(crashed.faults!.timeline.join('\n')).toMatch(/rule "leader-moved": api=Produce topic=submit -> error=NOT_LEADER_OR_FOLLOWER x2/);
  });

  it('hands each run a vid and token of its own, never one of the class, and hides the TA folder', () => {
    const classTokens = readConfig(ta).groups.map((g) => tokenHash(g.token));
    const correct = run.results.find((r) => r.id === '01-py-exactly-once')!;
    const seen = [...new Set(correct.tests.flatMap((t) => [...t.transcript.matchAll(/verifier started as (v\d+), token sha256 (\w+)/g)].map((m) => `${m[1]} ${m[2]}`)))];
    expect(seen.length).toBe(3); // the steady run, the restart run (the same token twice), the fault run
    for (const entry of seen) {
      expect(entry).toMatch(/^v001 /);
      expect(classTokens).not.toContain(entry.split(' ')[1]);
    }
    const peeked = run.results.find((r) => r.id === '03-py-no-commit')!.tests[0].transcript;
    expect(peeked.match(/could not read/g)?.length).toBe(4);
    expect(peeked).not.toMatch(/^(read|listed) /m);
  });

  it('writes Gradescope results.json in its documented shape, and the class CSV', () => {
    for (const id of Object.keys(EXPECTED)) {
      const results = JSON.parse(read(id, 'results.json'));
      expect(gradescopeProblems(results)).toEqual([]);
      expect(results.score).toBe(total(EXPECTED[id]));
    }
    const csv = read('grades.csv').trim().split('\r\n');
    expect(csv[0]).toMatch(/^submission,status,language,score,max_score,verifies every transaction \(200 accepted\),/);
    expect(csv.slice(1).map((row) => row.split(',').slice(0, 5).join(','))).toEqual([
      '01-py-exactly-once,graded,python,100,100',
      '03-py-no-commit,graded,python,92.5,100',
      '04-py-wrong-signature,graded,python,35,100',
      '05-py-submits-twice,graded,python,75,100',
      '06-ts-crashes-on-failed-request,graded,typescript,92.5,100',
      '07-no-verifier,error,,0,100',
      '08-lab-solution-python,graded,python,100,100',
      '09-lab-solution-typescript,graded,typescript,100,100',
    ]);
  });
});

describe('the assignment grading file', () => {
  it('is the default one beside the grader, and every test is worth its points', () => {
    const grading = loadAssignmentGrading();
    expect(grading.file).toBe(DEFAULT_ASSIGNMENT_GRADING);
    expect(grading.maxScore).toBe(100);
    expect(grading.tests.map((t) => [t.run, t.expect, Boolean(t.scenario)])).toEqual([
      ['steady', ['accepted'], false],
      ['steady', ['signatures'], false],
      ['steady', ['well-formed'], false],
      ['steady', ['no-duplicates'], false],
      ['restart', ['accepted', 'no-duplicates'], false],
      ['steady', ['accepted', 'no-duplicates'], true],
    ]);
  });
});
