// `files-by-size`: the files exist and each is smaller than the one before (CSV > Avro > Avro with
// deflate). The report gives every size, which is the point of the exercise.

import { strings } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass } from './check-kind.ts';
import { formatSize, inWorkspace, statOrNull } from './workspace-files.ts';

export const filesBySize = defineCheck({
  type: 'files-by-size',
  needs: ['workspace'],
  passes: 'each file exists and is smaller than the one before',
  params: { files: strings({ minLength: 2 }, 'workspace files, largest first') },
  describe: ({ files }) => `${files.join(' > ')} in size`,
  async run({ files }, { workspaceDir }) {
    const wanted = `${files.join(' > ')} in size`;
    const sizes = files.map((file) => ({ file, size: statOrNull(inWorkspace(workspaceDir, file))?.size }));
    const missing = sizes.filter((s) => s.size === undefined).map((s) => s.file);
    if (missing.length > 0) return fail(`${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist yet`, `missing ${missing.join(', ')}`, wanted);
    const shown = sizes.map((s) => `${s.file} ${formatSize(s.size!)}`).join(', ');
    const outOfOrder = sizes.findIndex((s, i) => i > 0 && s.size! >= sizes[i - 1].size!);
    if (outOfOrder > 0) return fail(`${files[outOfOrder]} is not smaller than ${files[outOfOrder - 1]}`, shown, wanted);
    return pass(shown);
  },
});
