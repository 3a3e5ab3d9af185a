// The one check runner, for the lab screen, `kafka-lab check` and the grader: runs a step's checks in
// order against a context and says, per check, whether it passed and what it saw and expected. A
// check that throws (cluster unreachable, bad schema) is an error, not a crash; a check that needs
// what the context lacks (introspection against an external cluster) is skipped and says why.

import { KafkaAccess, SchemaLibrary, type CheckContext, type CheckOutcome } from '../checks/index.ts';
import type { AnyCheckKind } from '../checks/check-kind.ts';
import type { ClusterHandle } from '../../simulator/index.ts';
import type { StepDefinition } from './lab-definition.ts';

export interface ParsedCheck {
  type: string;
  kind: AnyCheckKind;
  params: unknown;
  /** The check in a line, from its kind's `describe`. */
  description: string;
}

export interface CheckResult extends CheckOutcome {
  description: string;
}

export interface StepResult {
  stepId: string;
  passed: boolean;
  results: CheckResult[];
  finishedAt: number;
}

const CHECK_TIMEOUT_MS = 30_000;

export interface ContextOptions {
  bootstrapServers: string[];
  workspaceDir: string;
  /** Folders with the lab's own .avsc files, searched before the course's schemas/. */
  schemaDirs?: string[];
  introspection?: Pick<ClusterHandle, 'describe' | 'events'>;
}

export interface OpenContext extends CheckContext {
  close(): Promise<void>;
}

export function openCheckContext(options: ContextOptions): OpenContext {
  const kafka = new KafkaAccess(options.bootstrapServers);
  return {
    bootstrapServers: options.bootstrapServers,
    workspaceDir: options.workspaceDir,
    introspection: options.introspection,
    kafka,
    schemas: new SchemaLibrary(options.schemaDirs ?? []),
    close: () => kafka.close(),
  };
}

export async function runCheck(check: ParsedCheck, context: CheckContext): Promise<CheckResult> {
  const { description } = check;
  if (check.kind.needs.includes('introspection') && !context.introspection) {
    return { description, status: 'skipped', summary: `not checked: ${description} needs the cluster kafka-lab runs itself (introspection)` };
  }
  if (check.kind.needs.includes('watch') && !context.step) {
    return { description, status: 'skipped', summary: `not checked: ${description} needs \`kafka-lab lab\` watching its cluster while you do the step` };
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      check.kind.run(check.params, context),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { description, ...outcome };
  } catch (error) {
    return { description, status: 'error', summary: `could not check: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check of the step; the step passes when all of them pass. */
export async function runStep(step: StepDefinition, context: CheckContext): Promise<StepResult> {
  const results: CheckResult[] = [];
  for (const check of step.checks) results.push(await runCheck(check, context));
  return { stepId: step.id, passed: results.every((r) => r.status === 'pass'), results, finishedAt: Date.now() };
}
