// A student's progress, saved per user in $KAFKA_LAB_HOME/progress.json (default ~/.kafka-lab):
// which steps passed, which hints and solutions were shown, the language they work in. Written
// whole to a temporary file and renamed over the old one, so a crash never leaves half a file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LANGUAGES, type Language, type LabDefinition } from './lab-definition.ts';

export interface StepProgress {
  passedAt?: string;
  hintsShown?: number;
  /** When the solution was first shown, and in which languages. */
  solutionShownAt?: string;
  solutionLanguages?: Language[];
}

export interface LabProgress {
  steps: Record<string, StepProgress>;
}

interface ProgressFile {
  version: 1;
  language: Language;
  labs: Record<string, LabProgress>;
}

/** $KAFKA_LAB_HOME, or ~/.kafka-lab: where progress (and nothing else of the student's) is kept. */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_LAB_HOME ? path.resolve(env.KAFKA_LAB_HOME) : path.join(os.homedir(), '.kafka-lab');
}

export class ProgressStore {
  private data: ProgressFile;
  readonly file: string;
  /** Set when the saved file could not be read; the store then starts afresh and keeps a copy. */
  readonly warning: string | undefined;

  constructor(home = labHome()) {
    this.file = path.join(home, 'progress.json');
    const loaded = readProgress(this.file);
    this.data = loaded.data ?? fresh();
    if (loaded.error) {
      const kept = `${this.file}.unreadable-${Date.now()}`;
      fs.copyFileSync(this.file, kept);
      this.warning = `could not read ${this.file} (${loaded.error}); starting afresh, the old file is kept as ${kept}`;
    }
  }

  get language(): Language {
    return this.data.language;
  }

  setLanguage(language: Language): void {
    this.mutate((data) => {
      data.language = language;
    });
  }

  lab(labId: string): LabProgress {
    return this.data.labs[labId] ?? { steps: {} };
  }

  step(labId: string, stepId: string): StepProgress {
    return this.lab(labId).steps[stepId] ?? {};
  }

  passed(labId: string, stepId: string): boolean {
    return this.step(labId, stepId).passedAt !== undefined;
  }

  /** Steps passed out of all, for the menu. */
  count(lab: LabDefinition): { passed: number; total: number; solutionsShown: number } {
    const steps = lab.steps.map((s) => this.step(lab.id, s.id));
    return { passed: steps.filter((s) => s.passedAt).length, total: lab.steps.length, solutionsShown: steps.filter((s) => s.solutionShownAt).length };
  }

  markPassed(labId: string, stepId: string): void {
    this.update(labId, stepId, (s) => ({ ...s, passedAt: s.passedAt ?? new Date().toISOString() }));
  }

  markHintShown(labId: string, stepId: string, hintsShown: number): void {
    this.update(labId, stepId, (s) => ({ ...s, hintsShown: Math.max(s.hintsShown ?? 0, hintsShown) }));
  }

  markSolutionShown(labId: string, stepId: string, language: Language): void {
    this.update(labId, stepId, (s) => ({
      ...s,
      solutionShownAt: s.solutionShownAt ?? new Date().toISOString(),
      solutionLanguages: [...new Set([...(s.solutionLanguages ?? []), language])],
    }));
  }

  /** Forgets one lab's progress (`kafka-lab lab <id> --reset`). */
  reset(labId: string): void {
    this.mutate((data) => {
      delete data.labs[labId];
    });
  }

  private update(labId: string, stepId: string, change: (step: StepProgress) => StepProgress): void {
    this.mutate((data) => {
      const lab = (data.labs[labId] ??= { steps: {} });
      lab.steps[stepId] = change(lab.steps[stepId] ?? {});
    });
  }

  /** Applies a change to what is on disk now: two labs open in two terminals both keep their progress. */
  private mutate(change: (data: ProgressFile) => void): void {
    const current = readProgress(this.file);
    if (current.data) this.data = current.data;
    change(this.data);
    this.save();
  }

  private save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(this.data, null, 2)}\n`);
    fs.renameSync(temporary, this.file);
  }
}

const fresh = (): ProgressFile => ({ version: 1, language: 'typescript', labs: {} });

/** The saved progress; no data and no error when there is no file yet. */
function readProgress(file: string): { data?: ProgressFile; error?: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Partial<ProgressFile>;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.labs !== 'object' || parsed.labs === null) throw new Error('no "labs" object');
    const language = LANGUAGES.includes(parsed.language as Language) ? (parsed.language as Language) : 'typescript';
    return { data: { version: 1, language, labs: parsed.labs } };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
