// `kafka-lab assignment`: the TA's side of the transaction-verifier assignment. `init` makes the
// state dir (a vid, token and handout per group), `serve` runs the server (transactions out,
// verdicts back) on an embedded cluster or any Kafka, `status` is the live scoreboard, `export`
// writes grades with proofs, `verify` re-checks a proof line a student pasted. The server's code
// is grader/assignment/; README.md, "The transaction-verifier assignment", is the TA's guide.

import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { SASLOptions } from 'kafkajs';
import { integerIn } from '../option-parsers.ts';
import { nextStopSignal } from '../stop-signal.ts';

const CODES_TEXT = `
Codes on the result topic:
  200 accepted        400 malformed (not Avro of submit.avsc)   401 unknown vid
  403 bad signature   404 unknown txid   408 too late (after --deadline)
  409 duplicate (already accepted)       429 rate-limited (submit again later)`;

const EXAMPLES = `
Examples:
  $ kafka-lab assignment init class-2026 --groups groups.csv
      a vid, a secret token and a handout (class-2026/handouts/) per group
  $ kafka-lab assignment serve class-2026
      an embedded cluster on 127.0.0.1:9092, its data in class-2026/cluster
  $ kafka-lab assignment serve class-2026 --bootstrap kafka1:9092,kafka2:9092
      serve on a cluster you run (real Kafka too)
  $ kafka-lab assignment status class-2026        the live scoreboard
  $ kafka-lab assignment export class-2026 --format gradescope --out scores.csv
  $ kafka-lab assignment verify class-2026 '1767225600000,v007,tx-3f9a1c…,9c1e…'
${CODES_TEXT}`;

/** "5", "5/s", "0.5/s": a positive rate per second. */
export function ratePerSecond(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*s)?\s*$/.exec(value);
  const rate = match ? Number(match[1]) : NaN;
  if (!(rate > 0) || rate > 100_000) throw new InvalidArgumentError('Expected a rate per second above 0 and at most 100000, like 5/s or 0.5/s.');
  return rate;
}

/** An ISO date with a time zone, or a date alone (the end of that day, UTC). */
export function deadlineDate(value: string): Date {
  const text = value.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const date = new Date(dateOnly ? `${text}T23:59:59.999Z` : text);
  if (Number.isNaN(date.getTime()) || (!dateOnly && !/(Z|[+-]\d{2}:?\d{2})$/i.test(text))) {
    throw new InvalidArgumentError('Expected a date like 2026-12-01 (the end of that day, UTC) or a time with its zone, like 2026-12-01T23:59:00+07:00.');
  }
  return date;
}

function mechanism(value: string): 'plain' | 'scram-sha-256' | 'scram-sha-512' {
  const m = value.toLowerCase();
  if (m !== 'plain' && m !== 'scram-sha-256' && m !== 'scram-sha-512') throw new InvalidArgumentError('Expected PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.');
  return m;
}

function servers(value: string): string[] {
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = list.filter((s) => !/^[^\s:]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(s));
  if (list.length === 0 || bad.length > 0) throw new InvalidArgumentError(`Expected host:port[,host:port...]${bad.length ? `; not host:port: ${bad.join(', ')}` : ''}.`);
  return list;
}

const oneLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');

