// What a lab is, once loaded from labs/content/<lab-id>/lab.json: ordered steps, each with its text,
// the student's files, how its solution runs, hints, a live picture and the checks that pass it.
// README.md ("Writing a lab") documents the JSON these types are read from.

import type { Scenario } from '../../simulator/index.ts';
import type { ParsedCheck } from './check-runner.ts';
import type { AnyServiceKind } from '../services/service-kind.ts';

export type Language = 'typescript' | 'python';
export const LANGUAGES: readonly Language[] = ['typescript', 'python'];

export const LANGUAGE_NAMES: Record<Language, string> = { typescript: 'TypeScript', python: 'Python' };

/** A program of the step's solution, as a student would run it from the workspace. */
export interface RunCommand {
  /** A base name from `files`: producer → typescript/producer.ts, python/producer.py. */
  file: string;
  args: string[];
  /** Keep it running while the next commands run (a consumer waiting for records). */
  background: boolean;
  /** For a background program: a line it prints once it is ready for the next command. */
  ready?: string;
  /** How it ends: 0, or the code of a crash it is asked for (the workspace's crash helper exits 70). */
  exitCode: number;
}

/** What starts a step's faults: the step opening, a topic receiving records, or a group growing. */
export type FaultTrigger = { topic: string; records: number } | { group: string; members: number };

/** Faults a step fires at the embedded cluster, in the format of `kafka-lab broker --scenario`. */
export interface StepFaults {
  /** Without it, the faults start as the step opens. */
  when?: FaultTrigger;
  scenario: Scenario;
}

export interface StepDefinition {
  id: string;
  title: string;
  /** Markdown, read from the step's text file. */
  text: string;
  textFile: string;
  /** Base names of the programs the student edits in this step. */
  files: string[];
  run: RunCommand[];
  hints: string[];
  /** What the live panel shows while the step is open. */
  live: { topics: string[]; groups: string[] };
  /** Checks as lab.json writes them: a `type` naming the check kind, and its parameters. */
  checks: ParsedCheck[];
  faults?: StepFaults;
}

export interface ClusterSettings {
  brokers: number;
  port: number;
  numPartitions: number;
  groupInitialRebalanceDelayMs: number;
  /** Kafka's default.replication.factor for topics created without one. */
  defaultReplicationFactor: number;
  replicaLagTimeMaxMs?: number;
  brokerSessionTimeoutMs?: number;
  /** Repeatable ids, placement and fault timelines. */
  seed?: number;
  /** Kafka's group.min.session.timeout.ms / group.max.session.timeout.ms (default 6000 / 1800000). */
  groupMinSessionTimeoutMs?: number;
  groupMaxSessionTimeoutMs?: number;
  logCleanerBackoffMs?: number;
}

/** A file the workspace needs that is made by a module of the lab rather than copied. */
export interface GeneratedFile {
  /** Path in the workspace. */
  file: string;
  /** Module in the lab's folder whose default export writes the file: `(path) => Promise<void>`. */
  module: string;
}

/** A service lab.json names: its kind, checked parameters, and a line saying what it is. */
export interface ParsedService {
  type: string;
  kind: AnyServiceKind;
  params: unknown;
  description: string;
}

export interface LabDefinition {
  id: string;
  title: string;
  summary: string;
  order: number;
  /** The lab's folder. */
  dir: string;
  cluster: ClusterSettings;
  generated: GeneratedFile[];
  /** What runs beside the cluster while the lab is open. */
  services: ParsedService[];
  steps: StepDefinition[];
}

/** A starter or solution file name for a base name: producer-tail → producer-tail.ts, producer_tail.py. */
export function fileFor(base: string, language: Language): string {
  return language === 'typescript' ? `${base}.ts` : `${base.replaceAll('-', '_')}.py`;
}

/** Where a lab's program sits in a workspace made by `kafka-lab init`. */
export function workspacePath(labId: string, base: string, language: Language): string {
  return `${labId}/${language}/${fileFor(base, language)}`;
}

/** The command line a student types, from the workspace folder. */
export function commandLine(labId: string, command: Pick<RunCommand, 'file' | 'args'>, language: Language): string {
  const program = language === 'typescript' ? 'node' : 'python3';
  return [program, workspacePath(labId, command.file, language), ...command.args].join(' ');
}
