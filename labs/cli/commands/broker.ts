// `kafka-lab broker`: runs an embedded cluster in the foreground for any Kafka client, until
// Ctrl-C or SIGTERM. Stdout carries one line, `bootstrap=host:port,...`, so scripts can read it;
// with --trace a line per request follows. Everything meant for people goes to stderr, including
// the steps of a --scenario as they fire.

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ClusterHandle, Scenario, ScenarioRun, TimelineEntry } from '../../../simulator/index.ts';
import { hostName, integerIn, nameList, portList, scenarioFile, usersFile, type ScenarioFile, type UserEntry } from '../option-parsers.ts';
import { nextStopSignal } from '../stop-signal.ts';
import { shouldColor, TraceFormatter } from '../trace-format.ts';

export const MAX_BROKERS = 16;
const MAX_PORT = 65535;

interface BrokerOptions {
  brokers?: number;
  port: number;
  ports?: number[];
  firstNodeId: number;
  listenHost: string;
  advertisedHost?: string;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  dataDir?: string;
  inMemory?: boolean;
  logCacheMb: number;
  trace?: boolean;
  seed?: number;
  autoCreateTopics: boolean;
  partitions: number;
  users?: UserEntry[];
  superUsers?: string[];
  scenario?: ScenarioFile;
  maxConnectionsPerIp?: number;
  maxConnections?: number;
  connectionsMaxIdleMs?: number;
  queuedMaxRequestBytes?: number;
  socketRequestMaxBytes?: number;
  maxDecompressedBatchBytes?: number;
}

