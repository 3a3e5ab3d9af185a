// `kafka-lab assignment init <dir> --groups groups.csv`: a vid and a random token for every group,
// a SASL user per group with --sasl, and a handout per group. Running it again with a longer
// groups.csv adds the new groups and keeps everything else: tokens never change once handed out.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseGroupsCsv } from './groups-csv.ts';
import { handoutFor, handoutText } from './handout.ts';
import {
  AssignmentError,
  CONFIG_FILE,
  HANDOUTS_DIR,
  readConfig,
  statePath,
  USERS_FILE,
  writeConfig,
  writePrivate,
  type AssignmentConfig,
  type GroupState,
  type SaslMechanism,
} from './state.ts';

export interface InitOptions {
  /** The text of groups.csv, and its name for messages. */
  groupsCsv: string;
  groupsFile?: string;
  /** A SASL user per group, and a TA user for the server. */
  sasl?: boolean;
  saslMechanism?: SaslMechanism;
  /** The TA's user name (default ta). */
  taUser?: string;
  /** What handouts tell students to connect to (default 127.0.0.1:9092). */
  bootstrap?: string;
  deadline?: Date;
  ratePerSecond?: number;
  rateLimit?: { perSecond: number; burst: number };
  partitions?: number;
  privateResults?: boolean;
  /** Fixes the transaction stream (tests); random otherwise. */
  seed?: string;
}

export interface InitReport {
  dir: string;
  created: boolean;
  added: GroupState[];
  kept: GroupState[];
  config: AssignmentConfig;
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

export const DEFAULTS = {
  bootstrap: '127.0.0.1:9092',
  ratePerSecond: 2,
  rateLimit: { perSecond: 20, burst: 200 },
  partitions: 3,
  topics: { transaction: 'transaction', submit: 'submit', result: 'result' },
} as const;

export function initAssignment(dir: string, options: InitOptions): InitReport {
  const rows = parseGroupsCsv(options.groupsCsv, options.groupsFile);
  const root = path.resolve(dir);
  const exists = fs.existsSync(statePath(root, CONFIG_FILE));
  if (!exists && fs.existsSync(root) && fs.readdirSync(root).length > 0) {
    throw new AssignmentError(`${root} is not empty and holds no ${CONFIG_FILE}: choose a new folder for the assignment`);
  }
  const config: AssignmentConfig = exists ? readConfig(root) : freshConfig(options);
  if (exists) applySettings(config, options);
  if (options.sasl && !config.sasl) config.sasl = { mechanism: options.saslMechanism ?? 'scram-sha-256', ta: { username: options.taUser ?? 'ta', password: secret(18) } };

  const byName = new Map(config.groups.map((g) => [g.name.toLowerCase(), g]));
  const added: GroupState[] = [];
  const kept: GroupState[] = [];
  let number = config.groups.length;
  for (const row of rows) {
    const existing = byName.get(row.name.toLowerCase());
    if (existing) {
      kept.push(existing);
      continue;
    }
    number++;
    const group: GroupState = { vid: `v${String(number).padStart(3, '0')}`, name: row.name, members: row.members, token: secret(24) };
    config.groups.push(group);
    added.push(group);
  }
  if (config.sasl) {
    const taken = new Set([config.sasl.ta.username]);
    for (const group of config.groups) {
      if (taken.has(group.vid)) throw new AssignmentError(`the TA user "${config.sasl.ta.username}" has the name of group ${group.vid}'s user; choose another with --ta-user`);
      group.login ??= { username: group.vid, password: secret(18) };
    }
  }

  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  writeConfig(root, config);
  writeHandouts(root, config);
  if (config.sasl) writePrivate(statePath(root, USERS_FILE), usersFile(config));
  return { dir: root, created: !exists, added, kept, config };
}

function freshConfig(options: InitOptions): AssignmentConfig {
  const config: AssignmentConfig = {
    version: 1,
    id: randomBytes(4).toString('hex'),
    createdAt: new Date().toISOString(),
    seed: options.seed ?? randomBytes(16).toString('hex'),
    secret: randomBytes(32).toString('hex'),
    topics: { ...DEFAULTS.topics },
    privateResults: false,
    partitions: DEFAULTS.partitions,
    ratePerSecond: DEFAULTS.ratePerSecond,
    rateLimit: { ...DEFAULTS.rateLimit },
    bootstrap: DEFAULTS.bootstrap,
    groups: [],
  };
  applySettings(config, options);
  return config;
}

/** The settings given on the command line, over what the dir had. */
function applySettings(config: AssignmentConfig, options: InitOptions): void {
  if (options.bootstrap !== undefined) config.bootstrap = options.bootstrap;
  if (options.deadline !== undefined) config.deadline = options.deadline.toISOString();
  if (options.ratePerSecond !== undefined) config.ratePerSecond = options.ratePerSecond;
  if (options.rateLimit !== undefined) config.rateLimit = options.rateLimit;
  if (options.partitions !== undefined) config.partitions = options.partitions;
  if (options.privateResults !== undefined) config.privateResults = options.privateResults;
}

export function writeHandouts(dir: string, config: AssignmentConfig): void {
  for (const group of config.groups) {
    writePrivate(statePath(dir, HANDOUTS_DIR, `${group.vid}.txt`), handoutText(config, group));
    writePrivate(statePath(dir, HANDOUTS_DIR, `${group.vid}.json`), `${JSON.stringify(handoutFor(config, group), null, 2)}\n`);
  }
}

/** For `kafka-lab broker --users`: the TA first, then every group. */
function usersFile(config: AssignmentConfig): string {
  const { ta } = config.sasl!;
  const lines = [`# kafka-lab broker --users ${USERS_FILE} --super-users ${ta.username}`, `${ta.username}:${ta.password}`];
  for (const group of config.groups) if (group.login) lines.push(`${group.login.username}:${group.login.password}`);
  return `${lines.join('\n')}\n`;
}
