// A student's submission: a folder holding the lab's programs in Python or TypeScript, anywhere
// inside it (a whole `kafka-lab init` workspace, a `python/` folder, or the files alone). The
// grader finds the folder with most of the lab's program files, takes that language, and lays the
// submission out as a fresh workspace: the lab's starters and helpers first, the submission's
// files of that folder over them, plus its requirements.txt / package.json.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileFor, LANGUAGES, type Language, type LabDefinition } from '../../labs/engine/lab-definition.ts';
import { initWorkspace } from '../../labs/engine/workspace.ts';

const SKIPPED = new Set(['node_modules', '.venv', 'venv', '.git', '__pycache__', '.mypy_cache']);
const MAX_FILES = 2000;
const MAX_BYTES = 20 * 1024 * 1024;

export interface Submission {
  /** Its folder's name: the student (or group) id in every report. */
  id: string;
  dir: string;
}

export interface FoundPrograms {
  language: Language;
  /** The folder holding the programs, inside the submission. */
  dir: string;
  /** Which of the lab's program files it has. */
  files: string[];
  /** Lab files no language folder had. */
  missing: string[];
}

export class SubmissionError extends Error {}

/** Every submission of a class folder: its sub-folders, in name order (hidden ones skipped). */
export function listSubmissions(classDir: string): Submission[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(classDir, { withFileTypes: true });
  } catch (error) {
    throw new SubmissionError(`cannot read the submissions folder ${classDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => ({ id: e.name, dir: path.join(classDir, e.name) }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Every file under `dir` (relative paths), skipping dependency folders; bounded in count and size. */
function walk(dir: string): string[] {
  const files: string[] = [];
  let bytes = 0;
  const visit = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = path.join(relative, entry.name);
      if (entry.isSymbolicLink()) continue; // never follow a link out of the submission
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) visit(rel);
      } else if (entry.isFile()) {
        bytes += fs.statSync(path.join(dir, rel)).size;
        files.push(rel);
        if (files.length > MAX_FILES || bytes > MAX_BYTES) throw new SubmissionError(`more than ${MAX_FILES} files or ${MAX_BYTES / 1024 / 1024} MB: not a lab submission`);
      }
    }
  };
  visit('');
  return files;
}

/** Every step's program files, by base name (producer, consumer, ...). */
const programBases = (lab: LabDefinition) => [...new Set(lab.steps.flatMap((s) => s.files))];

/** The folder with most of the programs `bases` names (default: every program of the lab), and its language. */
export function findPrograms(submission: Submission, lab: LabDefinition, forced?: Language, bases = programBases(lab)): FoundPrograms {
  const programFiles = (language: Language) => bases.map((base) => fileFor(base, language));
  const files = walk(submission.dir);
  let best: FoundPrograms | undefined;
  for (const language of forced ? [forced] : LANGUAGES) {
    const wanted = programFiles(language);
    const byDir = new Map<string, string[]>();
    for (const file of files) {
      if (!wanted.includes(path.basename(file))) continue;
      const dir = path.dirname(file);
      byDir.set(dir, [...(byDir.get(dir) ?? []), path.basename(file)]);
    }
    for (const [dir, found] of byDir) {
      if (!best || found.length > best.files.length) best = { language, dir: path.join(submission.dir, dir), files: found.sort(), missing: wanted.filter((w) => !found.includes(w)) };
    }
  }
  if (!best) {
    const names = (forced ? [forced] : LANGUAGES).map((l) => programFiles(l).join(', ')).join(' or ');
    throw new SubmissionError(`no program of lab ${lab.id} found; expected some of ${names}`);
  }
  return best;
}

/** A fingerprint of everything in the submission that grading reads: same files, same hash. */
export function submissionHash(submission: Submission): string {
  const hash = crypto.createHash('sha256');
  for (const file of walk(submission.dir).sort()) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(submission.dir, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const generatedCache = new Map<string, string>();

/**
 * Lays out the workspace the submission's programs run in: `kafka-lab init` for the lab (its
 * generated data copied from a cache once made), then the submission's program folder copied over
 * the starters of its language, and its dependency files at the root.
 */
export async function prepareWorkspace(workDir: string, lab: LabDefinition, submission: Submission, found: FoundPrograms, bootstrap: string, cacheDir: string): Promise<void> {
  fs.mkdirSync(workDir, { recursive: true });
  for (const generated of lab.generated) {
    const cached = generatedCache.get(`${lab.id}/${generated.file}`) ?? path.join(cacheDir, 'generated', lab.id, generated.file);
    if (fs.existsSync(cached)) {
      fs.mkdirSync(path.dirname(path.join(workDir, generated.file)), { recursive: true });
      fs.copyFileSync(cached, path.join(workDir, generated.file));
    }
  }
  await initWorkspace(workDir, [lab], { bootstrap });
  for (const generated of lab.generated) {
    const cached = path.join(cacheDir, 'generated', lab.id, generated.file);
    if (!fs.existsSync(cached)) {
      fs.mkdirSync(path.dirname(cached), { recursive: true });
      fs.copyFileSync(path.join(workDir, generated.file), cached);
    }
    generatedCache.set(`${lab.id}/${generated.file}`, cached);
  }
  const target = path.join(workDir, lab.id, found.language);
  for (const entry of fs.readdirSync(found.dir, { withFileTypes: true })) {
    if (entry.isFile()) fs.copyFileSync(path.join(found.dir, entry.name), path.join(target, entry.name));
  }
  for (const name of ['requirements.txt', 'package.json', 'package-lock.json']) {
    const own = [path.join(found.dir, name), path.join(submission.dir, name)].find((f) => fs.existsSync(f));
    if (own) fs.copyFileSync(own, path.join(workDir, name));
  }
}
