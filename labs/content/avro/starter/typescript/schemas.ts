// Loads a schema of the workspace's schemas/ folder as an avsc type. Given.
import fs from 'node:fs';
import avro from 'avsc';
import { inWorkspace } from './workspace.ts';

export function loadType(name: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(fs.readFileSync(inWorkspace('schemas', name), 'utf8')));
}
