// What running real Apache Kafka needs on this machine: a Java 17+ runtime, and Maven for the
// first download of the jars (a filled cache needs no Maven).

import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The newest Kafka whose jars all resolve on Maven Central and whose broker runs on Java 17. */
export const KAFKA_VERSION = '4.3.1';
/** Without an SLF4J binding the broker logs nothing, and readiness is read from its log. */
export const SLF4J_SIMPLE_VERSION = '1.7.36';
export const MIN_JAVA = 17;

export interface Tool {
  /** The command to run, when found and usable. */
  command?: string;
  /** What was found, or why it is not usable. */
  detail: string;
}

export function findJava(): Tool {
  const command = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) {
    return { detail: `no Java runtime (${probe.error?.message ?? `\`${command} -version\` exited ${probe.status}`}); install Java ${MIN_JAVA}+ (e.g. \`apt-get install openjdk-17-jre-headless\`) or set JAVA_HOME` };
  }
  // `java -version` prints to stderr: openjdk version "17.0.15" 2025-04-15 (or "1.8.0_392" before 9).
  const quoted = /version "([^"]+)"/.exec(probe.stderr)?.[1] ?? '';
  const major = Number(quoted.startsWith('1.') ? quoted.split('.')[1] : quoted.split(/[.+-]/)[0]);
  if (!(major >= MIN_JAVA)) return { detail: `Java ${quoted || 'of unknown version'} at ${command} is too old: Kafka ${KAFKA_VERSION} needs Java ${MIN_JAVA}+` };
  return { command, detail: `Java ${quoted} (${command})` };
}

export function findMaven(): Tool {
  const probe = spawnSync('mvn', ['-v'], { encoding: 'utf8', timeout: 60_000 });
  if (probe.error || probe.status !== 0) {
    return { detail: `no Maven (${probe.error?.message ?? `\`mvn -v\` exited ${probe.status}`}); install it (e.g. \`apt-get install maven\`) to download Kafka's jars` };
  }
  return { command: 'mvn', detail: probe.stdout.split('\n')[0].replace(/\x1b\[[0-9;]*m/g, '').trim() };
}
