// The autograder end to end: a fixture class of 13 submissions (Python and TypeScript: correct,
// off by one, no commit, duplicates on restart, crashing on a failed request, an endless loop, a
// 2 GB allocation, a bounded fork bomb, one that tries to read its neighbours, and an empty one)
// graded by `runClass` two at a time against real brokers, with exact expected scores in every
// output format; Gradescope's results.json checked against its documented shape; a second run
// resumes everything; the same submissions give the same scores on the testcontainers provider,
// and in both isolating sandboxes: the class in the one auto picks (a container per submission
// where a runtime answers), a subset in the other.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLab } from '../../labs/engine/load.ts';
import { findKafkaPython } from '../../simulator/testkit/external-clients.ts';
import { runClass, type ClassRun } from '../grade/class-run.ts';
import { loadGradingFile } from '../grade/grading-file.ts';
import { labGrading } from '../grade/lab-grading.ts';
import { gradescopeProblems } from '../grade/reports/gradescope.ts';
import { chooseSandbox, type SandboxChoice } from '../grade/sandbox/submission-sandbox.ts';
import { embedded, testcontainers } from '../providers/index.ts';
import { describeWithContainers, describeWithContainerSandbox } from './support/container-runtime.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const lab = findLab('producer-consumer');
const grading = labGrading(loadGradingFile(lab, path.join(FIXTURES, 'grading/producer-consumer.json')));
const python = findKafkaPython();
// What `kafka-lab grade` picks here: a container per submission where a runtime answers (CI), else namespaces as root.
const sandbox = chooseSandbox('auto');

