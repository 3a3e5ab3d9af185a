// Exactly once across crashes. The server runs as the real command (`kafka-lab assignment serve`),
// a child process, while ten groups keep submitting; it is SIGKILLed mid-run and started again,
// three times — then the broker under it (`kafka-lab broker --data-dir`) is SIGKILLed and started
// again too. Every submission must end with exactly one verdict in the store and exactly one
// visible result (read_committed), the scoreboard must be exact, and a result sent again after a
// restart must be the very verdict stored before it.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliProcess } from '../../../labs/test/support/cli.ts';
import { readPartition, READ_UNCOMMITTED } from '../../../simulator/testkit/read-partition.ts';
import { CODES } from '../codes.ts';
import { initAssignment } from '../init.ts';
import { encodeSubmission } from '../schemas.ts';
import { scoreboard } from '../scoreboard.ts';
import { genSignature, type Transaction } from '../signature.ts';
import type { AssignmentConfig, GroupState } from '../state.ts';
import { AssignmentStore } from '../store.ts';
import { firstTransactions, quietKafka, readResults, tempDir, until } from './support/class.ts';

const GROUPS = 10;
const TRANSACTIONS = 80;
const AGAIN = 10;

const running: CliProcess[] = [];
afterEach(() => void running.splice(0));

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startBroker(port: number, dataDir: string, scenario?: string): CliProcess {
  const broker = runCli(['broker', '--brokers', '1', '--port', String(port), '--data-dir', dataDir, '--group-initial-rebalance-delay-ms', '0', ...(scenario ? ['--scenario', scenario] : [])]);
  running.push(broker);
  return broker;
}

function startServer(dir: string, bootstrap: string): CliProcess {
  const server = runCli(['assignment', 'serve', dir, '--bootstrap', bootstrap]);
  running.push(server);
  return server;
}

async function stopped(child: CliProcess, signal: NodeJS.Signals): Promise<void> {
  child.kill(signal);
  await child.exit(20_000);
}

/** What the store says now, read as `status` reads it (the server is another process). */
function readBoard(dir: string, config: AssignmentConfig) {
  const store = AssignmentStore.open(path.join(dir, 'store.sqlite'), { readOnly: true });
  try {
    return scoreboard(config, store);
  } finally {
    store.close();
  }
}

const judgedCount = (board: ReturnType<typeof readBoard>) => board.groups.reduce((s, g) => s + g.submitted, 0) + board.unattributed.submitted;

/** Each group's submissions: every transaction once, correctly signed, then the first AGAIN again. */
function submissionsOf(groups: GroupState[], transactions: Transaction[]): { value: Buffer }[][] {
  return groups.map((group) => [...transactions, ...transactions.slice(0, AGAIN)].map((tx) => ({ value: encodeSubmission({ vid: group.vid, txid: tx.txid, signature: genSignature(tx, group.token) }) })));
}

