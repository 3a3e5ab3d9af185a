// `avro-records`: the topic holds at least `min` record values that are Avro binary written with
// `schema` (the whole value, nothing left over). With `reader`, the values are read through Avro's
// schema resolution as that reader schema would see them; `readable: false` turns the check around:
// it passes when the reader schema cannot read what `schema` wrote (a removed field without default).
// `fields` compares decoded fields with expected values (a new field filled in from its default).

import type avro from 'avsc';
import { flag, integer, record, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';
import { resolutionProblem } from './avro-schemas.ts';

export const avroRecords = defineCheck({
  type: 'avro-records',
  needs: ['bootstrap'],
  passes: 'at least `min` values are exactly one Avro datum of `schema`; read as `reader` with `fields` equal; with `readable: false`, `reader` cannot read them',
  params: {
    topic: text('the topic'),
    schema: text("the writer's schema: an .avsc file of the lab or the course"),
    reader: text("a reader's schema to read the values with").optional(),
    readable: flag('false: passes when `reader` cannot read what `schema` wrote').default(true),
    min: integer({ min: 1 }, 'at least this many Avro records').default(1),
    fields: record('fields of the values, read as `reader`, and what they must equal').optional(),
  },
  describe: ({ topic, schema, reader, readable, min }) =>
    reader && !readable
      ? `records on ${topic} written with ${schema} cannot be read with ${reader}`
      : `topic ${topic} holds ≥ ${min} Avro records written with ${schema}${reader ? `, read as ${reader}` : ''}`,
  async run({ topic, schema, reader, readable, min, fields }, { kafka, schemas }) {
    const writerType = schemas.type(schema);
    const readerType = reader ? schemas.type(reader) : writerType;
    const problem = reader ? explainIncompatibility(readerType, writerType) : null;
    const wanted = `at least ${min} values encoded with ${schema}${reader ? ` (read as ${reader})` : ''}`;
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const { records } = await kafka.records(topic);
    const resolver = fields && !problem ? readerType.createResolver(writerType) : undefined;
    let decoded = 0;
    let firstError: string | undefined;
    let firstMismatch: string | undefined;
    for (const record of records) {
      const value = record.value ?? Buffer.alloc(0);
      try {
        writerType.fromBuffer(value); // the whole value is one datum of the writer schema
      } catch (error) {
        firstError ??= `offset ${record.offset}: ${(error as Error).message} (${value.length} bytes)`;
        continue;
      }
      decoded++;
      if (fields && resolver) {
        const datum = readerType.fromBuffer(value, resolver) as Record<string, unknown>;
        for (const [name, expected] of Object.entries(fields)) {
          if (JSON.stringify(datum[name]) !== JSON.stringify(expected)) {
            firstMismatch ??= `offset ${record.offset}: ${name} = ${JSON.stringify(datum[name])}, expected ${JSON.stringify(expected)}`;
          }
        }
      }
    }
    const saw = `${plural(records.length, 'record')} on ${topic}, ${decoded} decode with ${schema}${firstError ? `; ${firstError}` : ''}`;
    if (decoded < min) return fail(`topic ${topic} has ${decoded} of the ${min} Avro records needed`, saw, wanted);
    if (reader && !readable) {
      if (!problem) return fail(`${reader} can read records written with ${schema}`, `${reader} resolves against ${schema}`, `${reader} unable to read them`);
      return pass(`${reader} cannot read records written with ${schema}: ${problem}`);
    }
    if (problem) return fail(`${reader} cannot read records written with ${schema}`, problem, `a reader schema that resolves against ${schema}`);
    if (firstMismatch) return fail(`records on ${topic} read as ${reader ?? schema} have other values`, firstMismatch, `fields ${JSON.stringify(fields)}`);
    return pass(`topic ${topic} holds ${plural(decoded, 'Avro record')} written with ${schema}${reader ? `, readable as ${reader}` : ''}`);
  },
});

/** Why `reader` cannot read `writer`'s data, in Avro's terms, or null when it can. */
export function explainIncompatibility(reader: avro.Type, writer: avro.Type): string | null {
  const problem = resolutionProblem(reader, writer);
  if (!problem) return null;
  const readerFields = (reader as unknown as { fields?: { name: string; defaultValue(): unknown }[] }).fields;
  const writerFields = (writer as unknown as { fields?: { name: string }[] }).fields;
  if (readerFields && writerFields) {
    const missing = readerFields.filter((f) => !writerFields.some((w) => w.name === f.name) && f.defaultValue() === undefined);
    if (missing.length > 0) {
      return `field ${missing.map((f) => f.name).join(', ')} is not in the writer's schema and has no default`;
    }
  }
  return problem;
}