/** Per submission: the points of each test, in grading-file order (produce, history, consume, faults). */
const EXPECTED: Record<string, number[]> = {
  '01-py-correct': [10, 5, 10, 5],
  '02-ts-correct': [10, 5, 10, 5],
  '03-py-off-by-one': [6.67, 5, 0, 0], // 99 records: 2 of the 3 produce checks; the consumer waits for a 100th
  '04-py-no-commit': [10, 5, 0, 5],
  '05-ts-no-commit': [10, 5, 0, 5],
  '06-py-duplicates-on-restart': [10, 0, 0, 5], // 150 records: 50 stored twice, the group ends 50 short of the end
  '07-py-crashes-on-failed-request': [10, 5, 10, 0],
  '08-ts-crashes-on-failed-request': [10, 5, 10, 0],
  '09-py-infinite-loop': [0, 0, 0, 0],
  '10-py-memory-hog': [0, 0, 0, 0],
  '11-py-fork-bomb': [0, 0, 0, 0],
  '12-py-reads-neighbours': [10, 5, 10, 5], // it reads nothing it must not, so it runs as a correct one
  '13-empty': [0, 0, 0, 0],
};
/** RFC 4180, as the class CSV writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += ch;
  }
  return rows;
}

const total = (points: number[]) => Math.round(points.reduce((a, b) => a + b, 0) * 100) / 100;

function classCopy(): { dir: string; out: string; tokens: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-grade-test-'));
  const dir = path.join(root, 'class');
  const out = path.join(root, 'out');
  fs.cpSync(path.join(FIXTURES, 'class'), dir, { recursive: true });
  fs.mkdirSync(out);
  const tokens = path.join(root, 'tokens');
  fs.mkdirSync(tokens);
  fs.writeFileSync(path.join(out, 'earlier-report.txt'), 'another student\'s report');
  fs.writeFileSync(path.join(tokens, 'token.txt'), 'assignment-token-1234');
  // What the neighbour-reader tries: another submission, the class folder, the output, the tokens.
  const targets = [path.join(dir, '01-py-correct', 'requirements.txt'), dir, path.join(out, 'earlier-report.txt'), path.join(tokens, 'token.txt')];
  fs.writeFileSync(path.join(dir, '12-py-reads-neighbours', 'neighbours.txt'), targets.join('\n'));
  return { dir, out, tokens };
}

describe.skipIf(!sandbox.isolated || !python.command)(`kafka-lab grade on a fixture class (sandbox: ${sandbox.description})`, () => {
  let run: ClassRun;
  let classDir: string;
  let out: string;
  const read = (...parts: string[]) => fs.readFileSync(path.join(out, ...parts), 'utf8');

  beforeAll(async () => {
    let tokens: string;
    ({ dir: classDir, out, tokens } = classCopy());
    process.env.ASSIGNMENT_TOKEN = 'must-not-reach-submissions';
    run = await runClass({ grading, provider: embedded, submissionsDir: classDir, outDir: out, jobs: 2, formats: ['gradescope', 'prairielearn', 'junit', 'csv', 'text'], seed: 7, python: python.command!, hide: [tokens] });
  }, 400_000);

  afterAll(() => {
    delete process.env.ASSIGNMENT_TOKEN;
    if (out) fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it('scores every submission exactly as expected', () => {
    const scores = Object.fromEntries(run.results.map((r) => [r.id, r.tests.map((t) => t.score)]));
    expect(scores).toEqual(EXPECTED);
    expect(run.results.find((r) => r.id === '13-empty')).toMatchObject({ status: 'error', error: expect.stringMatching(/^no program of lab producer-consumer found/) });
    expect(run.results.filter((r) => r.status === 'graded').map((r) => r.language)).toEqual([...'ptpptpptppppp'.slice(0, 12)].map((l) => (l === 'p' ? 'python' : 'typescript')));
  });

  it('says why the runaway programs failed: wall clock, memory, processes', () => {
    const produce = (id: string) => run.results.find((r) => r.id === id)!.tests[0].checks[0];
    expect(produce('09-py-infinite-loop').summary).toMatch(/wall-clock limit of 12 s reached/);
    expect(produce('10-py-memory-hog').summary).toMatch(/killed by the memory limit of 512 MB/);
    expect(produce('11-py-fork-bomb').summary).toMatch(/hit the limit of 64 processes/);
  });

  it('lets no submission read another, the class folder, the output or the tokens', () => {
    const neighbour = run.results.find((r) => r.id === '12-py-reads-neighbours')!;
    expect(neighbour.tests[0].checks[0].status).toBe('pass');
    // It exits with 3 as soon as it reads any of its targets or finds a token in its environment.
    expect(neighbour.tests.map((t) => t.checks[0].summary)).not.toContainEqual(expect.stringMatching(/exit code 3/));
  });

  it('writes Gradescope results.json in its documented shape, with the same scores', () => {
    for (const [id, points] of Object.entries(EXPECTED)) {
      const json = JSON.parse(read(id, 'results.json'));
      expect(gradescopeProblems(json), id).toEqual([]);
      expect(json.score).toBe(total(points));
      expect(json.tests.map((t: { score: number }) => t.score)).toEqual(points);
      expect(json.tests.map((t: { max_score: number }) => t.max_score)).toEqual([10, 5, 10, 5]);
      expect(json.tests.map((t: { visibility: string }) => t.visibility)).toEqual(['visible', 'visible', 'after_due_date', 'after_published']);
    }
    expect(gradescopeProblems({ score: 'ten', tests: [{ name: 1, status: 'ok', bogus: true }] })).toEqual([
      'score must be a number',
      'tests[0]: unknown key bogus',
      'tests[0].status must be passed or failed',
      'tests[0].name must be a string',
    ]);
  });

  it('writes PrairieLearn results with the score as a fraction', () => {
    for (const [id, points] of Object.entries(EXPECTED)) {
      const json = JSON.parse(read(id, 'prairielearn.json'));
      expect(json.gradable, id).toBe(id !== '13-empty');
      expect(json.score).toBe(Math.round((total(points) / 30) * 10_000) / 10_000);
      expect(json.tests.map((t: { points: number }) => t.points)).toEqual(points);
    }
  });

  it('writes one class CSV and one JUnit XML with the same scores', () => {
    const rows = parseCsv(read('grades.csv'));
    expect(rows[0].slice(0, 5)).toEqual(['submission', 'status', 'language', 'score', 'max_score']);
    const byId = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
    for (const [id, points] of Object.entries(EXPECTED)) {
      const row = byId[id];
      expect(Number(row[3]), id).toBe(total(points));
      expect(row.slice(-6, -2).map(Number)).toEqual(points);
      expect(row.at(-2)).toBe('7');
    }
    const xml = read('junit.xml');
    const failures = Object.values(EXPECTED).reduce((n, points, i) => n + points.filter((p, j) => p < [10, 5, 10, 5][j]).length, 0);
    expect(xml).toContain(`<testsuites name="kafka-lab grade producer-consumer" tests="52" failures="${failures}">`);
    expect(xml).toContain('<testsuite name="03-py-off-by-one" tests="4" failures="3"');
    expect(xml).toMatch(/<failure message="topic sample has 99 of the 100 records needed">/);
  });

  it('writes a readable report per student naming the seed and the replay command', () => {
    const report = read('07-py-crashes-on-failed-request', 'report.txt');
    expect(report).toMatch(/^Producer and consumer \(producer-consumer\): 07-py-crashes-on-failed-request\nscore 25 \/ 30, python/);
    expect(report).toContain('FAIL 0/5  producer: rides out failing Produce requests');
    expect(report).toContain('faults (seed 7):');
    expect(report).toMatch(/replay: kafka-lab broker --brokers 1 --port 0 --seed 7 --scenario\s+\S+scenario-4\.json/);
    expect(JSON.parse(read('07-py-crashes-on-failed-request', 'scenario-4.json')).seed).toBe(7);
    // 80 columns, but for a path too long to break
    expect(report.split('\n').filter((line) => [...line].length > 80 && line.trim().includes(' '))).toEqual([]);
  });

  it('resumes: a second run over the same output grades nothing again', async () => {
    const started = Date.now();
    const again = await runClass({ grading, provider: embedded, submissionsDir: classDir, outDir: out, jobs: 2, formats: ['csv'], seed: 7, python: python.command! });
    expect(again.resumed).toBe(13);
    expect(again.results.map((r) => r.score)).toEqual(run.results.map((r) => r.score));
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describeWithContainers('kafka-lab grade on the testcontainers provider gives the same scores', () => {
  const SOME = ['01-py-correct', '03-py-off-by-one', '05-ts-no-commit', '06-py-duplicates-on-restart'];
  it.skipIf(!sandbox.isolated || !python.command)('for a correct, an off-by-one, a no-commit and a duplicating submission', { timeout: 400_000 }, async () => {
    const { dir, out, tokens } = classCopy();
    try {
      for (const entry of fs.readdirSync(dir)) if (!SOME.includes(entry)) fs.rmSync(path.join(dir, entry), { recursive: true });
      const run = await runClass({ grading, provider: testcontainers, submissionsDir: dir, outDir: out, jobs: 2, formats: ['gradescope'], seed: 7, python: python.command!, hide: [tokens] });
      expect(Object.fromEntries(run.results.map((r) => [r.id, r.tests.map((t) => t.score)]))).toEqual(Object.fromEntries(SOME.map((id) => [id, EXPECTED[id]])));
      expect(run.results.every((r) => r.provider === 'testcontainers')).toBe(true);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});

/** The isolating sandbox auto did not pick: namespaces where auto is a container, else a container (skipped without a runtime). */
function describeWithTheOtherSandbox(body: (choice: SandboxChoice) => void): void {
  if (sandbox.kind === 'container') describe('kafka-lab grade --sandbox namespaces gives the scores of a container per submission', () => body(chooseSandbox('namespaces')));
  else describeWithContainerSandbox('kafka-lab grade --sandbox container gives the scores of namespaces', body);
}

