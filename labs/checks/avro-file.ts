// `avro-file`: a file in the workspace is an Avro object container file whose writer schema `schema`
// can read, compressed with `codec` when given, holding `records` records (or at least `min`).

import avro from 'avsc';
import { integer, oneOf, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';
import { resolutionProblem } from './avro-schemas.ts';
import { formatSize, inWorkspace, perFileVersion, statOrNull } from './workspace-files.ts';

interface ContainerSummary {
  writer: avro.Type;
  codec: string;
  records: number;
}

function readContainer(file: string): Promise<ContainerSummary> {
  return new Promise((resolve, reject) => {
    let writer: avro.Type | undefined;
    let codec = 'null';
    let records = 0;
    avro
      .createFileDecoder(file)
      .on('metadata', (type: avro.Type, usedCodec: string) => {
        writer = type;
        codec = usedCodec;
      })
      .on('data', () => records++)
      .on('error', (error: Error) => reject(new Error(`not a readable Avro container file: ${error.message}`)))
      .on('end', () => (writer ? resolve({ writer, codec, records }) : reject(new Error('not an Avro container file'))));
  });
}

export const avroFile = defineCheck({
  type: 'avro-file',
  needs: ['workspace'],
  passes: 'the workspace file is an Avro container file readable as `schema`, with `codec`, holding `records` records (or at least `min`)',
  params: {
    file: text('the file, relative to the workspace'),
    schema: text('an .avsc file of the lab or the course'),
    records: integer({ min: 0 }, 'exactly this many records').optional(),
    min: integer({ min: 0 }, 'at least this many records').default(1),
    codec: oneOf(['any', 'null', 'deflate'], 'the compression codec').default('any'),
  },
  describe: ({ file, schema, records, min, codec }) =>
    `${file} is an Avro container file of ${schema} with ${records ?? `≥ ${min}`} records${codec === 'any' ? '' : `, codec ${codec}`}`,
  async run({ file, schema, records, min, codec }, { workspaceDir, schemas }) {
    const where = inWorkspace(workspaceDir, file);
    const wanted = `an Avro container file of ${schema} with ${records ?? `at least ${min}`} records${codec === 'any' ? '' : ` and codec ${codec}`}`;
    const stat = statOrNull(where);
    if (!stat?.isFile()) return fail(`${file} does not exist yet`, `no file ${where}`, wanted);
    let summary: ContainerSummary;
    try {
      summary = await perFileVersion('avro-file', where, stat, () => readContainer(where));
    } catch (error) {
      return fail(`${file} is not an Avro container file`, (error as Error).message, wanted);
    }
    const problem = resolutionProblem(schemas.type(schema), summary.writer);
    const saw = `${plural(summary.records, 'record')}, codec ${summary.codec}, ${formatSize(stat.size)}`;
    if (problem) return fail(`${file} was written with another schema`, `its schema does not resolve to ${schema}: ${problem}`, wanted);
    if (codec !== 'any' && summary.codec !== codec) return fail(`${file} uses codec ${summary.codec}`, saw, wanted);
    if (records !== undefined ? summary.records !== records : summary.records < min) return fail(`${file} has ${plural(summary.records, 'record')}`, saw, wanted);
    return pass(`${file}: ${saw}`);
  },
});
