// What a check is. A check kind (topic-exists, records, group-committed, ...) declares the
// parameters a lab's JSON gives it as a schema (lab.json's JSON Schema is made of these), and looks
// at real state: the cluster, reached through its bootstrap servers like any client, the files the
// student's programs wrote, or — only where a kind says so — the embedded cluster's introspection
// API. The labs and the grader run the same kinds through the same runner.

import type { ClusterHandle } from '../../simulator/index.ts';
import { ALWAYS, fields, z } from '../engine/lab-fields.ts';
import type { KafkaAccess } from './kafka-access.ts';
import type { SchemaLibrary } from './avro-schemas.ts';
import type { StepWatch } from '../engine/step-run.ts';

/**
 * What a check needs to run. `bootstrap`: any Kafka cluster; `introspection`: the embedded one;
 * `watch`: the lab watching the embedded cluster while the step ran (its faults, what producers
 * were promised, group changes).
 */
export type CheckNeed = 'bootstrap' | 'workspace' | 'introspection' | 'watch';

export interface CheckContext {
  bootstrapServers: string[];
  /** The student's workspace (`kafka-lab init`), where file checks look. */
  workspaceDir: string;
  /** A kafkajs client on bootstrapServers, shared by the checks of a run. */
  kafka: KafkaAccess;
  schemas: SchemaLibrary;
  /** Only when the cluster runs in this process: what no Kafka client can ask a broker. */
  introspection?: Pick<ClusterHandle, 'describe' | 'events'>;
  /** Only while `kafka-lab lab` (or a test) watches the step being done. */
  step?: StepWatch;
}

export type CheckStatus = 'pass' | 'fail' | 'skipped' | 'error';

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what was looked at and how it came out. */
  summary: string;
  /** What the check found, when it failed. */
  saw?: string;
  /** What it needed. */
  expected?: string;
}

export interface CheckKind<P = unknown> {
  type: string;
  needs: readonly CheckNeed[];
  /** The check as lab.json writes it: `type` and the parameters, checked, giving `P` (and `type`). */
  schema: z.ZodType<P & { type: string }>;
  /** What the check asks for, in a line: "topic sample holds ≥ 100 records like /message #\d+/". */
  describe(params: P): string;
  run(params: P, context: CheckContext): Promise<CheckOutcome>;
  /** Topics whose acknowledged writes the lab must record while the step runs (for `watch` checks). */
  recorded?(params: P): string[];
}

interface CheckDefinition<S extends z.ZodRawShape, P> {
  type: string;
  needs: readonly CheckNeed[];
  /** When it passes, in a line: shown by an instructor's editor (the JSON Schema's description). */
  passes: string;
  /** Its parameters (besides `type`), each a schema from lab-fields.ts. */
  params: S;
  /** Problems that involve several parameters; sees the raw values, even when some are wrong. */
  refine?: (raw: Record<string, unknown>, ctx: z.RefinementCtx) => void;
  describe(params: P): string;
  run(params: P, context: CheckContext): Promise<CheckOutcome>;
  recorded?(params: P): string[];
}

export const pass = (summary: string): CheckOutcome => ({ status: 'pass', summary });
export const fail = (summary: string, saw: string, expected: string): CheckOutcome => ({ status: 'fail', summary, saw, expected });

/** A check kind as the registry holds it: each kind's parameters are its own, so their type is hidden. */
export type AnyCheckKind = CheckKind<any>;

export function defineCheck<S extends z.ZodRawShape, P = z.output<z.ZodObject<S>>>(definition: CheckDefinition<S, P>): CheckKind<P> {
  const { type, needs, passes, params, refine, describe, run, recorded } = definition;
  let schema = fields({ type: z.literal(type), ...params }).describe(`${type}: passes when ${passes}`);
  if (refine) schema = schema.superRefine((raw, ctx) => (raw !== null && typeof raw === 'object' ? refine(raw as Record<string, unknown>, ctx) : undefined), ALWAYS);
  return { type, needs, schema: schema as unknown as z.ZodType<P & { type: string }>, describe, run, recorded };
}

/** "1 record", "100 records". */
export const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** A value for a report line: quoted, one line, at most `max` characters. */
export function quote(text: string, max = 48): string {
  const json = JSON.stringify(text);
  return json.length <= max ? json : `${json.slice(0, max - 2)}…"`;
}