/** Sends part [from, to) of every group's submissions, each group with its own producer, in batches of 5. */
async function send(bootstrap: string, perGroup: { value: Buffer }[][], from: number, to: number): Promise<number> {
  const kafka = quietKafka([bootstrap], { retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
  const counts = await Promise.all(
    perGroup.map(async (values) => {
      const producer = kafka.producer({ idempotent: true });
      await producer.connect();
      const part = values.slice(from, to);
      for (let i = 0; i < part.length; i += 5) await producer.send({ topic: 'submit', acks: -1, messages: part.slice(i, i + 5) });
      await producer.disconnect();
      return part.length;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Result records in the log, committed or not (transaction markers aside). */
async function resultsWritten(bootstrap: string): Promise<number> {
  const kafka = quietKafka([bootstrap]);
  let written = 0;
  for (const partition of [0, 1, 2]) {
    const { messages } = await readPartition(kafka, 'result', partition, { isolationLevel: READ_UNCOMMITTED });
    written += messages.filter((m) => !m.isControlRecord).length;
  }
  return written;
}

async function expectExactlyOnce(dir: string, config: AssignmentConfig, bootstrap: string, total: number) {
  const board = await until(() => {
    const b = readBoard(dir, config);
    return judgedCount(b) >= total && b.server?.lag === 0 ? b : null;
  }, `${total} submissions judged`, 120_000);
  expect(judgedCount(board)).toBe(total);
  for (const g of board.groups) expect({ vid: g.vid, submitted: g.submitted, accepted: g.accepted, refused: g.refused }).toEqual({ vid: g.vid, submitted: TRANSACTIONS + AGAIN, accepted: TRANSACTIONS, refused: { [CODES.DUPLICATE]: AGAIN } });

  // One visible result per submission, and each is the verdict the store holds for it.
  const results = await readResults(quietKafka([bootstrap]), 'result', total);
  expect(results).toHaveLength(total);
  const seen = new Map<string, number>();
  for (const r of results) seen.set(r.submission, (seen.get(r.submission) ?? 0) + 1);
  expect([...seen].filter(([, n]) => n > 1).map(([submission]) => submission)).toEqual([]);
  expect(seen.size).toBe(total);
  const store = AssignmentStore.open(path.join(dir, 'store.sqlite'), { readOnly: true });
  try {
    for (const r of results) {
      const [topic, partition, offset] = r.submission.split('/');
      const stored = store.verdict(topic, Number(partition), Number(offset))!;
      expect({ vid: r.vid, txid: r.txid, code: r.code, checksum: r.checksum, timestamp: r.timestamp }).toEqual({ vid: stored.vid, txid: stored.txid, code: stored.code, checksum: stored.checksum, timestamp: stored.judgedAt });
    }
  } finally {
    store.close();
  }
}

describe('exactly once across crashes', { timeout: 400_000 }, () => {
  it('the server SIGKILLed mid-run three times: no submission lost, none judged or counted twice', async () => {
    const dir = tempDir('kill-server');
    const groupsCsv = Array.from({ length: GROUPS }, (_, i) => `Group ${i + 1},member${i}@x.org`).join('\n');
    const { config } = initAssignment(dir, { groupsCsv, seed: 'kill-server', ratePerSecond: 400, rateLimit: { perSecond: 10_000, burst: 10_000 } });
    // Adding the consumer's offsets to a Kafka transaction takes half a second: a kill while the
    // server works lands, all but surely, after it stored a batch's verdicts and sent their results,
    // and before it asked to commit them.
    const scenario = path.join(dir, 'slow-commits.json');
    fs.writeFileSync(scenario, JSON.stringify({ steps: [{ at: '0s', rule: { name: 'slow-commits', match: { api: 'AddOffsetsToTxn' }, action: { delayMs: 500 } } }] }));
    const port = await freePort();
    const broker = startBroker(port, path.join(dir, 'broker-data'), scenario);
    const [bootstrap] = await broker.bootstrap(90_000);

    let server = startServer(dir, bootstrap);
    await server.line(/^bootstrap=/, 90_000);
    await until(() => readBoard(dir, config).transactions.produced >= TRANSACTIONS, `${TRANSACTIONS} transactions produced`);
    const transactions = firstTransactions(config, TRANSACTIONS);

    const perGroup = submissionsOf(config.groups, transactions);
    const total = GROUPS * (TRANSACTIONS + AGAIN);
    // Four rounds of submissions; in each of the first three the server is killed while it works
    // through the round: after it judged a few of them, with the rest still to come.
    const round = Math.ceil((TRANSACTIONS + AGAIN) / 4);
    let sent = 0;
    for (let r = 0; r < 4; r++) {
      const before = sent;
      const sending = send(bootstrap, perGroup, r * round, (r + 1) * round);
      if (r < 3) {
        await until(() => judgedCount(readBoard(dir, config)) >= before + 10, `verdicts on round ${r + 1}`, 60_000);
        await stopped(server, 'SIGKILL');
        expect(judgedCount(readBoard(dir, config))).toBeLessThan(total); // killed mid-run: work was left
        server = startServer(dir, bootstrap);
      }
      sent += await sending;
      if (r < 3) await server.line(/^bootstrap=/, 90_000);
    }
    expect(sent).toBe(total);
    await expectExactlyOnce(dir, config, bootstrap, total);
    // Some results were written in a transaction the kill cut short: sent again after the restart, from the store.
    expect(await resultsWritten(bootstrap)).toBeGreaterThan(total);
    await stopped(server, 'SIGTERM');
    await stopped(broker, 'SIGTERM');
  });

  it('the broker SIGKILLed mid-run and started again: the server carries on, nothing lost, nothing counted twice', async () => {
    const dir = tempDir('kill-broker');
    const groupsCsv = Array.from({ length: GROUPS }, (_, i) => `Group ${i + 1},member${i}@x.org`).join('\n');
    const { config } = initAssignment(dir, { groupsCsv, seed: 'kill-broker', ratePerSecond: 400, rateLimit: { perSecond: 10_000, burst: 10_000 } });
    const port = await freePort();
    const dataDir = path.join(dir, 'broker-data');
    let broker = startBroker(port, dataDir);
    const [bootstrap] = await broker.bootstrap(90_000);
    const server = startServer(dir, bootstrap);
    await server.line(/^bootstrap=/, 90_000);
    await until(() => readBoard(dir, config).transactions.produced >= TRANSACTIONS, `${TRANSACTIONS} transactions produced`);
    const transactions = firstTransactions(config, TRANSACTIONS);

    const perGroup = submissionsOf(config.groups, transactions);
    const total = GROUPS * (TRANSACTIONS + AGAIN);
    const half = Math.ceil((TRANSACTIONS + AGAIN) / 2);
    const sending = send(bootstrap, perGroup, 0, half);
    await until(() => judgedCount(readBoard(dir, config)) >= 100, '100 verdicts', 60_000);
    await stopped(broker, 'SIGKILL');
    broker = startBroker(port, dataDir);
    await broker.bootstrap(90_000);
    // The groups' producers retry through the outage; then the second half.
    const sent = (await sending) + (await send(bootstrap, perGroup, half, TRANSACTIONS + AGAIN));
    expect(sent).toBe(total);
    await expectExactlyOnce(dir, config, bootstrap, total);
    expect(server.running).toBe(true);
    await stopped(server, 'SIGTERM');
    await stopped(broker, 'SIGTERM');
  });

  it('a server started on a backlog of 30,000 submissions answers every one: no transaction outgrows the result topic', async () => {
    // Judged side by side, three fetches' batches made one transaction of ~1.5 MB of results for a
    // partition of `result`, past its max.message.bytes: refused, tried again, never answered.
    const dir = tempDir('backlog');
    const groupsCsv = Array.from({ length: 100 }, (_, i) => `Group ${i + 1},member${i}@x.org`).join('\n');
    const { config } = initAssignment(dir, { groupsCsv, seed: 'backlog', ratePerSecond: 2000, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } });
    const port = await freePort();
    const broker = startBroker(port, path.join(dir, 'broker-data'));
    const [bootstrap] = await broker.bootstrap(90_000);
    let server = startServer(dir, bootstrap);
    await server.line(/^bootstrap=/, 90_000);
    const perGroup = 300;
    await until(() => readBoard(dir, config).transactions.produced >= perGroup, `${perGroup} transactions produced`);
    await stopped(server, 'SIGTERM');

    const transactions = firstTransactions(config, perGroup);
    const backlog = config.groups.flatMap((group) => transactions.map((tx) => ({ value: encodeSubmission({ vid: group.vid, txid: tx.txid, signature: genSignature(tx, group.token) }) })));
    const producer = quietKafka([bootstrap]).producer();
    await producer.connect();
    for (let i = 0; i < backlog.length; i += 1000) await producer.send({ topic: 'submit', acks: -1, messages: backlog.slice(i, i + 1000) });
    await producer.disconnect();

    server = startServer(dir, bootstrap);
    await server.line(/^bootstrap=/, 90_000);
    // Answered: judged, and the server's offsets committed past them (in the transactions that carry their results).
    const board = await until(() => {
      const b = readBoard(dir, config);
      return judgedCount(b) >= backlog.length && b.server?.lag === 0 ? b : null;
    }, 'the backlog answered', 120_000);
    expect(board.groups.filter((g) => g.accepted !== perGroup).map((g) => g.vid)).toEqual([]);
    await stopped(server, 'SIGTERM');
    await stopped(broker, 'SIGTERM');
  });
});
