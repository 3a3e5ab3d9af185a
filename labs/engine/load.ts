// Loading labs from labs/content/<lab-id>/: lab.json, the markdown text of each step, and the
// starter and solution files it names. Every mistake in a lab is reported at once, with the file and
// the path inside it, so an instructor can write a lab without reading engine code.

import fs from 'node:fs';
import path from 'node:path';
import { CHECK_KINDS } from '../checks/index.ts';
import { SERVICE_KINDS } from '../services/index.ts';
import { packagePath } from '../../simulator/package-root.ts';
import { dotted, nearlyEqual, validate } from '../../simulator/validation.ts';
import type { ParsedCheck } from './check-runner.ts';
import type { ClusterSettings, LabDefinition } from './lab-definition.ts';
import { labSchema, type LabJson } from './lab-schema.ts';
import { scenarioFrom } from '../../simulator/index.ts';

export const CONTENT_DIR = packagePath('labs', 'content');

export class LabDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid lab:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LabDefinitionError';
  }
}

export const DEFAULT_CLUSTER: ClusterSettings = { brokers: 1, port: 9092, numPartitions: 1, groupInitialRebalanceDelayMs: 0, defaultReplicationFactor: 1 };

/** Every lab under `contentDir`, in menu order (`order`, then id). */
export function loadLabs(contentDir = CONTENT_DIR): LabDefinition[] {
  const dirs = fs
    .readdirSync(contentDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(contentDir, entry.name, 'lab.json')))
    .map((entry) => path.join(contentDir, entry.name));
  return dirs.map((dir) => loadLab(dir)).sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** A lab by id, or an error listing the labs there are. */
export function findLab(id: string, contentDir = CONTENT_DIR): LabDefinition {
  const labs = loadLabs(contentDir);
  const lab = labs.find((l) => l.id === id);
  if (lab) return lab;
  const close = labs.find((l) => nearlyEqual(l.id, id) || l.id.startsWith(id));
  throw new Error(`no lab "${id}"${close ? ` (did you mean "${close.id}"?)` : ''}; labs: ${labs.map((l) => l.id).join(', ')}`);
}

export function loadLab(dir: string): LabDefinition {
  const file = path.join(dir, 'lab.json');
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new LabDefinitionError(file, [(error as Error).message]);
  }
  const checked = validate(labSchema(dir), json);
  if ('problems' in checked) throw new LabDefinitionError(file, checked.problems.map((p) => (p.path.length ? `${dotted(p.path)}: ${p.message}` : p.message)));
  return toDefinition(checked.value, dir);
}

/** A checked lab.json as the engine uses it: step texts read, defaults filled in. */
function toDefinition(lab: LabJson, dir: string): LabDefinition {
  const { brokers, port, partitions, groupInitialRebalanceDelayMs, replicationFactor, replicaLagTimeMaxMs, brokerSessionTimeoutMs, seed, groupMinSessionTimeoutMs, groupMaxSessionTimeoutMs, logCleanerBackoffMs } = lab.cluster ?? {};
  return {
    id: lab.id,
    title: lab.title,
    summary: lab.summary,
    order: lab.order,
    dir,
    cluster: {
      brokers: brokers ?? DEFAULT_CLUSTER.brokers,
      port: port ?? DEFAULT_CLUSTER.port,
      numPartitions: partitions ?? DEFAULT_CLUSTER.numPartitions,
      groupInitialRebalanceDelayMs: groupInitialRebalanceDelayMs ?? DEFAULT_CLUSTER.groupInitialRebalanceDelayMs,
      defaultReplicationFactor: replicationFactor ?? DEFAULT_CLUSTER.defaultReplicationFactor,
      ...(replicaLagTimeMaxMs !== undefined && { replicaLagTimeMaxMs }),
      ...(brokerSessionTimeoutMs !== undefined && { brokerSessionTimeoutMs }),
      ...(seed !== undefined && { seed }),
      ...(groupMinSessionTimeoutMs !== undefined && { groupMinSessionTimeoutMs }),
      ...(groupMaxSessionTimeoutMs !== undefined && { groupMaxSessionTimeoutMs }),
      ...(logCleanerBackoffMs !== undefined && { logCleanerBackoffMs }),
    },
    generated: lab.generated ?? [],
    services: (lab.services ?? []).map((service) => {
      const { type, ...params } = service as { type: string };
      const kind = SERVICE_KINDS.get(type)!;
      return { type, kind, params, description: kind.describe(params) };
    }),
    steps: lab.steps.map((step, index) => ({
      id: step.id,
      title: step.title,
      text: fs.readFileSync(path.join(dir, step.text), 'utf8'),
      textFile: step.text,
      files: step.files ?? [],
      run: (step.run ?? []).map((r) => ({ file: r.file, args: r.args ?? [], background: r.background, ready: r.ready?.source, exitCode: r.exitCode })),
      hints: step.hints ?? [],
      live: { topics: step.live?.topics ?? [], groups: step.live?.groups ?? [] },
      checks: step.checks.map((check) => parsedCheck(check as { type: string })),
      ...(step.faults && { faults: { when: step.faults.when, scenario: scenarioFrom(step.faults.scenario, { source: `${lab.id} steps[${index}].faults.scenario` }) } }),
    })),
  };
}

/** A check as lab.json writes it, checked by its kind; throws naming every problem. */
export function parseCheck(json: unknown): ParsedCheck {
  const kind = CHECK_KINDS.get((json as { type?: string } | null)?.type ?? '');
  if (!kind) throw new Error(`no check kind ${JSON.stringify((json as { type?: unknown } | null)?.type)}`);
  const checked = validate(kind.schema, json);
  if ('problems' in checked) throw new Error(checked.problems.map((p) => `${dotted(p.path, 'check')}: ${p.message}`).join('; '));
  return parsedCheck(checked.value);
}

/** A check its kind's schema has already judged (in lab.json, or in the grader's grading.json), ready to run. */
export function parsedCheck({ type, ...params }: { type: string }): ParsedCheck {
  const kind = CHECK_KINDS.get(type)!;
  return { type, kind, params, description: kind.describe(params) };
}