export function addAssignmentCommand(program: Command): void {
  const assignment = program
    .command('assignment')
    .summary('host the transaction-verifier assignment: init, serve, status, export, verify')
    .description('The transaction-verifier assignment, for the TA: each group gets a vid and a token; its verifier reads transactions, signs each with gen_signature and submits it; the server answers with a code and records who succeeded.')
    .addHelpText('after', EXAMPLES);

  assignment
    .command('init')
    .argument('<dir>', 'the assignment\'s state dir (created; run again with a longer groups.csv to add groups)')
    .summary('create the state dir: a vid, token and handout per group')
    .description('Create the assignment\'s state dir from groups.csv: a vid and a random token per group, a SASL user per group with --sasl, and a handout per group in <dir>/handouts/ (vid.txt to read, vid.json for the group\'s programs). The dir holds secrets: keep it to yourself.')
    .requiredOption('-g, --groups <file>', 'groups.csv: one group per line, its name and then its members (columns, or separated by ;), a member being a name, an e-mail address, or Name <address>')
    .option('-b, --bootstrap <servers>', 'where students connect, written into the handouts', '127.0.0.1:9092')
    .option('--sasl', 'a SASL user and password per group (and a TA user for the server); users.txt is for kafka-lab broker --users')
    .option('--mechanism <name>', 'the SASL mechanism in the handouts: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512', mechanism)
    .option('--ta-user <name>', 'the TA\'s (super) user the server logs in as, with --sasl', 'ta')
    .option('--private-results', 'each group\'s verdicts on a topic of its own, result-<vid>, that only it may read (with --sasl)')
    .option('--deadline <date>', 'submissions after this get 408: 2026-12-01 (end of day, UTC) or 2026-12-01T23:59:00+07:00', deadlineDate)
    .option('--rate <n/s>', 'transactions produced per second (default 2/s)', ratePerSecond)
    .option('--rate-limit <n/s>', 'per group: correctly signed submissions per second before 429 (default 20/s)', ratePerSecond)
    .option('--burst <n>', 'per group: submissions at once before the rate limit applies (default 200)', integerIn(1, 1_000_000))
    .option('--partitions <n>', 'partitions of the transaction, submit and result topics (default 3)', integerIn(1, 1000))
    .option('--seed <text>', 'make the transaction stream repeatable (for testing your own verifier)')
    .addHelpText('after', `
groups.csv looks like:
  group,members
  Team Rocket,Somchai K. <somchai@student.chula.ac.th>;nid@example.org
  "Kafka, Franz",Carol,dave@example.org

Running init again on the dir adds the groups that are new and keeps every
vid, token and password already handed out.`)
    .action(async (dir: string, options: InitFlags, command: Command) => runInit(dir, options, command));

  assignment
    .command('serve')
    .argument('<dir>', 'the state dir made by init')
    .summary('run the assignment server until Ctrl-C')
    .description('Run the server: produce transactions at a steady rate, judge every submission on the submit topic and answer on the result topic, exactly once, keeping everything in <dir>/store.sqlite. Without --bootstrap it runs an embedded cluster (one broker, data in <dir>/cluster). Stdout gets bootstrap=host:port first; messages for people go to stderr.')
    .option('-b, --bootstrap <servers>', 'serve on this cluster (host:port,...) instead of an embedded one', servers)
    .option('-p, --port <port>', 'port of the embedded cluster; 0 for a free one', integerIn(0, 65535), 9092)
    .option('--username <name>', 'log in as this user (default: the TA user from init --sasl)')
    .option('--password <password>', 'its password (default: the TA\'s from init --sasl)')
    .option('--mechanism <name>', 'PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (default: the assignment\'s)', mechanism)
    .option('--rate <n/s>', 'transactions per second, for this run', ratePerSecond)
    .option('--rate-limit <n/s>', 'per group submissions per second, for this run', ratePerSecond)
    .option('--burst <n>', 'per group submissions at once, for this run', integerIn(1, 1_000_000))
    .option('--deadline <date>', 'submissions after this get 408, for this run', deadlineDate)
    .addHelpText('after', `
A restart of the server, or of the cluster, loses nothing: verdicts are stored
before they are sent, results and consumer offsets are committed together in
one Kafka transaction, and a submission read again gets its stored verdict,
never a second one.${CODES_TEXT}`)
    .action(async (dir: string, options: ServeFlags, command: Command) => runServe(dir, options, command));

  assignment
    .command('status')
    .argument('<dir>', 'the state dir')
    .summary('the live scoreboard (or a table, without a terminal)')
    .description('Show the scoreboard: per group submitted, accepted, refused, last seen; the server\'s state and the lag of its consumer. On a terminal it stays and updates every second (↑/↓ scroll, s sort, q quit); otherwise it prints a table once.')
    .option('--once', 'print the table once, even on a terminal')
    .option('--json', 'print the scoreboard as JSON')
    .action(async (dir: string, options: { once?: boolean; json?: boolean }, command: Command) => runStatus(dir, options, command));

  assignment
    .command('export')
    .argument('<dir>', 'the state dir')
    .summary('per group: accepted count, first success and the proof, as csv, gradescope or json')
    .description('Export the grades: per group the accepted count, the first success and its proof (timestamp, txid, checksum). csv has a row per group, gradescope a row per member (Name, Email, Score) for Gradescope\'s score import, json everything including every proof.')
    .option('-f, --format <format>', 'csv, gradescope or json', 'csv')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--target <n>', 'gradescope: cap scores at n accepted transactions', integerIn(1, 10_000_000))
    .action(async (dir: string, options: { format: string; out?: string; target?: number }, command: Command) => runExport(dir, options, command));

  assignment
    .command('verify')
    .argument('<dir>', 'the state dir')
    .argument('[lines...]', 'proof lines, timestamp,vid,txid,checksum; without them, one per line on stdin')
    .summary('re-check pasted proof lines: was this really accepted?')
    .description('Re-check proof lines (timestamp,vid,txid,checksum of a result with code 200): the checksum must be the server\'s (students cannot make one) and the store must hold the acceptance. Prints a line per proof; exit code 0 when every one is valid, 1 otherwise.')
    .action(async (dir: string, lines: string[], _options: unknown, command: Command) => runVerify(dir, lines, command));
}

