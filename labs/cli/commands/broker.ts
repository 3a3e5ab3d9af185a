// `kafka-lab broker`: runs an embedded cluster in the foreground for any Kafka client, until
// Ctrl-C or SIGTERM. Stdout carries one line, `bootstrap=host:port,...`, so scripts can read it;
// with --trace a line per request follows. Everything meant for people goes to stderr, including
// the steps of a --scenario as they fire.

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ClusterHandle, Scenario, ScenarioRun, TimelineEntry } from '../../../simulator/index.ts';
import { integerIn, nameList, scenarioFile, usersFile, type ScenarioFile, type UserEntry } from '../option-parsers.ts';
import { shouldColor, TraceFormatter } from '../trace-format.ts';

export const MAX_BROKERS = 16;
const MAX_PORT = 65535;

interface BrokerOptions {
  brokers: number;
  port: number;
  dataDir?: string;
  trace?: boolean;
  seed?: number;
  autoCreateTopics: boolean;
  partitions: number;
  users?: UserEntry[];
  superUsers?: string[];
  scenario?: ScenarioFile;
}

const EXAMPLES = `
Examples:
  $ kafka-lab broker
      3 brokers on 127.0.0.1:9092, 9093 and 9094, records kept in memory
  $ kafka-lab broker --brokers 1 --port 0
      one broker on a free port; read the port from the bootstrap= line
  $ kafka-lab broker --data-dir ./kafka-data
      stop with Ctrl-C, start again: topics, configs and records are still there
  $ kafka-lab broker --trace --no-auto-create-topics --partitions 3
      watch every request; producing to an unknown topic is refused
  $ kafka-lab broker --users users.txt --super-users ta
      clients must log in (SASL_PLAINTEXT, mechanism PLAIN, SCRAM-SHA-256 or
      SCRAM-SHA-512) as a user from users.txt, one name:password per line, or
      a JSON array like [{"name": "ta", "password": "…"}]; ACLs decide what
      each user may do, and the super user ta may do anything, including
      granting ACLs (kafka-acls, or an admin client's createAcls)
  $ kafka-lab broker --scenario chaos.json
      run timed faults against the cluster and print each step as it fires;
      chaos.json is like
        {"seed": 7, "steps": [
          {"at": "2s", "kill": 1},
          {"at": "5s", "restart": 1},
          {"at": "6s", "partition": [[1], [2, 3]]},
          {"at": "9s", "heal": true},
          {"at": "10s", "rule": {"match": {"api": "Produce"},
                                 "action": {"error": "NOT_LEADER_OR_FOLLOWER"},
                                 "times": 3}},
          {"at": "12s", "random": {"count": 5, "within": "20s",
                                   "kinds": ["kill", "restart", "split"]}}]}
      other steps: stop, pause, resume, diskFull, diskFree, dropConnections,
      latency {ms, jitterMs}, throttle {ms}, removeRule, clearRules,
      clearLatency; the same seed replays the same timeline (README: Faults)

Stdout gets one line, bootstrap=127.0.0.1:9092,..., when the cluster is ready
(then the --trace lines); messages for people go to stderr. Ctrl-C or SIGTERM
stops the cluster cleanly and exits 0.`;

export function addBrokerCommand(program: Command): void {
  program
    .command('broker')
    .summary('run a Kafka-compatible cluster on 127.0.0.1 until Ctrl-C')
    .description('Run an embedded Kafka-compatible cluster on 127.0.0.1 until Ctrl-C. Any Kafka client (kafkajs, kafka-python, kcat, the Java client) can connect to it.')
    .option('-b, --brokers <count>', `number of brokers, 1 to ${MAX_BROKERS}; their ids are 1..count`, integerIn(1, MAX_BROKERS), 3)
    .option('-p, --port <port>', 'port of broker 1; broker N listens on port+N-1. 0 gives every broker a free port', integerIn(0, MAX_PORT), 9092)
    .option('-d, --data-dir <dir>', 'keep topics, configs and records in this directory (created if missing), so a restart loses nothing acknowledged; without it everything lives in memory')
    .option('-t, --trace', 'print a line per request (broker, client, API and version, topics, errors, time) and per connect and disconnect')
    .option('--seed <number>', 'make the cluster id, topic ids and replica placement repeatable', integerIn(0, 2 ** 32 - 1))
    .option('--no-auto-create-topics', "refuse to create a topic when a client first names it (Kafka's auto.create.topics.enable=false)")
    .option('--partitions <count>', "partitions of an auto-created topic (Kafka's num.partitions)", integerIn(1, 100_000), 1)
    .option(
      '--users <file>',
      'require SASL login (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) as one of these users and enforce ACLs; the file has name:password lines, or is a JSON array of {"name", "password", "mechanisms"?}',
      usersFile,
    )
    .option('--super-users <names>', "comma-separated users (alice or User:alice) that ACLs do not restrict (Kafka's super.users); needs --users", nameList)
    .option('--scenario <file>', 'run this JSON scenario of timed faults (kills, restarts, splits, fault rules, ...) once the cluster is up, printing each step as it fires; its "seed" (or --seed) makes random steps repeatable', scenarioFile)
    .addHelpText('after', EXAMPLES)
    .action(async (options: BrokerOptions, command: Command) => runBroker(options, command));
}

