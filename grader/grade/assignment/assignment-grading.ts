// Grading transaction-verifier submissions (`kafka-lab grade --assignment <dir>`). Each submission
// is a group of an assignment of its own: a fresh state dir with one group — its own vid and a
// random token, handed to the submission in verifier.json, never a token of the class — served by
// the assignment server on a fresh broker. The submission's verifier runs sandboxed while the
// server makes the run's transactions, and the server's own verdicts score it: how many were
// accepted, and which codes it earned. The TA's folder gives the settings (partitions, rate
// limits) and stays hidden from the programs, as every other group's tokens do.
//
// Runs (grading-file.ts): a steady one shared by the tests without faults, a restart one (the
// verifier SIGKILLed once half the transactions are accepted, then started again: exactly once
// means nothing twice and nothing lost), and one per fault test on a simulator cluster.

import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Admin, type KafkaConfig } from 'kafkajs';
import type { CheckResult } from '../../../labs/engine/check-runner.ts';
import type { Language, LabDefinition } from '../../../labs/engine/lab-definition.ts';
import { CODE_NAMES, CODES, type Code } from '../../assignment/codes.ts';
import { TransactionGenerator } from '../../assignment/generator.ts';
import { handoutFor } from '../../assignment/handout.ts';
import { initAssignment } from '../../assignment/init.ts';
import type { GroupScore } from '../../assignment/scoreboard.ts';
import { startAssignmentServer } from '../../assignment/server.ts';
import { groupPrefix, readConfig, statePath, STORE_FILE, type AssignmentConfig } from '../../assignment/state.ts';
import { AssignmentStore } from '../../assignment/store.ts';
import type { ClientSecurity } from '../../providers/types.ts';
import { DependencyError, nodeRuntime, pythonRuntime, type Runtime } from '../dependencies.ts';
import { startFaultCluster } from '../faults.ts';
import { scoreOf, ungradable, type GradeContext, type Grading, type SubmissionResult, type TestResult } from '../grading.ts';
import { commandText, startProgram, type ProgramsContext } from '../run-programs.ts';
import { claimUid, releaseUid, type SandboxExit, type SandboxRun } from '../sandbox/sandbox.ts';
import { openSandbox, type SubmissionSandbox } from '../sandbox/submission-sandbox.ts';
import { findPrograms, prepareWorkspace, SubmissionError, type Submission } from '../submission.ts';
import { EXPECTATIONS, type AssignmentGradingFile, type AssignmentTest, type Expectation, type RunKind } from './grading-file.ts';
import { HANDOUT_FILE, VERIFIER_COMMAND, VERIFIER_FILE, verifierLab } from './verifier-lab.ts';

/** A run is over once nothing was judged for this long after its last transaction was accepted. */
const QUIET_MS = 1500;
const POLL_MS = 100;
const TAIL_LINES = 25;

export function assignmentGrading(assignmentDir: string, grading: AssignmentGradingFile): Grading {
  const ta = readConfig(assignmentDir);
  const lab = verifierLab();
  return {
    id: lab.id,
    title: `The transaction verifier (assignment ${ta.id})`,
    file: grading.file,
    settings: JSON.stringify({ partitions: ta.partitions, rateLimit: ta.rateLimit, privateResults: ta.privateResults }),
    tests: grading.tests,
    maxScore: grading.maxScore,
    grade: (submission, context) => gradeVerifier(submission, { ...context, hide: [...context.hide, statePath(assignmentDir)] }, { grading, ta, lab }),
  };
}

interface Setup {
  grading: AssignmentGradingFile;
  /** The TA's assignment: its settings, never its groups. */
  ta: AssignmentConfig;
  lab: LabDefinition;
}

