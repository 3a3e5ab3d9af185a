// `kafka-lab chaos`: starts a cluster and shows it live — brokers, partitions with their leader,
// ISR, high watermark and log end offsets, consumer groups with lag, recent events — with keys that
// kill, restart, pause and split brokers, heal the network and load scenario files. Stdout first
// gets `bootstrap=host:port,...`, also shown on the screen, so students' programs connect and stay
// connected while the faults come and go.

import path from 'node:path';
import type { Command } from 'commander';
import type { ClusterHandle } from '../../../simulator/index.ts';
import { integerIn } from '../option-parsers.ts';
import { MAX_BROKERS } from './broker.ts';

interface ChaosOptions {
  brokers: number;
  port: number;
  seed?: number;
  partitions: number;
  replicationFactor?: number;
  replicaLagMaxMs: number;
  sessionTimeoutMs: number;
  scenario?: string;
}

const EXAMPLES = `
Examples:
  $ kafka-lab chaos
      3 brokers on 127.0.0.1:9092-9094; topics your programs create are
      replicated 3 times; press 1-3 to pick a broker, k to kill it, r to
      restart it, s to split it from the others, h to heal
  $ kafka-lab chaos --brokers 5 --port 0 --partitions 3
  $ kafka-lab chaos --scenario chaos.json
      press l, then Enter, to run the scenario file (see kafka-lab help broker)
  $ kafka-lab chaos --replica-lag-max-ms 3000 --session-timeout-ms 2000
      followers leave the ISR, and silent brokers are fenced, within seconds

Keys: 1-9 select a broker, k kill, r restart (or resume), p pause/resume,
s split the broker from the other brokers, c cut the clients off it,
h heal the network, l load a scenario file, q quit. Ctrl-C quits too.`;

export function addChaosCommand(program: Command): void {
  program
    .command('chaos')
    .summary('a live picture of a cluster, with keys to kill, pause and split brokers')
    .description('Start a cluster and watch it live: brokers, partition leaders, ISRs, high watermarks and log end offsets, consumer groups and lag, and the events as they happen. Keys inject faults while your programs stay connected.')
    .option('-b, --brokers <count>', `number of brokers, 1 to ${MAX_BROKERS}`, integerIn(1, MAX_BROKERS), 3)
    .option('-p, --port <port>', 'port of broker 1; broker N listens on port+N-1; 0 for free ports', integerIn(0, 65535), 9092)
    .option('--seed <number>', 'make the cluster id, topic ids, replica placement and random scenario steps repeatable', integerIn(0, 2 ** 32 - 1))
    .option('--partitions <count>', "partitions of an auto-created topic (Kafka's num.partitions)", integerIn(1, 1000), 1)
    .option('--replication-factor <count>', "replicas of an auto-created topic (Kafka's default.replication.factor; default: brokers, at most 3)", integerIn(1, MAX_BROKERS))
    .option('--replica-lag-max-ms <ms>', "how long a follower may fall behind before it leaves the ISR (Kafka's replica.lag.time.max.ms)", integerIn(1, 3_600_000), 30_000)
    .option('--session-timeout-ms <ms>', "how long the controller waits for a silent broker before fencing it (Kafka's broker.session.timeout.ms)", integerIn(1, 3_600_000), 9000)
    .option('--scenario <file>', 'a scenario file (JSON) that the l key runs')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ChaosOptions, command: Command) => runChaos(options, command));
}

async function runChaos(options: ChaosOptions, command: Command): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    command.error('error: the chaos screen needs a terminal (stdin and stdout); for scripts use `kafka-lab broker --scenario <file>`');
  }
  const replicationFactor = options.replicationFactor ?? Math.min(3, options.brokers);
  if (replicationFactor > options.brokers) command.error(`error: --replication-factor ${replicationFactor} needs at least ${replicationFactor} brokers`);
  // Loaded here, so --help and flag errors stay instant.
  const [{ startCluster }, { showChaos }] = await Promise.all([import('../../../simulator/index.ts'), import('../../ui/chaos/start.tsx')]);
  let cluster: ClusterHandle;
  try {
    cluster = await startCluster({
      brokers: options.brokers,
      port: options.port,
      seed: options.seed,
      numPartitions: options.partitions,
      defaultReplicationFactor: replicationFactor,
      replicaLagTimeMaxMs: options.replicaLagMaxMs,
      brokerSessionTimeoutMs: options.sessionTimeoutMs,
      groupInitialRebalanceDelayMs: 0,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${(error as { port?: number }).port ?? options.port} is already in use; choose another with --port, or --port 0` : (error as Error).message;
    return command.error(`error: cannot start the cluster: ${why}`);
  }
  process.stdout.write(`bootstrap=${cluster.bootstrapServers.join(',')}\n`);
  await showChaos(cluster, { scenarioPath: options.scenario && path.resolve(options.scenario) });
  await cluster.stop();
  process.stdout.write('kafka-lab: chaos over, cluster stopped\n');
  process.exit(0);
}