async function runBroker(options: BrokerOptions, command: Command): Promise<void> {
  const lastPort = options.port + options.brokers - 1;
  if (options.port !== 0 && lastPort > MAX_PORT) {
    command.error(`error: --port ${options.port} with --brokers ${options.brokers} needs ports up to ${lastPort}; the highest is ${MAX_PORT}`);
  }
  if (options.superUsers && !options.users) command.error('error: --super-users needs --users: without users there is no login and no ACLs');
  const dataDir = options.dataDir === undefined ? undefined : prepareDataDir(options.dataDir, command);
  // Listening from here on, so Ctrl-C during start-up also stops the cluster cleanly.
  const stopSignal = nextStopSignal();

  // Loaded here, not on top, so --help and flag errors do not wait for the whole broker to load.
  const simulator = await import('../../../simulator/index.ts');
  const { startCluster } = simulator;
  const scenario = options.scenario ? checkedScenario(simulator, options.scenario, options, command) : undefined;
  let cluster: ClusterHandle;
  try {
    cluster = await startCluster({
      brokers: options.brokers,
      port: options.port,
      dataDir,
      seed: options.seed,
      autoCreateTopics: options.autoCreateTopics,
      numPartitions: options.partitions,
      users: options.users,
      superUsers: options.superUsers,
    });
  } catch (error) {
    return command.error(`error: ${whyStartFailed(error, options)}`);
  }

  process.stdout.write(`bootstrap=${cluster.bootstrapServers.join(',')}\n`);
  const stopTracing = options.trace ? traceTo(process.stdout, cluster) : () => {};
  const kept = dataDir ? `data in ${dataDir}` : 'data in memory (use --data-dir to keep it)';
  const brokers = options.brokers === 1 ? '1 broker' : `${options.brokers} brokers`;
  const security = options.users ? `SASL_PLAINTEXT with ${options.users.length === 1 ? '1 user' : `${options.users.length} users`} and ACLs, ` : '';
  process.stderr.write(`kafka-lab: ${brokers} ready, cluster id ${cluster.id}, ${security}${kept}. Ctrl-C stops.\n`);
  const stopScenario = new AbortController();
  const running = scenario ? runScenarioAloud(simulator.runScenario, cluster, scenario, stopScenario.signal) : undefined;

  const signal = await stopSignal;
  process.stderr.write(`kafka-lab: ${signal}, stopping the cluster\n`);
  stopScenario.abort();
  await running;
  stopTracing();
  await cluster.stop();
  process.exit(0);
}

type Simulator = typeof import('../../../simulator/index.ts');

interface CheckedScenario {
  path: string;
  scenario: Scenario;
  seed: number;
}

/** Reads and plans the scenario before the cluster starts, so a bad file stops here with every problem named. */
function checkedScenario(simulator: Simulator, file: ScenarioFile, options: BrokerOptions, command: Command): CheckedScenario {
  try {
    const scenario = simulator.parseScenario(file.text, file.path);
    const seed = scenario.seed ?? options.seed ?? Math.floor(Math.random() * 2 ** 32);
    const brokers = Array.from({ length: options.brokers }, (_, i) => ({ id: i + 1, state: 'up' as const }));
    simulator.planScenario(scenario, brokers, seed);
    return { path: file.path, scenario, seed };
  } catch (error) {
    if (!(error instanceof simulator.ScenarioError)) throw error;
    // One line per problem, so a student can fix them all in one go.
    const problems = error.problems;
    for (const problem of problems.slice(0, -1)) process.stderr.write(`error: ${problem}\n`);
    return command.error(`error: ${problems.at(-1)}`);
  }
}

async function runScenarioAloud(run: Simulator['runScenario'], cluster: ClusterHandle, { path: file, scenario, seed }: CheckedScenario, signal: AbortSignal): Promise<ScenarioRun> {
  const say = (text: string) => process.stderr.write(`kafka-lab: ${text}\n`);
  say(`scenario ${file}: ${scenario.steps.length} step(s), seed ${seed} (the same seed replays the same timeline)`);
  const told = (entry: TimelineEntry) => {
    const at = `+${(entry.firedAtMs / 1000).toFixed(1)}s`;
    say(`scenario ${at} ${entry.text}${entry.random ? ' (random)' : ''}${entry.outcome === 'done' ? '' : ` failed: ${entry.outcome}`}`);
  };
  const result = await run(cluster, scenario, { signal, seed, onStep: told });
  if (result.completed) say(`scenario finished: ${result.timeline.length} step(s) ran; the cluster keeps running. Ctrl-C stops.`);
  return result;
}

function prepareDataDir(dir: string, command: Command): string {
  const absolute = path.resolve(dir);
  try {
    fs.mkdirSync(absolute, { recursive: true });
    fs.accessSync(absolute, fs.constants.W_OK);
  } catch (error) {
    command.error(`error: cannot use ${absolute} as the data dir: ${oneLine(error)}`);
  }
  return absolute;
}

function whyStartFailed(error: unknown, options: BrokerOptions): string {
  const code = (error as NodeJS.ErrnoException).code;
  const port = (error as { port?: number }).port ?? options.port;
  const broker = options.port === 0 ? '' : ` (broker ${port - options.port + 1})`;
  if (code === 'EADDRINUSE') {
    return `port ${port} on 127.0.0.1 is already in use${broker}; choose another with --port, or --port 0 for free ports`;
  }
  if (code === 'EACCES') return `not allowed to listen on port ${port}${broker}; ports below 1024 need privileges, try --port 9092`;
  return `cannot start the cluster: ${oneLine(error)}`;
}

const oneLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');

function traceTo(out: NodeJS.WriteStream, cluster: ClusterHandle): () => void {
  const formatter = new TraceFormatter({ color: shouldColor(out), width: 80 });
  const unsubscribe = cluster.events.subscribe((event) => {
    const line = formatter.format(event);
    if (line !== null) out.write(`${line}\n`);
  });
  // A reader that goes away (`| head`) ends the trace, not the cluster.
  out.on('error', unsubscribe);
  return unsubscribe;
}

/** Resolves on the first SIGINT or SIGTERM; a second one while stopping exits at once. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
