// Loading labs from labs/content/<lab-id>/: lab.json, the markdown text of each step, and the
// starter and solution files it names. Every mistake in a lab is reported at once, with the file and
// the path inside it, so an instructor can write a lab without reading engine code.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkKind, knownCheckTypes, type ParsedCheck } from './check-runner.ts';
import { fileFor, LANGUAGES, type ClusterSettings, type GeneratedFile, type LabDefinition, type RunCommand, type StepDefinition } from './lab-definition.ts';
import { Fields, nearlyEqual, Problems } from './validate.ts';

export const CONTENT_DIR = fileURLToPath(new URL('../content/', import.meta.url));

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ID_TEXT = 'lower-case letters, digits and single dashes, like "producer-consumer"';

export class LabDefinitionError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid lab:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'LabDefinitionError';
  }
}

export const DEFAULT_CLUSTER: ClusterSettings = { brokers: 1, port: 9092, numPartitions: 1, groupInitialRebalanceDelayMs: 0 };

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
  const problems = new Problems();
  const lab = readLab(json, dir, problems);
  if (!lab || !problems.empty) throw new LabDefinitionError(file, problems.list);
  return lab;
}

function readLab(json: unknown, dir: string, problems: Problems): LabDefinition | null {
  const fields = Fields.of(json, '', problems);
  if (!fields) return null;
  const id = fields.string('id', { pattern: ID, patternText: ID_TEXT });
  if (id && id !== path.basename(dir)) problems.add('id', `"${id}" must be the name of the lab's folder, "${path.basename(dir)}"`);
  const title = fields.string('title', {});
  const summary = fields.string('summary', {});
  const order = fields.integer('order', { min: 0, default: 100 });
  const cluster = fields.object('cluster', (c) => ({
    brokers: c.integer('brokers', { min: 1, max: 16, default: DEFAULT_CLUSTER.brokers }),
    port: c.integer('port', { min: 0, max: 65535, default: DEFAULT_CLUSTER.port }),
    numPartitions: c.integer('partitions', { min: 1, max: 1000, default: DEFAULT_CLUSTER.numPartitions }),
    groupInitialRebalanceDelayMs: c.integer('groupInitialRebalanceDelayMs', { min: 0, default: DEFAULT_CLUSTER.groupInitialRebalanceDelayMs }),
  }));
  const generated = fields.list('generated', (g) => readGenerated(g, dir), { optional: true });
  const steps = fields.list('steps', (s) => readStep(s, dir), { minLength: 1 });
  fields.rejectUnknown();

  const seen = new Set<string>();
  steps.forEach((step, index) => {
    if (seen.has(step.id)) problems.add(`steps[${index}].id`, `"${step.id}" is used by an earlier step`);
    seen.add(step.id);
  });
  if (!id || !title || !summary) return null;
  return { id, title, summary, order, dir, cluster: cluster ?? DEFAULT_CLUSTER, generated, steps };
}

function readGenerated(g: Fields, dir: string): GeneratedFile | null {
  const file = g.string('file', {});
  const module = g.string('module', {});
  if (module && !fs.existsSync(path.join(dir, module))) g.problems.add(g.at('module'), `file ${module} not found in ${dir}`);
  return file && module ? { file, module } : null;
}

function readStep(s: Fields, dir: string): StepDefinition | null {
  const id = s.string('id', { pattern: ID, patternText: ID_TEXT });
  const title = s.string('title', {});
  const textFile = s.string('text', {});
  let text = '';
  if (textFile) {
    try {
      text = fs.readFileSync(path.join(dir, textFile), 'utf8');
    } catch {
      s.problems.add(s.at('text'), `file ${textFile} not found in ${dir}`);
    }
  }
  const files = s.strings('files', { optional: true });
  for (const base of files) {
    for (const language of LANGUAGES) {
      for (const kind of ['starter', 'solution']) {
        const relative = `${kind}/${language}/${fileFor(base, language)}`;
        if (!fs.existsSync(path.join(dir, relative))) s.problems.add(s.at('files'), `"${base}" needs ${relative}`);
      }
    }
  }
  const run = s.list('run', (r) => readRun(r, dir), { optional: true });
  const hints = s.strings('hints', { optional: true });
  const live = s.object('live', (l) => ({ topics: l.strings('topics', { optional: true }), groups: l.strings('groups', { optional: true }) })) ?? { topics: [], groups: [] };
  const checks = s.list('checks', (c) => readCheck(c), { minLength: 1 });
  if (!id || !title || !textFile) return null;
  return { id, title, text, textFile, files, run, hints, live, checks };
}

function readRun(r: Fields, dir: string): RunCommand | null {
  const file = r.string('file', {});
  const args = r.strings('args', { optional: true });
  const background = r.boolean('background', false);
  const ready = r.regex('ready');
  if (ready && !background) r.problems.add(r.at('ready'), 'only a background program has a ready line');
  if (file) {
    for (const language of LANGUAGES) {
      const name = fileFor(file, language);
      const found = ['starter', 'solution'].some((kind) => fs.existsSync(path.join(dir, kind, language, name)));
      if (!found) r.problems.add(r.at('file'), `no ${language}/${name} in starter/ or solution/`);
    }
  }
  return file ? { file, args, background, ready: ready?.source } : null;
}

function readCheck(c: Fields): ParsedCheck | null {
  const type = c.string('type', {});
  if (!type) return null;
  const kind = checkKind(type);
  if (!kind) {
    const close = knownCheckTypes().find((k) => nearlyEqual(k, type));
    c.problems.add(c.at('type'), `unknown check type "${type}"${close ? ` (did you mean "${close}"?)` : ''}; known: ${knownCheckTypes().join(', ')}`);
    // Its parameters cannot be judged without the kind: do not report them as unknown too.
    for (const name of Object.keys(c.value)) c.raw(name);
    return null;
  }
  const before = c.problems.list.length;
  const params = kind.parse(c);
  if (c.problems.list.length > before) return null;
  return { type, kind, params, description: kind.describe(params) };
}
