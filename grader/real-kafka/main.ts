// `npm run kafka:real -- --nodes 1|3 [--version X]`: real Apache Kafka on 127.0.0.1 without Docker,
// for comparing kafka-lab with the real thing. Stdout gets one line, `bootstrap=host:port,...`, once
// every node is ready; messages for people go to stderr. Ctrl-C or SIGTERM stops every JVM.
// `--prefetch` only fills the jar cache (CI runs it before the tests).

import { Command, InvalidArgumentError } from 'commander';
import { startRealKafka, type RealKafkaCluster } from './cluster.ts';
import { ensureKafkaJars, libsDir } from './jars.ts';
import { KAFKA_VERSION } from './prerequisites.ts';

interface Options {
  nodes: number;
  version: string;
  heap: number;
  prefetch?: boolean;
}

const integer = (min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
  return n;
};

const say = (line: string) => process.stderr.write(`kafka:real: ${line}\n`);

async function main(argv: string[]): Promise<void> {
  const program = new Command('kafka:real')
    .description('Run real Apache Kafka (KRaft, combined broker+controller nodes) on 127.0.0.1 until Ctrl-C. Needs Java 17+; Maven downloads the jars the first time.')
    .option('-n, --nodes <count>', 'number of nodes, 1 or 3 (up to 9)', integer(1, 9), 1)
    .option('-v, --version <version>', 'Apache Kafka version from Maven Central', KAFKA_VERSION)
    .option('--heap <mb>', 'maximum heap per node in MB', integer(256, 8192), 512)
    .option('--prefetch', 'only download the jars into the cache, then exit')
    .parse(argv);
  const options = program.opts<Options>();

  if (options.prefetch) {
    const libs = await ensureKafkaJars(options.version, say);
    say(`Kafka ${options.version} jars ready in ${libs}`);
    return;
  }

  // Listening before the start, so Ctrl-C while the JVMs boot also stops them.
  let cluster: RealKafkaCluster | undefined;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    say(`${signal}, stopping Kafka`);
    await cluster?.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Whoever started the script went away without a signal (a test runner killed, say): stop too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop('SIGHUP'), 1000).unref();

  cluster = await startRealKafka({ nodes: options.nodes, version: options.version, heapMb: options.heap, log: say });
  if (stopping) return; // a signal arrived during the start; stop() finishes the job
  process.stdout.write(`bootstrap=${cluster.bootstrapServers.join(',')}\n`);
  say(`${options.nodes} node(s) of Kafka ${cluster.version} ready (cluster id ${cluster.clusterId}, jars in ${libsDir(cluster.version)}, logs in ${cluster.dir}). Ctrl-C stops.`);
}

main(process.argv).catch((error: unknown) => {
  say(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