async function gradeVerifier(submission: Submission, context: GradeContext, { grading, ta, lab }: Setup): Promise<SubmissionResult> {
  const started = Date.now();
  const base = { id: submission.id, provider: context.provider.name, seed: context.seed, sandbox: context.sandbox.description, fingerprint: context.fingerprint, gradedAt: new Date().toISOString() };
  const failAll = (error: string, language?: Language) => ungradable(grading, { ...base, ...(language && { language }), executionTimeMs: Date.now() - started }, error);

  let found;
  try {
    found = findPrograms(submission, lab, context.language, [VERIFIER_FILE]);
  } catch (error) {
    if (error instanceof SubmissionError) return failAll(error.message);
    throw error;
  }
  const uid = claimUid();
  const workDir = fs.mkdtempSync(path.join(context.workRoot, `${submission.id.replace(/[^\w.-]/g, '_')}-`));
  let sandbox: SubmissionSandbox | undefined;
  try {
    const mainWork = path.join(workDir, 'main');
    let runtime: Runtime;
    try {
      await prepareWorkspace(mainWork, lab, submission, found, '127.0.0.1:9092', context.cacheDir);
      runtime = found.language === 'python' ? await pythonRuntime(context.python, mainWork, context.cacheDir) : await nodeRuntime(mainWork, context.cacheDir);
    } catch (error) {
      if (error instanceof DependencyError || error instanceof SubmissionError) return failAll(error.message, found.language);
      throw error;
    }
    const hide = [...context.hide, context.workRoot];
    const opened = (sandbox = await openSandbox(context.sandbox, { workDir, expose: runtime.expose, hide, limits: grading.limits }));
    let runs = 0;
    const run = (kind: RunKind, bootstrapServers: string[], security: ClientSecurity, faults?: () => Promise<{ end(): Promise<void> }>) => {
      const number = ++runs;
      const dir = path.join(workDir, `run-${number}`);
      fs.cpSync(mainWork, dir, { recursive: true, verbatimSymlinks: true });
      const programs: ProgramsContext = {
        lab,
        language: found.language,
        workDir: dir,
        interpreter: runtime.command,
        expose: runtime.expose,
        hide,
        bootstrapServers,
        limits: grading.limits,
        uid,
        sandbox: opened,
      };
      return verifierRun({ kind, programs, security, stateDir: path.join(workDir, `assignment-${number}`), groupName: submission.id, seed: `${context.seed}-${number}`, ta, grading, faults });
    };

    const results: TestResult[] = [];
    const shared = new Map<RunKind, AssignmentTest[]>();
    for (const test of grading.tests.filter((t) => !t.scenario)) shared.set(test.run, [...(shared.get(test.run) ?? []), test]);
    for (const [kind, tests] of shared) {
      const brokers = await context.provider.start({ brokers: 1, numPartitions: ta.partitions, groupInitialRebalanceDelayMs: 0 });
      try {
        const outcome = await run(kind, brokers.bootstrapServers, brokers.security);
        for (const test of tests) results.push(judge(test, outcome));
      } finally {
        await brokers.stop();
      }
    }
    for (const test of grading.tests.filter((t) => t.scenario)) {
      const faults = await startFaultCluster(test.scenario!, {
        seed: test.scenario!.scenario.seed ?? context.seed,
        scenarioFile: path.join(context.outDir, submission.id, `scenario-${test.index + 1}.json`),
        cluster: { numPartitions: ta.partitions },
      });
      try {
        const outcome = await run(test.run, faults.cluster.bootstrapServers, {}, () => faults.fire());
        results.push({ ...judge(test, outcome), faults: faults.report() });
      } finally {
        await faults.stop();
      }
    }
    results.sort((a, b) => a.index - b.index);
    return {
      ...base,
      status: 'graded',
      language: found.language,
      dependencies: runtime.note,
      maxScore: grading.maxScore,
      score: Math.round(results.reduce((sum, r) => sum + r.score, 0) * 100) / 100,
      tests: results,
      executionTimeMs: Date.now() - started,
    };
  } finally {
    await sandbox?.close();
    releaseUid(uid);
    if (!context.keepWorkspaces) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------ one run

interface RunOptions {
  kind: RunKind;
  programs: ProgramsContext;
  security: ClientSecurity;
  stateDir: string;
  groupName: string;
  seed: string;
  ta: AssignmentConfig;
  grading: AssignmentGradingFile;
  /** Starts the run's faults as its transactions start; `end` heals the cluster. */
  faults?: () => Promise<{ end(): Promise<void> }>;
}

/** What a run came to, from the server's verdicts. */
interface RunOutcome {
  /** Transactions the run served. */
  transactions: number;
  group: GroupScore;
  /** Refusals no group could be held to (malformed records, unknown vids): this submission's, the only group. */
  unattributed: Record<number, number>;
  /** The server's reason for the first verdict of each refusing code. */
  examples: Map<number, string>;
  /** The verifier stayed up until the grader stopped it. */
  program: CheckResult;
  transcript: string;
}

async function verifierRun(options: RunOptions): Promise<RunOutcome> {
  const { programs, grading, ta } = options;
  const servers = programs.bootstrapServers;
  const total = grading.transactions;
  const half = Math.floor(total / 2);
  initAssignment(options.stateDir, {
    groupsCsv: `group,members\n${csvCell(options.groupName)},${csvCell(`${options.groupName.replace(/[^\w.-]/g, '_')}@grader.invalid`)}`,
    seed: options.seed,
    ratePerSecond: grading.ratePerSecond,
    rateLimit: ta.rateLimit,
    partitions: ta.partitions,
    privateResults: ta.privateResults,
    bootstrap: servers.join(','),
  });
  const config = readConfig(options.stateDir);
  const group = config.groups[0];
  const handout = path.join(programs.workDir, HANDOUT_FILE);
  fs.writeFileSync(handout, `${JSON.stringify(handoutFor(config, group), null, 2)}\n`);

  // No transaction before the verifier listens: the stream starts once its consumer group is up.
  const server = await startAssignmentServer({ dir: options.stateDir, bootstrapServers: servers, security: options.security, transactions: 0 });
  const kafka = new Kafka({ clientId: 'kafka-lab-grader', brokers: servers, logLevel: logLevel.NOTHING, ...options.security } as KafkaConfig);
  const admin = kafka.admin();
  // What the verifier has had judged so far: a final verdict (anything but 429, which asks it to
  // submit again) for which of the run's transactions, and when the last verdict came.
  let lastActivity = Date.now();
  let verdicts = 0;
  const judged = new Set<string>();
  server.events.on('answered', (answered) => {
    lastActivity = Date.now();
    verdicts += answered.length;
    for (const v of answered) if (!v.replayed && v.tallyVid === group.vid && v.code !== CODES.RATE_LIMITED) judged.add(v.txid);
  });
  const generator = new TransactionGenerator(config.seed);
  const txids = Array.from({ length: total }, (_, seq) => generator.transaction(seq).txid);
  const accepted = () => server.scoreboard().groups[0]?.accepted ?? 0;
  /** The first `count` transactions all accepted, or all judged one way or another. */
  const settled = (count: number) => accepted() >= count || txids.slice(0, count).every((txid) => judged.has(txid));
  const text = commandText(programs.lab, VERIFIER_COMMAND, programs.language);
  const transcript: string[] = [];
  const problems: string[] = [];
  let faults: { end(): Promise<void> } | undefined;
  let board;
  try {
    const start = async () => {
      const run = await startProgram(programs, VERIFIER_COMMAND, { VERIFIER_HANDOUT: handout });
      lastActivity = Date.now();
      let exit: SandboxExit | undefined;
      void run.exit.then((e) => (exit = e));
      return { run, exited: () => exit };
    };
    /** Until `done` (and, with `quiet`, nothing more comes for a moment), the verifier ends, or it stalls. */
    const wait = async (
      { exited }: { exited: () => SandboxExit | undefined },
      done: () => boolean,
      { quiet, patienceMs, until }: { quiet: boolean; patienceMs: number; until?: () => Promise<boolean> },
    ) => {
      for (;;) {
        const idle = Date.now() - lastActivity;
        if (done() && (!quiet || idle >= QUIET_MS)) return;
        if (until && (await until())) return;
        if (exited() && idle >= QUIET_MS) return;
        if (idle >= patienceMs) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    };
    const stop = async ({ run, exited }: { run: SandboxRun; exited: () => SandboxExit | undefined }, note: string) => {
      const before = exited();
      if (!before) run.kill(note);
      const exit = await run.exit;
      transcript.push(`$ ${text}`, ...run.output.slice(-TAIL_LINES), ...(before ? [] : [`[${note}]`]));
      if (before) {
        if (before.reason) problems.push(`${text}: ${before.reason}`);
        else if (before.code !== 0) problems.push(`${text}: ${before.signal ? `killed by ${before.signal}` : `exit code ${before.code}`} before the run ended`);
      }
      return exit;
    };

    await admin.connect();
    await startFromTheBeginning(kafka, config, group.vid);
    let verifier = await start();
    await wait(verifier, () => false, { quiet: false, patienceMs: grading.patienceMs, until: () => groupListening(admin, group.vid) });
    server.setTransactionLimit(options.kind === 'restart' ? half : total);
    faults = await options.faults?.(); // from the first transaction on
    lastActivity = Date.now();
    if (options.kind === 'restart') {
      await wait(verifier, () => settled(half), { quiet: false, patienceMs: grading.patienceMs });
      await stop(verifier, `SIGKILLed by the grader with ${accepted()} of ${half} transactions accepted: the restart test`);
      server.setTransactionLimit(total);
      const before = verdicts;
      verifier = await start();
      // Its consumer gets partitions only once the group gave up on the killed one: its session timeout, and more.
      await wait(verifier, () => verdicts > before, { quiet: false, patienceMs: grading.rejoinMs });
    }
    await wait(verifier, () => settled(total), { quiet: true, patienceMs: grading.patienceMs });
    await stop(verifier, 'stopped by the grader: the run is over');
    await faults?.end();
    // Whatever it sent before it stopped is judged before the verdicts are read.
    while (Date.now() - lastActivity < QUIET_MS) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    board = server.scoreboard();
  } finally {
    await admin.disconnect().catch(() => {});
    await server.stop();
  }

  const store = AssignmentStore.open(statePath(options.stateDir, STORE_FILE), { readOnly: true });
  const examples = new Map<number, string>();
  try {
    for (const verdict of [...store.verdictsOf(group.vid), ...store.verdictsOf('')]) if (verdict.code !== CODES.ACCEPTED && !examples.has(verdict.code)) examples.set(verdict.code, verdict.reason);
  } finally {
    store.close();
  }
  const description = `the verifier runs until the grader stops it (no crash, within ${programs.limits.wallClockMs / 1000} s and ${programs.limits.memoryMb} MB)`;
  const program: CheckResult =
    problems.length === 0
      ? { description, status: 'pass', summary: `${text}: ran until the grader stopped it` }
      : { description, status: 'fail', summary: problems[0], saw: problems.join('; '), expected: 'the verifier keeps running (and serving) until it is stopped' };
  return { transactions: total, group: board.groups[0], unattributed: board.unattributed.refused, examples, program, transcript: transcript.join('\n') };
}

/**
 * The handout's consumer group starts at the beginning of the stream, as a group that has read
 * nothing yet would with auto.offset.reset=earliest: a verifier that resets to latest (the lab's
 * does) verifies every transaction of the run too. As kafkajs's admin.setOffsets does it — join,
 * seek (which commits), leave — with a short fetch wait, so it takes a moment rather than 5 s.
 */
async function startFromTheBeginning(kafka: Kafka, config: AssignmentConfig, vid: string): Promise<void> {
  const topic = config.topics.transaction;
  const consumer = kafka.consumer({ groupId: handoutFor(config, config.groups.find((g) => g.vid === vid)!).consumerGroup, maxWaitTimeInMs: 50, sessionTimeout: 6000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const fetched = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => resolve()));
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} });
    consumer.pause([{ topic }]);
    for (let partition = 0; partition < config.partitions; partition++) consumer.seek({ topic, partition, offset: '0' });
    await fetched;
  } finally {
    await consumer.disconnect();
  }
}

