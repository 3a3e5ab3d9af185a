// The schema of lab.json, in one place: what load.ts checks a lab against (with the lab's folder,
// so that every file it names is looked for too), and what labs/lab.schema.json publishes for an
// instructor's editor (without the folder: completion and hover, no file checks).
//
// README.md ("Writing a lab") documents the fields; lab-definition.ts has the types a loaded lab
// has. Each check kind brings the schema of its own parameters (labs/checks/).

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHECK_KINDS } from '../checks/index.ts';
import { SERVICE_KINDS } from '../services/index.ts';
import { ALWAYS, fields, flag, integer, list, patterned, regex, strings, text, z } from './lab-fields.ts';
import { fileFor, LANGUAGES } from './lab-definition.ts';
import { packagePath } from '../../simulator/package-root.ts';
import { nearlyEqual } from '../../simulator/validation.ts';
import { scenarioSchema } from '../../simulator/index.ts';

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ID_TEXT = 'lower-case letters, digits and single dashes, like "producer-consumer"';

const knownCheckTypes = () => [...CHECK_KINDS.keys()];

function unknownCheckType(input: unknown): string {
  const type = (input as { type?: unknown } | undefined)?.type;
  if (type === undefined) return 'is required';
  if (typeof type !== 'string' || type === '') return `expected a non-empty string, got ${JSON.stringify(type)}`;
  const close = knownCheckTypes().find((k) => nearlyEqual(k, type));
  return `unknown check type "${type}"${close ? ` (did you mean "${close}"?)` : ''}; known: ${knownCheckTypes().join(', ')}`;
}

/** A check: its `type` picks the kind, whose schema judges the rest (an unknown type, nothing more). The grader's grading.json uses it too. */
export function checkSchema() {
  const kinds = [...CHECK_KINDS.values()].map((kind) => kind.schema) as unknown as [z.ZodObject, ...z.ZodObject[]];
  return z.discriminatedUnion('type', kinds, {
    error: (issue) => (issue.code === 'invalid_union' ? unknownCheckType(issue.input) : `expected an object, got ${JSON.stringify(issue.input) ?? 'nothing'}`),
  });
}

/** A service: its `type` picks the kind, whose schema judges the rest. */
function serviceSchema() {
  const kinds = [...SERVICE_KINDS.values()].map((kind) => kind.schema) as unknown as [z.ZodObject, ...z.ZodObject[]];
  const known = [...SERVICE_KINDS.keys()];
  return z.discriminatedUnion('type', kinds, {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return `expected an object, got ${JSON.stringify(issue.input) ?? 'nothing'}`;
      const type = (issue.input as { type?: unknown } | undefined)?.type;
      if (type === undefined) return 'is required';
      const close = known.find((k) => typeof type === 'string' && nearlyEqual(k, type));
      return `unknown service type ${JSON.stringify(type)}${close ? ` (did you mean "${close}"?)` : ''}; known: ${known.join(', ')}`;
    },
  });
}

/**
 * lab.json's schema. With `dir`, it also checks the files a lab names: step texts, programs in
 * both languages (starter and solution), generator modules, and that `id` is the folder's name.
 */
