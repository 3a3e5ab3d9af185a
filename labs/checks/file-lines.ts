// `file-lines`: a file in the workspace has at least `min` non-empty lines fitting a shape (the same
// shapes as `records`: a regular expression and/or JSON fields). For programs that write what they
// consume to a file.

import fs from 'node:fs';
import { integer, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';
import { describeShape, judge, refineValueShape, VALUE_SHAPE } from './value-matcher.ts';
import { inWorkspace, statOrNull } from './workspace-files.ts';

export const fileLines = defineCheck({
  type: 'file-lines',
  needs: ['workspace'],
  passes: 'the workspace file has at least `min` (at most `max`) non-empty lines that fit `match` and `json`',
  params: {
    file: text('the file, relative to the workspace'),
    min: integer({ min: 1 }, 'at least this many fitting lines').default(1),
    max: integer({ min: 1 }, 'at most this many fitting lines').optional(),
    ...VALUE_SHAPE,
  },
  refine: refineValueShape,
  describe: ({ file, min, max, ...shape }) => `${file} has ${max === undefined ? `≥ ${min}` : `${min}–${max}`} lines ${describeShape(shape)}`,
  async run({ file, min, max, ...shape }, { workspaceDir }) {
    const where = inWorkspace(workspaceDir, file);
    const wanted = `${max === undefined ? `at least ${min}` : `${min} to ${max}`} lines ${describeShape(shape)} in ${where}`;
    if (!statOrNull(where)?.isFile()) return fail(`${file} does not exist yet`, `no file ${where}`, wanted);
    const lines = fs.readFileSync(where, 'utf8').split('\n').filter((l) => l.trim() !== '');
    let fitting = 0;
    let firstMisfit: string | undefined;
    lines.forEach((line, index) => {
      const verdict = judge(shape, line);
      if (verdict.ok) fitting++;
      else firstMisfit ??= `line ${index + 1}: ${verdict.why}`;
    });
    const saw = `${plural(lines.length, 'line')}, ${fitting} ${describeShape(shape)}${firstMisfit ? `; ${firstMisfit}` : ''}`;
    if (fitting < min) return fail(`${file} has ${fitting} of the ${min} lines needed`, saw, wanted);
    if (max !== undefined && fitting > max) return fail(`${file} has ${fitting} lines, more than ${max}`, saw, wanted);
    return pass(`${file} has ${plural(fitting, 'line')} ${describeShape(shape)}`);
  },
});