/** Some consumer group of the group's (its ids start with the vid) has members with partitions: it listens. */
async function groupListening(admin: Admin, vid: string): Promise<boolean> {
  try {
    const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(groupPrefix(vid)));
    if (ids.length === 0) return false;
    const { groups } = await admin.describeGroups(ids);
    return groups.some((g) => g.state === 'Stable' && g.members.length > 0);
  } catch {
    return false; // the cluster is busy (a fault test): ask again
  }
}

const csvCell = (text: string) => `"${text.replace(/"/g, '""')}"`;

// ------------------------------------------------------------------------------------ judging

const codeText = (code: number) => `${code} ${CODE_NAMES[code as Code] ?? ''}`.trim();

function refusals(outcome: RunOutcome): [number, number][] {
  const counts = new Map<number, number>();
  for (const source of [outcome.group.refused, outcome.unattributed]) for (const [code, n] of Object.entries(source)) counts.set(Number(code), (counts.get(Number(code)) ?? 0) + n);
  return [...counts].sort((a, b) => a[0] - b[0]);
}

function refusalText(outcome: RunOutcome, codes?: readonly number[]): string {
  const shown = refusals(outcome).filter(([code]) => !codes || codes.includes(code));
  if (shown.length === 0) return 'nothing refused';
  return shown.map(([code, n]) => `${n} × ${codeText(code)}${outcome.examples.has(code) ? ` (e.g. ${outcome.examples.get(code)})` : ''}`).join('; ');
}

