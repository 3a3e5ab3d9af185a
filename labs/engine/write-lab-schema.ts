// `npm run lab-schema`: writes labs/lab.schema.json, the JSON Schema of lab.json, from the schema
// load.ts checks labs with. labs/test/lab-definitions.test.ts fails while the file is out of date.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAB_SCHEMA_FILE, labJsonSchemaText } from './lab-schema.ts';

fs.writeFileSync(LAB_SCHEMA_FILE, labJsonSchemaText());
process.stdout.write(`wrote ${fileURLToPath(LAB_SCHEMA_FILE)}\n`);
