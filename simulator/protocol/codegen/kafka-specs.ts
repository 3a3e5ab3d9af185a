// Where Kafka's JSON message specs come from: the kafka-clients jar of the Kafka release the repo
// runs (KAFKA_VERSION), which holds them as resources (common/message/*.json). The jar is taken from
// kafka-lab's cache of Kafka's jars (npm run kafka:real fills it) or Maven's local repository, and
// fetched with Maven when neither has it; its SHA-256 is checked against the one pinned here. The
// specs are extracted as they are, licence headers included, into a git-ignored folder.
// KAFKA_LAB_MESSAGE_SPECS=<folder of *.json> uses other specs instead (a Kafka source checkout).
// It reuses the real-Kafka tooling's version pin, cache and Maven lookup: build time only.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { libsDir } from '../../../grader/real-kafka/jars.ts';
import { findMaven, KAFKA_VERSION } from '../../../grader/real-kafka/prerequisites.ts';

/** SHA-256 of kafka-clients-4.3.1.jar as published on Maven Central. */
const JAR_SHA256: Record<string, string> = {
  '4.3.1': '52501b7b47510c66f898871adaf6d2968ab7246561d44ced43643a8a587f0b36',
};

const ARTIFACT = `org.apache.kafka:kafka-clients:${KAFKA_VERSION}`;
const JAR = `kafka-clients-${KAFKA_VERSION}.jar`;
const SPEC_PREFIX = 'common/message/';
const STAMP = '.kafka-version';

export interface SpecSource {
  folder: string;
  /** "Apache Kafka 4.3.1", or the folder given by KAFKA_LAB_MESSAGE_SPECS. */
  origin: string;
}

function mavenRepositoryJar(): string {
  const repository = process.env.MAVEN_REPOSITORY ?? path.join(os.homedir(), '.m2', 'repository');
  return path.join(repository, 'org', 'apache', 'kafka', 'kafka-clients', KAFKA_VERSION, JAR);
}

function verifiedJar(file: string): Buffer | null {
  if (!fs.existsSync(file)) return null;
  const data = fs.readFileSync(file);
  const digest = createHash('sha256').update(data).digest('hex');
  const expected = JAR_SHA256[KAFKA_VERSION];
  if (expected && digest !== expected) throw new Error(`${file} is not Kafka's ${JAR}: its SHA-256 is ${digest}, not ${expected}`);
  return data;
}

function findJar(log: (line: string) => void): Buffer {
  const places = [path.join(libsDir(KAFKA_VERSION), JAR), mavenRepositoryJar()];
  for (const place of places) {
    const jar = verifiedJar(place);
    if (jar) return jar;
  }
  const maven = findMaven();
  if (!maven.command) throw new Error(`${JAR} is in none of ${places.join(', ')}, and ${maven.detail}`);
  log(`fetching ${ARTIFACT} with Maven (once; kept in Maven's local repository)`);
  const fetched = spawnSync(maven.command, ['-B', '-q', 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get', `-Dartifact=${ARTIFACT}`, '-Dtransitive=false'], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (fetched.status !== 0) throw new Error(`Maven could not fetch ${ARTIFACT}: ${(fetched.stderr || fetched.stdout || String(fetched.error)).trim().slice(-2000)}`);
  const jar = verifiedJar(mavenRepositoryJar());
  if (!jar) throw new Error(`Maven fetched ${ARTIFACT} but ${mavenRepositoryJar()} is not there`);
  return jar;
}

/** Makes sure `folder` holds the message specs of KAFKA_VERSION; returns where the specs are. */
export function ensureSpecs(folder: string, log: (line: string) => void = () => {}): SpecSource {
  const override = process.env.KAFKA_LAB_MESSAGE_SPECS;
  if (override) return { folder: path.resolve(override), origin: path.resolve(override) };
  const origin = `Apache Kafka ${KAFKA_VERSION}`;
  const stamp = path.join(folder, STAMP);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === KAFKA_VERSION) return { folder, origin };

  const files = unzipSync(new Uint8Array(findJar(log)), { filter: (entry) => entry.name.startsWith(SPEC_PREFIX) && entry.name.endsWith('.json') });
  const names = Object.keys(files);
  if (names.length === 0) throw new Error(`${JAR} holds no ${SPEC_PREFIX}*.json`);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  for (const name of names) fs.writeFileSync(path.join(folder, name.slice(SPEC_PREFIX.length)), files[name]);
  fs.writeFileSync(stamp, `${KAFKA_VERSION}\n`);
  log(`extracted ${names.length} message specs of ${origin} into ${folder}`);
  return { folder, origin };
}