function expectation(name: Expectation, outcome: RunOutcome): CheckResult & { credit?: number } {
  const { transactions, group } = outcome;
  if (name === 'accepted') {
    const description = `all ${transactions} transactions of the run accepted (200)`;
    const saw = `${group.accepted} of ${transactions} accepted from ${group.submitted} submission(s); ${refusalText(outcome)}`;
    if (group.accepted >= transactions) return { description, status: 'pass', summary: `${group.accepted} of ${transactions} transactions accepted` };
    return { description, status: 'fail', summary: `${group.accepted} of ${transactions} transactions accepted`, saw, expected: `every one of the ${transactions} transactions verified and accepted once`, credit: group.accepted / transactions };
  }
  const codes = EXPECTATIONS[name];
  const list = codes.map(codeText).join(', ');
  const description = `no submission refused with ${list}`;
  const count = refusals(outcome).reduce((sum, [code, n]) => sum + (codes.includes(code as never) ? n : 0), 0);
  if (count === 0) return { description, status: 'pass', summary: `no ${list} verdict in ${group.submitted} submission(s)` };
  return { description, status: 'fail', summary: `${count} submission(s) refused with ${list}`, saw: refusalText(outcome, codes), expected: `no ${list} verdict` };
}

/**
 * A test's score from its expectations. The verifier staying up is a check of every test, but no
 * share of partial credit: what was accepted counts, however it ended. Without partial credit, a
 * crash fails the test.
 */
function judge(test: AssignmentTest, outcome: RunOutcome): TestResult {
  const expectations = test.expect.map((name) => expectation(name, outcome));
  const judged = scoreOf(test.points, test.partial, expectations);
  const passed = judged.passed && outcome.program.status === 'pass';
  const score = passed || test.partial ? judged.score : 0;
  return {
    index: test.index,
    name: test.name,
    score,
    maxScore: test.points,
    visibility: test.visibility,
    passed,
    checks: [outcome.program, ...expectations.map(({ credit: _credit, ...check }) => check)],
    transcript: outcome.transcript,
  };
}
