// The student's workspace (`kafka-lab init <dir>`): every lab's starter files in TypeScript and
// Python, the course's schemas, generated data, a README, and kafka-lab.json with the bootstrap
// address that workspace.ts / workspace.py read. Init never overwrites a file: run again, it only
// adds what is missing (a new lab, a deleted starter).

import fs from 'node:fs';
import path from 'node:path';
import { codeModule, packagePath, PACKAGE_VERSION } from '../../simulator/package-root.ts';
import { COURSE_SCHEMAS_DIR } from '../checks/avro-schemas.ts';
import { commandLine, LANGUAGES, LANGUAGE_NAMES, type LabDefinition } from './lab-definition.ts';

export const WORKSPACE_CONFIG = 'kafka-lab.json';
const TEMPLATE_DIR = packagePath('labs', 'workspace-template');
/** Beside every program: where the cluster is, and a crash on purpose (for labs that kill a program mid-way). */
const HELPERS = { typescript: ['workspace.ts', 'crash.ts'], python: ['workspace.py', 'crash.py'] } as const;

export interface WorkspaceConfig {
  bootstrap: string;
}

/** The nearest folder from `start` upwards holding kafka-lab.json, or undefined. */
export function findWorkspace(start = process.cwd()): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, WORKSPACE_CONFIG))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function readWorkspaceConfig(dir: string): WorkspaceConfig | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dir, WORKSPACE_CONFIG), 'utf8')) as Partial<WorkspaceConfig>;
    return typeof config.bootstrap === 'string' ? { bootstrap: config.bootstrap } : undefined;
  } catch {
    return undefined;
  }
}

export interface InitReport {
  dir: string;
  created: string[];
  kept: string[];
}

export async function initWorkspace(dir: string, labs: LabDefinition[], { bootstrap }: WorkspaceConfig): Promise<InitReport> {
  const root = path.resolve(dir);
  const report: InitReport = { dir: root, created: [], kept: [] };
  const write = (relative: string, content: string | Buffer) => {
    const target = path.join(root, relative);
    if (fs.existsSync(target)) return report.kept.push(relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    report.created.push(relative);
  };
  const copy = (from: string, relative: string) => write(relative, fs.readFileSync(from));

  fs.mkdirSync(root, { recursive: true });
  write(WORKSPACE_CONFIG, `${JSON.stringify({ bootstrap }, null, 2)}\n`);
  write('package.json', `${JSON.stringify(PACKAGE_JSON, null, 2)}\n`);
  copy(path.join(TEMPLATE_DIR, 'requirements.txt'), 'requirements.txt');
  write('.gitignore', 'node_modules/\n.venv/\n__pycache__/\ndata/\n*.avro\n*.log\n.kafka-lab/\nverifier.json\n');
  write('README.md', studentReadme(labs, bootstrap));
  for (const schema of fs.readdirSync(COURSE_SCHEMAS_DIR).filter((f) => f.endsWith('.avsc'))) {
    copy(path.join(COURSE_SCHEMAS_DIR, schema), `schemas/${schema}`);
  }
  for (const lab of labs) {
    const labSchemas = path.join(lab.dir, 'schemas');
    if (fs.existsSync(labSchemas)) {
      for (const schema of fs.readdirSync(labSchemas)) copy(path.join(labSchemas, schema), `schemas/${schema}`);
    }
    for (const language of LANGUAGES) {
      const starters = path.join(lab.dir, 'starter', language);
      if (fs.existsSync(starters)) {
        for (const file of fs.readdirSync(starters)) copy(path.join(starters, file), `${lab.id}/${language}/${file}`);
      }
      for (const helper of HELPERS[language]) copy(path.join(TEMPLATE_DIR, helper), `${lab.id}/${language}/${helper}`);
    }
    for (const generated of lab.generated) {
      const target = path.join(root, generated.file);
      if (fs.existsSync(target)) {
        report.kept.push(generated.file);
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const module = (await import(codeModule(path.join(lab.dir, generated.module)))) as { default: (file: string) => Promise<void> | void };
      await module.default(target);
      report.created.push(generated.file);
    }
  }
  return report;
}

/** Copies a lab's solution files over the workspace's starters (tests and demonstrations). */
export function applySolution(workspaceDir: string, lab: LabDefinition): void {
  for (const language of LANGUAGES) {
    const solutions = path.join(lab.dir, 'solution', language);
    if (!fs.existsSync(solutions)) continue;
    for (const file of fs.readdirSync(solutions)) {
      fs.copyFileSync(path.join(solutions, file), path.join(workspaceDir, lab.id, language, file));
    }
  }
}

const PACKAGE_JSON = {
  name: 'kafka-lab-workspace',
  private: true,
  type: 'module',
  description: 'Your code for the kafka-lab labs',
  // Node.js runs .ts files itself from 22.18 on (type stripping).
  engines: { node: '>=22.18' },
  dependencies: { avsc: '^5.7.9', kafkajs: '^2.2.4' },
  // So that `npx kafka-lab` in the workspace runs this version of the labs.
  devDependencies: { 'kafka-lab': `^${PACKAGE_VERSION}` },
};

function studentReadme(labs: LabDefinition[], bootstrap: string): string {
  const sections = labs.map((lab) => {
    const steps = lab.steps.map((step, index) => {
      const commands = step.run.filter((r, i, all) => all.findIndex((x) => x.file === r.file) === i);
      const runs = LANGUAGES.map((language) => {
        const lines = commands.map((c) => commandLine(lab.id, c, language));
        return lines.length ? `   - ${LANGUAGE_NAMES[language]}: ${lines.map((l) => `\`${l}\``).join(', ')}` : '';
      }).filter(Boolean);
      return [`${index + 1}. ${step.title}`, ...runs].join('\n');
    });
    return [`### ${lab.title} (\`${lab.id}\`)`, '', lab.summary, '', ...steps].join('\n');
  });
  return fs
    .readFileSync(path.join(TEMPLATE_DIR, 'README.md'), 'utf8')
    .replaceAll('{{bootstrap}}', bootstrap)
    .replaceAll('{{firstLab}}', labs[0]?.id ?? 'producer-consumer')
    .replaceAll('{{labs}}', sections.join('\n\n'));
}