export function labSchema(dir?: string) {
  const inFolder = <T extends z.ZodType>(schema: T, check: (value: z.output<T>, ctx: z.RefinementCtx, dir: string) => void): T =>
    dir ? (schema.superRefine((value, ctx) => check(value as z.output<T>, ctx, dir)) as T) : schema;
  const exists = (relative: string) => fs.existsSync(path.join(dir!, relative));

  const run = fields({
    file: text('a base name from the step\'s `files`: producer → typescript/producer.ts, python/producer.py'),
    args: strings({}, 'arguments of the program').optional(),
    background: flag('keep it running while the next programs run').default(false),
    ready: regex('for a background program: a line it prints once it is ready for the next one').optional(),
    exitCode: integer({ min: 0, max: 255 }, 'how it ends: 0, or 70 when asked to crash (--crash-after)').default(0),
  })
    .describe("how the step's solution runs, from the workspace; the screen shows it, the tests run it")
    .superRefine((raw, ctx) => {
      if (raw === null || typeof raw !== 'object') return;
      const { file, background, ready } = raw as Record<string, unknown>;
      if (ready !== undefined && background !== true) ctx.addIssue({ code: 'custom', path: ['ready'], message: 'only a background program has a ready line' });
      if (!dir || typeof file !== 'string' || file === '') return;
      for (const language of LANGUAGES) {
        const name = fileFor(file, language);
        if (!['starter', 'solution'].some((kind) => exists(path.join(kind, language, name)))) ctx.addIssue({ code: 'custom', path: ['file'], message: `no ${language}/${name} in starter/ or solution/` });
      }
    }, ALWAYS);

  const step = fields({
    id: patterned(ID, ID_TEXT, "the step's id, unique in the lab"),
    title: text('a few words, for the list of steps'),
    text: inFolder(text("the step's text: a markdown file in the lab's folder"), (file, ctx, dir) => {
      if (!exists(file)) ctx.addIssue({ code: 'custom', message: `file ${file} not found in ${dir}` });
    }),
    files: inFolder(strings({}, 'base names of the programs the step is about, in starter/ and solution/, typescript/ and python/'), (bases, ctx) => {
      for (const base of bases) {
        for (const language of LANGUAGES) {
          for (const kind of ['starter', 'solution']) {
            const relative = `${kind}/${language}/${fileFor(base, language)}`;
            if (!exists(relative)) ctx.addIssue({ code: 'custom', message: `"${base}" needs ${relative}` });
          }
        }
      }
    }).optional(),
    run: list(run).optional(),
    hints: strings({}, 'markdown, revealed one at a time').optional(),
    live: fields({
      topics: strings({}, 'topics whose partitions and offsets the live panel shows').optional(),
      groups: strings({}, 'consumer groups whose members, assignment and lag the live panel shows').optional(),
    })
      .describe('what the live panel shows while the step is open')
      .optional(),
    checks: list(checkSchema(), { minLength: 1 }, 'all must pass for the step to pass; a check never reads the code, only what it did'),
    faults: fields({
      when: z
        .union([
          fields({ topic: text('the topic'), records: integer({ min: 1 }, 'records appended to it since the step opened') }),
          fields({ group: text('the consumer group'), members: integer({ min: 1 }, 'members it has, at least') }),
        ], { error: (issue) => `expected {"topic": "orders", "records": 20} or {"group": "billing", "members": 2}, got ${JSON.stringify(issue.input)}` })
        .describe('what starts the faults; without it, the step opening')
        .optional(),
      scenario: scenarioSchema.describe('the faults, as a `kafka-lab broker --scenario` file writes them; times count from the trigger'),
    })
      .describe('faults the lab fires at its cluster while the step is open, shown on the screen as they happen')
      .optional(),
  });

  const generated = fields({
    file: text('the path in the workspace'),
    module: inFolder(text("a module of the lab whose default export writes the file: (path) => Promise<void>"), (module, ctx, dir) => {
      if (!exists(module)) ctx.addIssue({ code: 'custom', message: `file ${module} not found in ${dir}` });
    }),
  });

  return fields({
    $schema: z.string().describe('the JSON Schema of lab.json, for editors').optional(),
    id: inFolder(patterned(ID, ID_TEXT, "the lab's id: the name of its folder"), (id, ctx, dir) => {
      if (id !== path.basename(dir)) ctx.addIssue({ code: 'custom', message: `"${id}" must be the name of the lab's folder, "${path.basename(dir)}"` });
    }),
    title: text('the title, in the menu and on top of the screen'),
    summary: text('one line for the menu'),
    order: integer({ min: 0 }, 'where the lab goes in the menu').default(100),
    cluster: fields({
      brokers: integer({ min: 1, max: 16 }, 'number of brokers').default(1),
      port: integer({ min: 0, max: 65535 }, 'port of broker 1 (0: free ports)').default(9092),
      partitions: integer({ min: 1, max: 1000 }, "partitions of an auto-created topic (Kafka's num.partitions)").default(1),
      groupInitialRebalanceDelayMs: integer({ min: 0 }, "Kafka's group.initial.rebalance.delay.ms").default(0),
      replicationFactor: integer({ min: 1, max: 16 }, "replicas of a topic created without a replication factor (Kafka's default.replication.factor)").default(1),
      replicaLagTimeMaxMs: integer({ min: 1 }, "Kafka's replica.lag.time.max.ms").optional(),
      brokerSessionTimeoutMs: integer({ min: 1 }, "Kafka's broker.session.timeout.ms").optional(),
      seed: integer({ min: 0, max: 2 ** 32 - 1 }, 'makes ids, replica placement and random faults repeatable').optional(),
      groupMinSessionTimeoutMs: integer({ min: 1 }, "Kafka's group.min.session.timeout.ms (default 6000): shorter session timeouts are refused with INVALID_SESSION_TIMEOUT").optional(),
      groupMaxSessionTimeoutMs: integer({ min: 1 }, "Kafka's group.max.session.timeout.ms (default 1800000): longer session timeouts are refused with INVALID_SESSION_TIMEOUT").optional(),
      logCleanerBackoffMs: integer({ min: 0 }, "Kafka's log.cleaner.backoff.ms: how often compaction looks for dirty logs").optional(),
    })
      .superRefine((raw, ctx) => {
        const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = (raw ?? {}) as Record<string, unknown>;
        if (typeof min === 'number' && typeof max === 'number' && min > max) {
          ctx.addIssue({ code: 'custom', path: ['groupMinSessionTimeoutMs'], message: `${min} is above groupMaxSessionTimeoutMs ${max}: no consumer could join a group` });
        }
      }, ALWAYS)
      .describe('the cluster `kafka-lab lab` starts')
      .optional(),
    generated: list(generated, {}, 'files made at `kafka-lab init` by a module of the lab').optional(),
    services: list(serviceSchema(), {}, 'programs that run beside the cluster while the lab is open (a practice assignment server)').optional(),
    steps: list(step, { minLength: 1 }, 'the steps, in order'),
  })
    .describe('A kafka-lab lab: labs/content/<id>/lab.json')
    .superRefine((raw, ctx) => {
      const steps = (raw as { steps?: unknown } | null)?.steps;
      if (!Array.isArray(steps)) return;
      const seen = new Set<string>();
      steps.forEach((s: { id?: unknown }, index) => {
        if (typeof s?.id !== 'string') return;
        if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `"${s.id}" is used by an earlier step` });
        seen.add(s.id);
      });
    }, ALWAYS);
}

export type LabJson = z.output<ReturnType<typeof labSchema>>;

/** The JSON Schema labs/lab.schema.json holds: what an editor completes and explains in lab.json. */
export function labJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(labSchema(), { io: 'input', unrepresentable: 'any' });
  return { $schema, title: 'kafka-lab lab.json', ...schema };
}

/** The file the JSON Schema is published as, relative to labs/content/<lab>/lab.json: "../../lab.schema.json". */
export const LAB_SCHEMA_FILE = pathToFileURL(packagePath('labs', 'lab.schema.json'));

/** The text of labs/lab.schema.json, as `npm run lab-schema` writes it. */
export const labJsonSchemaText = () => `${JSON.stringify(labJsonSchema(), null, 2)}\n`;
