// The assignment's state dir, as `kafka-lab assignment init` makes it and every other command reads
// it. It holds secrets (each group's token, the checksum key, passwords), so its files are the
// TA's alone (mode 0600):
//
//   assignment.json     the settings and the groups: vid, token, members, SASL login
//   users.txt           with --sasl: name:password lines for `kafka-lab broker --users`
//   handouts/<vid>.txt  what to give each group: vid, token, where to connect, what to run
//   handouts/<vid>.json the same for the group's programs (the lab's verifier.json)
//   store.sqlite        every transaction, submission and verdict (store.ts)
//   cluster/            the embedded cluster's data, when `serve` runs one
//   serve.lock          the pid of the server using the dir

import fs from 'node:fs';
import path from 'node:path';
import type { Member } from './groups-csv.ts';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface Login {
  username: string;
  password: string;
}

export interface GroupState {
  vid: string;
  name: string;
  members: Member[];
  /** Signs the group's submissions; the group's secret. */
  token: string;
  /** The group's SASL user, with --sasl. */
  login?: Login;
}

export interface Topics {
  transaction: string;
  submit: string;
  /** The shared result topic; with privateResults, group results go to `${result}-${vid}`. */
  result: string;
}

export interface AssignmentConfig {
  version: 1;
  /** Names the server's consumer group and transactional ids, so two assignments on one cluster do not mix. */
  id: string;
  createdAt: string;
  /** The transaction generator's seed. */
  seed: string;
  /** The checksum key: never handed out. */
  secret: string;
  topics: Topics;
  privateResults: boolean;
  partitions: number;
  /** Transactions produced per second. */
  ratePerSecond: number;
  /** Per vid: submissions per second, and how many may come at once. */
  rateLimit: { perSecond: number; burst: number };
  /** ISO date: submissions after it get 408. */
  deadline?: string;
  /** What the handouts tell students to connect to. */
  bootstrap: string;
  /** With --sasl: how everyone logs in, and the TA's own (super) user the server logs in as. */
  sasl?: { mechanism: SaslMechanism; ta: Login };
  groups: GroupState[];
}

export const CONFIG_FILE = 'assignment.json';
export const USERS_FILE = 'users.txt';
export const HANDOUTS_DIR = 'handouts';
export const STORE_FILE = 'store.sqlite';
export const CLUSTER_DIR = 'cluster';
export const LOCK_FILE = 'serve.lock';

export class AssignmentError extends Error {
  override readonly name = 'AssignmentError';
}

export const statePath = (dir: string, ...parts: string[]) => path.join(path.resolve(dir), ...parts);

/** The result topic a group's verdicts go to. */
export function resultTopicFor(config: Pick<AssignmentConfig, 'topics' | 'privateResults'>, vid: string | undefined): string {
  return config.privateResults && vid ? `${config.topics.result}-${vid}` : config.topics.result;
}

/** Consumer groups and transactional ids a group may use start with this. */
export const groupPrefix = (vid: string) => `${vid}-`;

export function serverGroupId(config: Pick<AssignmentConfig, 'id'>): string {
  return `kafka-lab-assignment-${config.id}`;
}

export function readConfig(dir: string): AssignmentConfig {
  const file = statePath(dir, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AssignmentError(`${path.resolve(dir)} is not an assignment: no ${CONFIG_FILE} (create it with \`kafka-lab assignment init ${dir} --groups groups.csv\`)`);
    throw new AssignmentError(`cannot read ${file}: ${code ?? (error as Error).message}`);
  }
  let config: AssignmentConfig;
  try {
    config = JSON.parse(text) as AssignmentConfig;
  } catch (error) {
    throw new AssignmentError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (config?.version !== 1 || !Array.isArray(config.groups) || typeof config.secret !== 'string' || typeof config.seed !== 'string') {
    throw new AssignmentError(`${file} is not an assignment kafka-lab wrote (version 1, with groups, seed and secret)`);
  }
  return config;
}

/** Writes a file of the state dir for the TA alone, whole or not at all. */
export function writePrivate(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

export function writeConfig(dir: string, config: AssignmentConfig): void {
  writePrivate(statePath(dir, CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * Takes the dir for one server: a second `serve` on the same dir would answer every submission
 * twice. A lock left by a server that died (SIGKILL) names a pid that is gone, and is taken over.
 */
export function lockStateDir(dir: string): () => void {
  const file = statePath(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.rmSync(file);
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new AssignmentError(`another server (pid ${pid}) is serving ${path.resolve(dir)}; stop it first, or remove ${file} if that process is not kafka-lab`);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new AssignmentError(`cannot take ${file}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet still answers signals: a zombie is dead.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