describeWithTheOtherSandbox((choice) => {
  // A correct submission in each language and the runaways: the whole class takes minutes (BENCHMARKS.md).
  const SOME = ['01-py-correct', '02-ts-correct', '09-py-infinite-loop', '10-py-memory-hog', '11-py-fork-bomb', '12-py-reads-neighbours'];
  it.skipIf(!python.command)('for a correct one in each language, an endless loop, a memory hog, a fork bomb and a neighbour-reader', { timeout: 400_000 }, async () => {
    const { dir, out, tokens } = classCopy();
    try {
      for (const entry of fs.readdirSync(dir)) if (!SOME.includes(entry)) fs.rmSync(path.join(dir, entry), { recursive: true });
      const run = await runClass({ grading, provider: embedded, submissionsDir: dir, outDir: out, jobs: 2, formats: ['gradescope'], seed: 7, python: python.command!, hide: [tokens], sandbox: choice });
      expect(Object.fromEntries(run.results.map((r) => [r.id, r.tests.map((t) => t.score)]))).toEqual(Object.fromEntries(SOME.map((id) => [id, EXPECTED[id]])));
      const produce = (id: string) => run.results.find((r) => r.id === id)!.tests[0].checks[0].summary;
      expect(produce('09-py-infinite-loop')).toMatch(/wall-clock limit of 12 s reached/);
      expect(produce('10-py-memory-hog')).toMatch(/killed by the memory limit of 512 MB/);
      expect(produce('11-py-fork-bomb')).toMatch(/hit the limit of 64 processes/);
      expect(run.results.find((r) => r.id === '12-py-reads-neighbours')!.tests.map((t) => t.checks[0].summary)).not.toContainEqual(expect.stringMatching(/exit code 3/));
      expect(run.results.every((r) => r.sandbox === choice.description)).toBe(true);
      if (choice.kind !== 'container') return;
      // Every submission's container goes with its grading (the runtime removes it once its agent exited).
      const left = () => spawnSync(choice.runtime!.cli, ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8' }).stdout.split('\n').filter((name) => name.startsWith(`kafka-lab-grade-${process.pid}-`));
      const deadline = Date.now() + 15_000;
      while (left().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(left()).toEqual([]);
    } finally {
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});
