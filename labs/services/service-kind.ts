// What a lab service is: a program a lab runs next to its cluster while a student works through it
// — the transaction-verifier lab's practice assignment server, for one. lab.json names it in
// `services` with a `type` and parameters; `kafka-lab lab` starts it when the lab opens and stops
// it when the lab closes, and the lab tests start it beside the cluster they run the solutions on.

import { fields, z } from '../engine/lab-fields.ts';

export interface ServiceContext {
  /** The lab's cluster, whichever it is: embedded, already running, or --bootstrap. */
  bootstrapServers: string[];
  /** The student's workspace: a service keeps its state and writes what the programs need there. */
  workspaceDir: string;
}

export interface RunningService {
  /** Lines for the lab's screen: what runs, what the student should know. */
  notes: string[];
  stop(): Promise<void>;
}

export interface ServiceKind<P = unknown> {
  type: string;
  schema: z.ZodType<P & { type: string }>;
  /** What it is, in a line. */
  describe(params: P): string;
  start(params: P, context: ServiceContext): Promise<RunningService>;
}

/** A service kind as the registry holds it: each kind's parameters are its own. */
export type AnyServiceKind = ServiceKind<any>;

export function defineService<S extends z.ZodRawShape, P = z.output<z.ZodObject<S>>>(definition: {
  type: string;
  /** What it does, in a line: shown by an instructor's editor. */
  runs: string;
  params: S;
  describe(params: P): string;
  start(params: P, context: ServiceContext): Promise<RunningService>;
}): ServiceKind<P> {
  const { type, runs, params, describe, start } = definition;
  const schema = fields({ type: z.literal(type), ...params }).describe(`${type}: ${runs}`);
  return { type, schema: schema as unknown as z.ZodType<P & { type: string }>, describe, start };
}
