// Apache Kafka's own command-line tools (kafka-configs, ...), run from the cached jars against any
// cluster — kafka-lab's included: what a TA types is what the tests run. Each tool is its main
// class on the broker's classpath; the shell scripts Kafka ships only wrap these.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaJars, ensureKafkaTools } from './jars.ts';
import { findJava, KAFKA_VERSION } from './prerequisites.ts';

/** The tools, by the name of their script in Kafka's bin/, and the class the script runs (org.apache.kafka.tools ones are in the tools jar). */
export const KAFKA_TOOLS = {
  'kafka-configs': 'kafka.admin.ConfigCommand',
  'kafka-leader-election': 'org.apache.kafka.tools.LeaderElectionCommand',
  'kafka-reassign-partitions': 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  'kafka-log-dirs': 'org.apache.kafka.tools.LogDirsCommand',
  'kafka-metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'kafka-console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'kafka-console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'kafka-consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'kafka-topics': 'org.apache.kafka.tools.TopicCommand',
  'kafka-transactions': 'org.apache.kafka.tools.TransactionsCommand',
  'kafka-cluster': 'org.apache.kafka.tools.ClusterTool',
  'kafka-get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
} as const;

export type KafkaToolName = keyof typeof KAFKA_TOOLS;

export interface KafkaToolRun {
  code: number | null;
  stdout: string;
  /** Kafka's own log lines (slf4j-simple, warnings and up) and the tool's errors. */
  stderr: string;
}

export interface KafkaToolOptions {
  /** Client settings for --command-config (security.protocol, sasl.*), written to a temporary file. */
  clientConfig?: Record<string, string>;
  timeoutMs?: number;
  version?: string;
  /** What the tool reads on its standard input (kafka-console-producer's lines); none without it. */
  input?: string;
}

/**
 * Runs `tool args...` with `--bootstrap-server <bootstrap>` in front (and --command-config when
 * `clientConfig` is given), and resolves with its exit code and output; it rejects only when
 * Java or the jars are missing, or the tool outlives `timeoutMs` (default 60 s).
 */
export async function runKafkaTool(tool: KafkaToolName, bootstrap: string, args: string[], options: KafkaToolOptions = {}): Promise<KafkaToolRun> {
  const java = findJava();
  if (!java.command) throw new Error(java.detail);
  const version = options.version ?? KAFKA_VERSION;
  const mainClass = KAFKA_TOOLS[tool];
  const classpath = mainClass.startsWith('org.apache.kafka.tools.') ? await ensureKafkaTools(version) : `${await ensureKafkaJars(version)}${path.sep}*`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-tool-'));
  try {
    const configArgs: string[] = [];
    if (options.clientConfig) {
      const file = path.join(dir, 'client.properties');
      fs.writeFileSync(file, Object.entries(options.clientConfig).map(([key, value]) => `${key}=${value}\n`).join(''));
      configArgs.push('--command-config', file);
    }
    const command = [
      // A tool runs for a second or two: start fast rather than run fast.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xshare:auto',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-Dorg.slf4j.simpleLogger.logFile=System.err',
      '-cp',
      classpath,
      mainClass,
      '--bootstrap-server',
      bootstrap,
      ...configArgs,
      ...args,
    ];
    return await new Promise<KafkaToolRun>((resolve, reject) => {
      const child = spawn(java.command!, command, { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      if (options.input !== undefined) child.stdin!.end(options.input);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${tool} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms:\n${stderr.slice(-2000)}`));
      }, options.timeoutMs ?? 60_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The client settings that log in with SASL/SCRAM (or PLAIN) as a user, for `clientConfig`. */
export function saslClientConfig(mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512', username: string, password: string): Record<string, string> {
  const module = mechanism === 'PLAIN' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  const quoted = (text: string) => JSON.stringify(text);
  return {
    'security.protocol': 'SASL_PLAINTEXT',
    'sasl.mechanism': mechanism,
    'sasl.jaas.config': `${module} required username=${quoted(username)} password=${quoted(password)};`,
  };
}