interface InitFlags {
  groups: string;
  bootstrap: string;
  sasl?: boolean;
  mechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  taUser: string;
  privateResults?: boolean;
  deadline?: Date;
  rate?: number;
  rateLimit?: number;
  burst?: number;
  partitions?: number;
  seed?: string;
}

async function runInit(dir: string, flags: InitFlags, command: Command): Promise<void> {
  let text: string;
  try {
    text = fs.readFileSync(flags.groups, 'utf8');
  } catch (error) {
    return command.error(`error: cannot read ${flags.groups}: ${(error as NodeJS.ErrnoException).code ?? oneLine(error)}`);
  }
  if (flags.privateResults && !flags.sasl && !fs.existsSync(path.join(dir, 'assignment.json'))) {
    process.stderr.write('kafka-lab: note: without --sasl nothing stops a group from reading another\'s result topic\n');
  }
  const { initAssignment, DEFAULTS } = await import('../../../grader/assignment/index.ts');
  try {
    const rateLimit = flags.rateLimit !== undefined || flags.burst !== undefined ? { perSecond: flags.rateLimit ?? DEFAULTS.rateLimit.perSecond, burst: flags.burst ?? DEFAULTS.rateLimit.burst } : undefined;
    const report = initAssignment(dir, {
      groupsCsv: text,
      groupsFile: flags.groups,
      sasl: flags.sasl,
      saslMechanism: flags.mechanism,
      taUser: flags.taUser,
      bootstrap: flags.bootstrap,
      deadline: flags.deadline,
      ratePerSecond: flags.rate,
      rateLimit,
      partitions: flags.partitions,
      privateResults: flags.privateResults,
      seed: flags.seed,
    });
    const relative = path.relative(process.cwd(), report.dir) || '.';
    const { config } = report;
    const lines = [
      `kafka-lab: assignment ${config.id} ${report.created ? 'created' : 'updated'} in ${report.dir}: ${report.added.length} group(s) added, ${report.kept.length} kept, ${config.groups.length} in all`,
      `  handouts    ${relative}/handouts/<vid>.txt and .json, one per group: give each group its own`,
      ...(config.sasl ? [`  users       ${relative}/users.txt for kafka-lab broker --users (TA user: ${config.sasl.ta.username})`] : []),
      `  next        kafka-lab assignment serve ${relative}${config.sasl ? `   (or: kafka-lab broker --users ${relative}/users.txt --super-users ${config.sasl.ta.username}, then serve --bootstrap)` : ''}`,
      '  keep the dir to yourself: it holds every token and the key that signs verdicts',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    const problems = (error as { problems?: string[] }).problems;
    if (problems && problems.length > 1) {
      for (const problem of problems.slice(0, -1)) process.stderr.write(`error: ${flags.groups}: ${problem}\n`);
      return command.error(`error: ${flags.groups}: ${problems.at(-1)}`);
    }
    return command.error(`error: ${oneLine(error)}`);
  }
}

interface ServeFlags {
  bootstrap?: string[];
  port: number;
  username?: string;
  password?: string;
  mechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  rate?: number;
  rateLimit?: number;
  burst?: number;
  deadline?: Date;
}

async function runServe(dir: string, flags: ServeFlags, command: Command): Promise<void> {
  if ((flags.username === undefined) !== (flags.password === undefined)) command.error('error: --username and --password go together');
  const stopSignal = nextStopSignal();
  const say = (line: string) => process.stderr.write(`kafka-lab: ${line}\n`);
  const { quietKafkajsTimerWarning } = await import('../quiet-warnings.ts');
  quietKafkajsTimerWarning();
  const { startAssignmentServer } = await import('../../../grader/assignment/index.ts');
  const config = await configOf(dir, command);
  const login = flags.username !== undefined ? { username: flags.username, password: flags.password! } : config.sasl?.ta;
  const security = login ? { sasl: { mechanism: flags.mechanism ?? config.sasl?.mechanism ?? 'scram-sha-256', ...login } as SASLOptions } : undefined;
  const rateLimit = flags.rateLimit !== undefined || flags.burst !== undefined ? { perSecond: flags.rateLimit ?? config.rateLimit.perSecond, burst: flags.burst ?? config.rateLimit.burst } : undefined;
  let server;
  try {
    server = await startAssignmentServer({
      dir,
      bootstrapServers: flags.bootstrap,
      security,
      port: flags.port,
      ratePerSecond: flags.rate,
      rateLimit,
      deadline: flags.deadline,
      log: say,
    });
  } catch (error) {
    return command.error(`error: ${oneLine(error)}`);
  }
  process.stdout.write(`bootstrap=${server.bootstrapServers.join(',')}\n`);
  const where = server.embedded ? `an embedded cluster (data in ${path.join(server.dir, 'cluster')})` : server.bootstrapServers.join(',');
  say(`assignment ${server.config.id} served on ${where}; \`kafka-lab assignment status ${dir}\` shows the scoreboard. Ctrl-C stops.`);
  const fatal = new Promise<string>((resolve) => server.events.once('fatal', (error) => resolve(error.message)));
  const why = await Promise.race([stopSignal, fatal]);
  const failed = why !== 'SIGINT' && why !== 'SIGTERM';
  say(failed ? `the server cannot go on: ${why}` : `${why}, stopping the server`);
  await server.stop();
  process.exit(failed ? 1 : 0);
}

async function runStatus(dir: string, flags: { once?: boolean; json?: boolean }, command: Command): Promise<void> {
  const { openStoreForReading, scoreboard } = await import('../../../grader/assignment/index.ts');
  const config = await configOf(dir, command);
  const read = () => {
    const store = openStoreForReading(dir);
    try {
      return store ? scoreboard(config, store) : undefined;
    } finally {
      store?.close();
    }
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(read() ?? { assignment: config.id, groups: [], note: 'no server has run yet' }, null, 2)}\n`);
    return;
  }
  const live = !flags.once && process.stdin.isTTY && process.stdout.isTTY;
  const { scoreboardText } = await import('../../ui/assignment/scoreboard-lines.ts');
  if (!live) {
    process.stdout.write(`${scoreboardText(config, read(), { width: process.stdout.columns || 80 })}\n`);
    return;
  }
  const { showScoreboard } = await import('../../ui/assignment/start.tsx');
  await showScoreboard(config, read);
  process.exit(0);
}

async function runExport(dir: string, flags: { format: string; out?: string; target?: number }, command: Command): Promise<void> {
  const { openStoreForReading, exportAssignment, EXPORT_FORMATS } = await import('../../../grader/assignment/index.ts');
  if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) command.error(`error: --format must be one of ${EXPORT_FORMATS.join(', ')}, not ${flags.format}`);
  if (flags.target !== undefined && flags.format !== 'gradescope') command.error('error: --target caps Gradescope scores: use it with --format gradescope');
  const config = await configOf(dir, command);
  const store = openStoreForReading(dir);
  if (!store) return command.error(`error: ${path.resolve(dir)} has no store yet: run \`kafka-lab assignment serve ${dir}\` first`);
  try {
    const { text, warnings } = exportAssignment(config, store, { format: flags.format as 'csv', target: flags.target });
    for (const warning of warnings) process.stderr.write(`kafka-lab: warning: ${warning}\n`);
    if (flags.out) {
      fs.writeFileSync(flags.out, text);
      process.stderr.write(`kafka-lab: ${config.groups.length} group(s) exported to ${path.resolve(flags.out)} (${flags.format})\n`);
    } else process.stdout.write(text);
  } catch (error) {
    return command.error(`error: ${oneLine(error)}`);
  } finally {
    store.close();
  }
}

async function runVerify(dir: string, lines: string[], command: Command): Promise<void> {
  const { openStoreForReading, verifyProof } = await import('../../../grader/assignment/index.ts');
  const config = await configOf(dir, command);
  const given = lines.length > 0 ? lines : (await readStdin()).split(/\r?\n/);
  const proofs = given.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#') && !/^timestamp\s*[,\t]/i.test(l));
  if (proofs.length === 0) return command.error('error: no proof line given: pass timestamp,vid,txid,checksum as an argument, or one per line on stdin');
  const store = openStoreForReading(dir);
  let allValid = true;
  try {
    for (const line of proofs) {
      const check = verifyProof(config, store, line);
      if (check.verdict !== 'valid') allValid = false;
      process.stdout.write(`${check.text}\n`);
    }
  } finally {
    store?.close();
  }
  process.exitCode = allValid ? 0 : 1;
}

/** The dir's assignment.json, or a one-line error saying what is wrong with it. */
async function configOf(dir: string, command: Command) {
  const { readConfig } = await import('../../../grader/assignment/index.ts');
  try {
    return readConfig(dir);
  } catch (error) {
    return command.error(`error: ${oneLine(error)}`);
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('kafka-lab: paste proof lines, then Ctrl-D\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
