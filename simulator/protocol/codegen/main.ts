// `npm run codegen` (also run by npm install, as the prepare script, and before npm test): writes
// simulator/protocol/messages/<Message>.ts from Kafka's JSON message specs. Nothing it writes is
// committed; a file it wrote and no spec asks for any more is removed. Unchanged files are left
// untouched, so a second run changes nothing.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerMessages, generateMessage, parseSpec } from './generate.ts';
import { ensureSpecs } from './kafka-specs.ts';

const MESSAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'messages');

function main(): void {
  // To stderr: npm pack --json and other tools read stdout.
  const log = (line: string) => console.error(`codegen: ${line}`);
  const { folder, origin } = ensureSpecs(path.join(MESSAGES, 'json'), log);
  const specs = fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, spec: parseSpec(fs.readFileSync(path.join(folder, file), 'utf8'), file) }));
  const modules = brokerMessages(specs).map(({ spec, file }) => generateMessage(spec, file, origin));

  let written = 0;
  for (const { file, source } of modules) {
    const target = path.join(MESSAGES, file);
    if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === source) continue;
    fs.writeFileSync(target, source);
    written++;
  }
  const wanted = new Set(modules.map((m) => m.file));
  for (const stale of fs.readdirSync(MESSAGES).filter((f) => f.endsWith('.ts') && !wanted.has(f))) fs.rmSync(path.join(MESSAGES, stale));
  log(`${modules.length} message schemas from ${origin} in ${path.relative(process.cwd(), MESSAGES) || '.'} (${written} written)`);
}

try {
  main();
} catch (error) {
  console.error(`codegen: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
