// The server's durable memory, in SQLite through Node's built-in node:sqlite (no native download):
// every transaction it produced (and where it landed), every submission it judged, keyed by the
// submission's topic, partition and offset, with the verdict it answered, and running tallies per
// group for the scoreboard. A redelivered submission finds its verdict here and gets the same answer
// again; (vid, txid) is accepted at most once, which the database itself enforces. WAL journaling
// lets `status` and `export` read while the server writes.

import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Transaction } from './signature.ts';

export interface StoredVerdict {
  topic: string;
  partition: number;
  offset: number;
  /** When the submission was written (the broker's time on a LogAppendTime topic). */
  submittedAt: number;
  bytes: number;
  vid: string;
  txid: string;
  code: number;
  reason: string;
  /** The result's timestamp. */
  judgedAt: number;
  checksum: string;
  resultTopic: string;
  /** The vid the verdict counts for on the scoreboard: the group's, or '' when no group sent it. */
  tallyVid: string;
}

export interface StoredTransaction extends Transaction {
  seq: number;
  createdAt: number;
  partition: number;
  /** Where the broker put it; null until it acknowledged the write. */
  offset: number | null;
}

export interface Tally {
  vid: string;
  code: number;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface Proof {
  txid: string;
  checksum: string;
  timestamp: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS transactions (
  seq INTEGER PRIMARY KEY,
  txid TEXT NOT NULL UNIQUE,
  payer TEXT NOT NULL,
  payee TEXT NOT NULL,
  amount INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER
);
CREATE INDEX IF NOT EXISTS transactions_pending ON transactions (seq) WHERE offset IS NULL;
CREATE TABLE IF NOT EXISTS submissions (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  submitted_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  vid TEXT NOT NULL,
  txid TEXT NOT NULL,
  code INTEGER NOT NULL,
  reason TEXT NOT NULL,
  judged_at INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  result_topic TEXT NOT NULL,
  tally_vid TEXT NOT NULL,
  PRIMARY KEY (topic, partition, offset)
);
CREATE UNIQUE INDEX IF NOT EXISTS accepted_once ON submissions (vid, txid) WHERE code = 200;
CREATE INDEX IF NOT EXISTS submissions_by_group ON submissions (tally_vid, code, judged_at);
CREATE TABLE IF NOT EXISTS tallies (
  vid TEXT NOT NULL,
  code INTEGER NOT NULL,
  count INTEGER NOT NULL,
  first_at INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (vid, code)
);
`;

type Row = Record<string, string | number | null>;

export class AssignmentStore {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #inTransaction = false;
  #closed = false;

  private constructor(file: string, db: DatabaseSync) {
    this.file = file;
    this.#db = db;
  }

  /** Opens (or creates) the store; read-only opens fail when there is none yet. */
  static open(file: string, { readOnly = false }: { readOnly?: boolean } = {}): AssignmentStore {
    if (!readOnly) fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new DatabaseSync(file, { readOnly });
    db.exec('PRAGMA busy_timeout = 10000');
    if (!readOnly) {
      db.exec('PRAGMA journal_mode = WAL');
      // WAL with NORMAL survives the process being killed (the OS has every committed write); only
      // losing power could cost the last commits, and Kafka's own fsync policy is no stronger.
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec(SCHEMA);
      fs.chmodSync(file, 0o600);
    }
    return new AssignmentStore(file, db);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #run(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `work` in one SQLite transaction (or the one already open): all of it is stored, or none. */
  atomically<T>(work: () => T): T {
    if (this.#inTransaction) return work();
    this.#db.exec('BEGIN IMMEDIATE');
    this.#inTransaction = true;
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  meta(key: string): string | undefined {
    return (this.#run('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined)?.value as string | undefined;
  }

  setMeta(key: string, value: string): void {
    this.#run('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---------------------------------------------------------------- transactions (the feed)

  nextSeq(): number {
    const row = this.#run('SELECT MAX(seq) AS last FROM transactions').get() as Row;
    return row.last === null ? 0 : Number(row.last) + 1;
  }

  addTransactions(transactions: Omit<StoredTransaction, 'offset'>[]): void {
    const insert = this.#run('INSERT INTO transactions (seq, txid, payer, payee, amount, created_at, partition) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.atomically(() => {
      for (const t of transactions) insert.run(t.seq, t.txid, t.payer, t.payee, t.amount, t.createdAt, t.partition);
    });
  }

  markProduced(placed: { seq: number; offset: number }[]): void {
    const update = this.#run('UPDATE transactions SET offset = ? WHERE seq = ?');
    this.atomically(() => {
      for (const p of placed) update.run(p.offset, p.seq);
    });
  }

  pendingTransactions(): StoredTransaction[] {
    return (this.#run('SELECT * FROM transactions WHERE offset IS NULL ORDER BY seq').all() as Row[]).map(toTransaction);
  }

  /** The highest offset a produced transaction has, per partition. */
  lastProducedOffsets(): Map<number, number> {
    const rows = this.#run('SELECT partition, MAX(offset) AS last FROM transactions WHERE offset IS NOT NULL GROUP BY partition').all() as Row[];
    return new Map(rows.map((r) => [Number(r.partition), Number(r.last)]));
  }

  findTransaction(txid: string): StoredTransaction | undefined {
    const row = this.#run('SELECT * FROM transactions WHERE txid = ?').get(txid) as Row | undefined;
    return row && toTransaction(row);
  }

  /** The produced transactions in a partition's offset range [from, to). */
  transactionsAt(partition: number, from: number, to: number): StoredTransaction[] {
    return (this.#run('SELECT * FROM transactions WHERE partition = ? AND offset >= ? AND offset < ? ORDER BY offset').all(partition, from, to) as Row[]).map(toTransaction);
  }

  transactionCounts(): { made: number; produced: number } {
    const row = this.#run('SELECT COUNT(*) AS made, COUNT(offset) AS produced FROM transactions').get() as Row;
    return { made: Number(row.made), produced: Number(row.produced) };
  }

  // ---------------------------------------------------------------- verdicts

  verdict(topic: string, partition: number, offset: number): StoredVerdict | undefined {
    const row = this.#run('SELECT * FROM submissions WHERE topic = ? AND partition = ? AND offset = ?').get(topic, partition, offset) as Row | undefined;
    return row && toVerdict(row);
  }

  acceptedBefore(vid: string, txid: string): boolean {
    return this.#run('SELECT 1 FROM submissions WHERE vid = ? AND txid = ? AND code = 200').get(vid, txid) !== undefined;
  }

  /** Stores a new verdict and counts it; call inside atomically() with the rest of its batch. */
  saveVerdict(v: StoredVerdict): void {
    this.#run(
      'INSERT INTO submissions (topic, partition, offset, submitted_at, bytes, vid, txid, code, reason, judged_at, checksum, result_topic, tally_vid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(v.topic, v.partition, v.offset, v.submittedAt, v.bytes, v.vid, v.txid, v.code, v.reason, v.judgedAt, v.checksum, v.resultTopic, v.tallyVid);
    this.#run(
      `INSERT INTO tallies (vid, code, count, first_at, last_at) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (vid, code) DO UPDATE SET count = count + 1, first_at = MIN(first_at, excluded.first_at), last_at = MAX(last_at, excluded.last_at)`,
    ).run(v.tallyVid, v.code, v.judgedAt, v.submittedAt);
  }

  /** The highest submission offset judged, per partition of `topic`. */
  lastJudgedOffsets(topic: string): Map<number, number> {
    const rows = this.#run('SELECT partition, MAX(offset) AS last FROM submissions WHERE topic = ? GROUP BY partition').all(topic) as Row[];
    return new Map(rows.map((r) => [Number(r.partition), Number(r.last)]));
  }

  tallies(): Tally[] {
    return (this.#run('SELECT * FROM tallies ORDER BY vid, code').all() as Row[]).map((r) => ({
      vid: String(r.vid),
      code: Number(r.code),
      count: Number(r.count),
      firstAt: Number(r.first_at),
      lastAt: Number(r.last_at),
    }));
  }

  /** A group's accepted results, oldest first: the proofs the course asked for. */
  proofs(vid: string): Proof[] {
    const rows = this.#run('SELECT txid, checksum, judged_at FROM submissions WHERE tally_vid = ? AND code = 200 ORDER BY judged_at, topic, partition, offset').all(vid) as Row[];
    return rows.map((r) => ({ txid: String(r.txid), checksum: String(r.checksum), timestamp: Number(r.judged_at) }));
  }

  /** The accepted result of (vid, txid), if there is one. */
  acceptance(vid: string, txid: string): StoredVerdict | undefined {
    const row = this.#run('SELECT * FROM submissions WHERE vid = ? AND txid = ? AND code = 200').get(vid, txid) as Row | undefined;
    return row && toVerdict(row);
  }

  /** Every verdict of one group (or '' for the unattributed), in the order they were judged. */
  verdictsOf(tallyVid: string): StoredVerdict[] {
    return (this.#run('SELECT * FROM submissions WHERE tally_vid = ? ORDER BY judged_at, topic, partition, offset').all(tallyVid) as Row[]).map(toVerdict);
  }

  /** Forgets every transaction and verdict (a practice server on a new cluster); the groups stay. */
  clear(): void {
    this.atomically(() => {
      for (const table of ['transactions', 'submissions', 'tallies', 'meta']) this.#db.exec(`DELETE FROM ${table}`);
    });
  }
}

function toTransaction(r: Row): StoredTransaction {
  return {
    seq: Number(r.seq),
    txid: String(r.txid),
    payer: String(r.payer),
    payee: String(r.payee),
    amount: Number(r.amount),
    createdAt: Number(r.created_at),
    partition: Number(r.partition),
    offset: r.offset === null ? null : Number(r.offset),
  };
}

function toVerdict(r: Row): StoredVerdict {
  return {
    topic: String(r.topic),
    partition: Number(r.partition),
    offset: Number(r.offset),
    submittedAt: Number(r.submitted_at),
    bytes: Number(r.bytes),
    vid: String(r.vid),
    txid: String(r.txid),
    code: Number(r.code),
    reason: String(r.reason),
    judgedAt: Number(r.judged_at),
    checksum: String(r.checksum),
    resultTopic: String(r.result_topic),
    tallyVid: String(r.tally_vid),
  };
}