const EXAMPLES = `
Examples:
  $ kafka-lab broker
      3 brokers on 127.0.0.1:9092, 9093 and 9094, logs in a temporary folder
      removed at exit
  $ kafka-lab broker --brokers 1 --port 0
      one broker on a free port; read the port from the bootstrap= line
  $ kafka-lab broker --first-node-id 0 --advertised-host localhost \\
      --ports 9092,9093,19094
      the layout of a course's docker-compose file: brokers 0, 1 and 2,
      known to clients as localhost:9092, localhost:9093 and localhost:19094
  $ kafka-lab broker --listen-host 0.0.0.0 --advertised-host 10.88.0.1
      reachable from containers and other machines: listen on every
      interface, and tell clients the address they reach this machine by
  $ kafka-lab broker --group-initial-rebalance-delay-ms 0
      consumer groups start at once instead of waiting 3 s for more members
      (Kafka's default, kept here because real brokers do it)
  $ kafka-lab broker --group-min-session-timeout-ms 1000
      consumers may join with session timeouts down to 1 s (Kafka refuses
      anything under 6 s with INVALID_SESSION_TIMEOUT by default), so a lab
      sees a crashed consumer leave its group sooner
  $ kafka-lab broker --data-dir ./kafka-data
      stop with Ctrl-C, start again: topics, configs and records are still there
  $ kafka-lab broker --trace --no-auto-create-topics --partitions 3
      watch every request; producing to an unknown topic is refused
  $ kafka-lab broker --users users.txt --super-users ta
      clients must log in (SASL_PLAINTEXT, mechanism PLAIN, SCRAM-SHA-256 or
      SCRAM-SHA-512) as a user from users.txt, one name:password per line, or
      a JSON array like [{"name": "ta", "password": "…"}]; ACLs decide what
      each user may do, and the super user ta may do anything, including
      granting ACLs (kafka-acls, or an admin client's createAcls) and adding
      SCRAM users while the broker runs (kafka-configs --alter --entity-type
      users, or kafka-python's alter_user_scram_credentials)
  $ kafka-lab broker --users users.json
      with users.json like [{"name": "ta", "password": "…"}, {"name": "bob",
      "scram": {"SCRAM-SHA-512": {"password": "…", "iterations": 8192}}}]:
      bob logs in with SCRAM-SHA-512 only, as Kafka stores a credential per
      mechanism, each with its own salt and iterations
  $ kafka-lab broker --users users.txt --super-users ta --listen-host 0.0.0.0 \\
      --advertised-host kafka.course.example --max-connections-per-ip 50 \\
      --connections-max-idle-ms 300000
      a class broker: every laptop may hold 50 connections to each broker,
      idle ones close after 5 minutes; before logging in a client may send
      512 KiB at most, and a wrong password is answered 100 ms late
  $ kafka-lab broker --users users.txt --socket-request-max-bytes 10485760 \\
      --max-decompressed-batch-bytes 8388608
      requests of more than 10 MiB close the connection unread, and a
      compressed batch that inflates past 8 MiB is refused (a decompression
      bomb) while it inflates
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
    .description('Run an embedded Kafka-compatible cluster until Ctrl-C, on 127.0.0.1 unless --listen-host says otherwise. Any Kafka client (kafkajs, kafka-python, kcat, the Java client) can connect to it.')
    .option('-b, --brokers <count>', `number of brokers, 1 to ${MAX_BROKERS} (default: 3, or as many as --ports lists)`, integerIn(1, MAX_BROKERS))
    .option('-p, --port <port>', 'port of the first broker; the next ones listen on the ports after it. 0 gives every broker a free port', integerIn(0, MAX_PORT), 9092)
    .option('--ports <list>', 'one port per broker instead of --port, comma-separated, like 9092,9093,19094 (0 is a free port)', portList)
    .option('--first-node-id <id>', "node id of the first broker (Kafka's node.id); the next ones count up from it. Many docker setups start at 0", integerIn(0, 1_000_000), 1)
    .option('--listen-host <host>', 'address the brokers listen on: 127.0.0.1 (only this machine), an interface address, or 0.0.0.0 for every interface', hostName, '127.0.0.1')
    .option('--advertised-host <host>', "host clients are told to connect to (Kafka's advertised.listeners), like localhost or this machine's address as containers see it (default: the listen host)", hostName)
    .option(
      '--group-initial-rebalance-delay-ms <ms>',
      "how long a new consumer group waits for more members before its first rebalance (Kafka's group.initial.rebalance.delay.ms); 0 for tests, graders and benchmarks",
      integerIn(0, 300_000),
      3000,
    )
    .option(
      '--group-min-session-timeout-ms <ms>',
      "the shortest session timeout a consumer may join a group with (Kafka's group.min.session.timeout.ms); shorter ones are refused with INVALID_SESSION_TIMEOUT",
      integerIn(1, 2 ** 31 - 1),
      6000,
    )
    .option(
      '--group-max-session-timeout-ms <ms>',
      "the longest session timeout a consumer may join a group with (Kafka's group.max.session.timeout.ms); longer ones are refused with INVALID_SESSION_TIMEOUT",
      integerIn(1, 2 ** 31 - 1),
      1_800_000,
    )
    .option('-d, --data-dir <dir>', 'keep topics, configs and records in this directory (created if missing), so a restart loses nothing acknowledged; without it the logs go to a temporary folder removed at exit')
    .option('--in-memory', 'keep every record in memory and write nothing to disk (small labs; memory grows with the data)')
    .option('--log-cache-mb <MiB>', 'recent records each broker keeps in memory so consumers near the end read no disk', integerIn(0, 65_536), 64)
    .option('-t, --trace', 'print a line per request (broker, client, API and version, topics, errors, time) and per connect and disconnect')
    .option('--seed <number>', 'make the cluster id, topic ids and replica placement repeatable', integerIn(0, 2 ** 32 - 1))
    .option('--no-auto-create-topics', "refuse to create a topic when a client first names it (Kafka's auto.create.topics.enable=false)")
    .option('--partitions <count>', "partitions of an auto-created topic (Kafka's num.partitions)", integerIn(1, 100_000), 1)
    .option(
      '--users <file>',
      'require SASL login (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) as one of these users and enforce ACLs; the file has name:password lines, or is a JSON array of {"name", "password"?, "mechanisms"?, "scram"?}, where scram gives a SCRAM mechanism its own password and iterations: {"SCRAM-SHA-256": {"password": "…", "iterations": 8192}}',
      usersFile,
    )
    .option('--super-users <names>', "comma-separated users (alice or User:alice) that ACLs do not restrict (Kafka's super.users); needs --users", nameList)
    .option('--max-connections-per-ip <count>', "connections one address may hold to each broker; more are closed as they come (Kafka's max.connections.per.ip; default: no limit)", integerIn(0, 2 ** 31 - 1))
    .option('--max-connections <count>', "connections each broker takes in all (Kafka's max.connections; default: no limit)", integerIn(0, 2 ** 31 - 1))
    .option('--connections-max-idle-ms <ms>', "close a connection that has been idle this long (Kafka's connections.max.idle.ms; default 600000)", integerIn(1, 2 ** 31 - 1))
    .option('--queued-max-request-bytes <bytes>', "request bytes all connections together may hold; past it no more is read until requests are handled (Kafka's queued.max.request.bytes; default 268435456, at least 104857600)", integerIn(104_857_600, Number.MAX_SAFE_INTEGER))
    .option('--socket-request-max-bytes <bytes>', "the largest request a logged-in client may send; a larger size prefix closes the connection before any of it is read (Kafka's socket.request.max.bytes; default 104857600)", integerIn(1, 2 ** 31 - 1))
    .option('--max-decompressed-batch-bytes <bytes>', 'the most a produced batch may inflate to; past it the partition is answered RECORD_LIST_TOO_LARGE and nothing is stored (a decompression bomb; default 33554432, at most 268435456)', integerIn(1, 268_435_456))
    .option('--scenario <file>', 'run this JSON scenario of timed faults (kills, restarts, splits, fault rules, ...) once the cluster is up, printing each step as it fires; its "seed" (or --seed) makes random steps repeatable', scenarioFile)
    .addHelpText('after', EXAMPLES)
    .action(async (options: BrokerOptions, command: Command) => runBroker(options, command));
}

async function runBroker(options: BrokerOptions, command: Command): Promise<void> {
  const ports = brokerPorts(options, command);
  const brokerCount = ports.length;
  if (options.firstNodeId + brokerCount - 1 > 1_000_000) command.error(`error: --first-node-id ${options.firstNodeId} with ${brokerCount} brokers goes past node id 1000000`);
  if (['0.0.0.0', '::'].includes(options.listenHost) && !options.advertisedHost) {
    command.error(`error: --listen-host ${options.listenHost} listens on every interface, which is no address a client can connect to: say which with --advertised-host (this machine's name or address as the clients see it)`);
  }
  if (options.groupMinSessionTimeoutMs > options.groupMaxSessionTimeoutMs) {
    command.error(`error: --group-min-session-timeout-ms ${options.groupMinSessionTimeoutMs} is above --group-max-session-timeout-ms ${options.groupMaxSessionTimeoutMs}: no consumer could join a group`);
  }
  if (options.superUsers && !options.users) command.error('error: --super-users needs --users: without users there is no login and no ACLs');
  if (options.inMemory && options.dataDir !== undefined) command.error('error: --in-memory and --data-dir exclude each other: a data dir is on disk');
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
      brokers: brokerCount,
      ports,
      firstNodeId: options.firstNodeId,
      listenHost: options.listenHost,
      advertisedHost: options.advertisedHost,
      groupInitialRebalanceDelayMs: options.groupInitialRebalanceDelayMs,
      groupMinSessionTimeoutMs: options.groupMinSessionTimeoutMs,
      groupMaxSessionTimeoutMs: options.groupMaxSessionTimeoutMs,
      dataDir,
      inMemory: options.inMemory,
      logCacheBytes: options.logCacheMb * 2 ** 20,
      seed: options.seed,
      autoCreateTopics: options.autoCreateTopics,
      numPartitions: options.partitions,
      users: options.users,
      superUsers: options.superUsers,
      maxConnectionsPerIp: options.maxConnectionsPerIp,
      maxConnections: options.maxConnections,
      connectionsMaxIdleMs: options.connectionsMaxIdleMs,
      queuedMaxRequestBytes: options.queuedMaxRequestBytes,
      socketRequestMaxBytes: options.socketRequestMaxBytes,
      maxDecompressedBatchBytes: options.maxDecompressedBatchBytes,
    });
  } catch (error) {
    return command.error(`error: ${whyStartFailed(error, options, ports)}`);
  }

  process.stdout.write(`bootstrap=${cluster.bootstrapServers.join(',')}\n`);
  const stopTracing = options.trace ? traceTo(process.stdout, cluster) : () => {};
  const kept = dataDir ? `data in ${dataDir}` : options.inMemory ? 'data in memory (use --data-dir to keep it)' : 'data in a temporary folder removed at exit (use --data-dir to keep it)';
  const ids = brokerCount === 1 ? `id ${options.firstNodeId}` : `ids ${options.firstNodeId}-${options.firstNodeId + brokerCount - 1}`;
  const brokers = `${brokerCount === 1 ? '1 broker' : `${brokerCount} brokers`} (${ids})`;
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
    const brokers = brokerPorts(options, command).map((_, i) => ({ id: options.firstNodeId + i, state: 'up' as const }));
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

