// A lab written on the fly into a temporary content folder, for engine and screen tests that need
// a lab of their own: its steps are passed by files appearing in a workspace, so no cluster is
// needed unless a test adds one.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function temporaryDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-lab-${prefix}-`));
  made.push(dir);
  return dir;
}

export interface TinyLab {
  contentDir: string;
  labDir: string;
}

/** Writes labs/content-like folders: `files` maps paths inside the lab's folder to their text. */
export function writeLab(id: string, lab: unknown, files: Record<string, string> = {}, contentDir = temporaryDir('content')): TinyLab {
  const labDir = path.join(contentDir, id);
  fs.mkdirSync(labDir, { recursive: true });
  fs.writeFileSync(path.join(labDir, 'lab.json'), typeof lab === 'string' ? lab : JSON.stringify(lab, null, 2));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(labDir, file)), { recursive: true });
    fs.writeFileSync(path.join(labDir, file), text);
  }
  return { contentDir, labDir };
}

/** Starter and solution files of a program in both languages. */
export function programFiles(base: string): Record<string, string> {
  const py = `${base.replaceAll('-', '_')}.py`;
  return {
    [`starter/typescript/${base}.ts`]: `// starter ${base}\n`,
    [`starter/python/${py}`]: `# starter ${base}\n`,
    [`solution/typescript/${base}.ts`]: `// the solution of ${base}\nconsole.log('solved');\n`,
    [`solution/python/${py}`]: `# the solution of ${base}\nprint('solved')\n`,
  };
}

/** Three steps, each passed when a file in the workspace has enough lines. */
export function fileLab(id = 'files'): TinyLab {
  const step = (n: number, extra: object = {}) => ({
    id: `step-${n}`,
    title: `Write file ${n}`,
    text: `steps/${n}.md`,
    files: [`writer-${n}`],
    run: [{ file: `writer-${n}` }],
    hints: [`First hint of step ${n}`, `Second hint of step ${n}`],
    checks: [{ type: 'file-lines', file: `out-${n}.txt`, min: n }],
    ...extra,
  });
  return writeLab(
    id,
    { id, title: 'Files', summary: 'Write files, one more line each time.', order: 5, steps: [step(1), step(2), step(3)] },
    {
      'steps/1.md': '# Write the first file\n\nPut one line in `out-1.txt`.\n\n```typescript\nfs.writeFileSync(file, line)\n```\n\n```python\nopen(path, "w").write(line)\n```\n',
      'steps/2.md': '# Write the second file\n\nTwo lines in `out-2.txt`.\n',
      'steps/3.md': '# Write the third file\n\nThree lines.\n',
      ...programFiles('writer-1'),
      ...programFiles('writer-2'),
      ...programFiles('writer-3'),
    },
  );
}
