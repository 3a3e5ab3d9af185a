// Avro schemas for checks, by file name: first the lab's own schemas/ folder, then the course's
// schemas/ at the repository root. Checks read kafka-lab's copies, never the student's, so editing a
// schema in the workspace cannot make a check pass.

import fs from 'node:fs';
import path from 'node:path';
import avro from 'avsc';
import { packagePath } from '../../simulator/package-root.ts';

export const COURSE_SCHEMAS_DIR = packagePath('schemas');

export class SchemaLibrary {
  private readonly types = new Map<string, avro.Type>();

  /** Folders searched in order; the course's schemas/ always comes last. */
  constructor(private readonly dirs: string[] = []) {}

  /** The avsc type of a schema file such as "sample.avsc"; throws with the places looked in. */
  type(name: string): avro.Type {
    const cached = this.types.get(name);
    if (cached) return cached;
    const places = [...this.dirs, COURSE_SCHEMAS_DIR].map((dir) => path.join(dir, name));
    const file = places.find((p) => fs.existsSync(p));
    if (!file) throw new Error(`no schema ${name} in ${places.map((p) => path.dirname(p)).join(' or ')}`);
    const type = parseSchemaFile(file);
    this.types.set(name, type);
    return type;
  }
}

export function parseSchemaFile(file: string): avro.Type {
  let schema: avro.Schema;
  try {
    schema = JSON.parse(fs.readFileSync(file, 'utf8')) as avro.Schema;
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    // Logical types (timestamp-millis) decode as their underlying long: enough for checking.
    return avro.Type.forSchema(schema);
  } catch (error) {
    throw new Error(`${file} is not a valid Avro schema: ${(error as Error).message}`);
  }
}

/** Why `reader` cannot read data written with `writer`, or null when it can. */
export function resolutionProblem(reader: avro.Type, writer: avro.Type): string | null {
  try {
    reader.createResolver(writer);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