/** The port of each broker: --ports as listed, or consecutive ones from --port. */
function brokerPorts(options: BrokerOptions, command: Command): number[] {
  if (options.ports) {
    if (command.getOptionValueSource('port') === 'cli') command.error('error: give either --port or --ports, not both');
    if (options.brokers !== undefined && options.brokers !== options.ports.length) {
      command.error(`error: --ports lists ${options.ports.length} port(s) but --brokers is ${options.brokers}; give one port per broker`);
    }
    if (options.ports.length > MAX_BROKERS) command.error(`error: --ports lists ${options.ports.length} ports; at most ${MAX_BROKERS} brokers`);
    const taken = options.ports.filter((p) => p !== 0);
    const twice = taken.find((p, i) => taken.indexOf(p) !== i);
    if (twice !== undefined) command.error(`error: --ports lists port ${twice} twice`);
    return options.ports;
  }
  const count = options.brokers ?? 3;
  const lastPort = options.port + count - 1;
  if (options.port !== 0 && lastPort > MAX_PORT) {
    command.error(`error: --port ${options.port} with --brokers ${count} needs ports up to ${lastPort}; the highest is ${MAX_PORT}`);
  }
  return Array.from({ length: count }, (_, i) => (options.port === 0 ? 0 : options.port + i));
}

function whyStartFailed(error: unknown, options: BrokerOptions, ports: number[]): string {
  const code = (error as NodeJS.ErrnoException).code;
  const port = (error as { port?: number }).port ?? ports[0];
  const index = ports.indexOf(port);
  const broker = port === 0 || index < 0 ? '' : ` (broker ${options.firstNodeId + index})`;
  const host = options.listenHost;
  if (code === 'EADDRINUSE') {
    return `port ${port} on ${host} is already in use${broker}; choose another with --port or --ports, or --port 0 for free ports`;
  }
  if (code === 'EACCES') return `not allowed to listen on port ${port}${broker}; ports below 1024 need privileges, try --port 9092`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${host}: no network interface of this machine has that address; see ip addr, or use --listen-host 0.0.0.0 with --advertised-host`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot listen on ${host}: no such host name`;
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
