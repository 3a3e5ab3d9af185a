// Where kafka-lab's files are, whether it runs from its TypeScript sources (the repository, tests,
// `npm run` scripts) or as compiled JavaScript under dist/ (the installed package, the bin).
// Assets — package.json, schemas/, lab content, the workspace template, client scripts — are
// never compiled: they stay under the package root in both cases. Code a lab names by path (a
// lab's `generated` module) is compiled, so `codeModule` finds the form that runs here.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);

/** True when this is the compiled package (dist/**.js), false when running the .ts sources. */
export const compiled = here.endsWith('.js');

function findPackageRoot(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`kafka-lab: no package.json above ${from}`);
  }
}

/** The folder holding kafka-lab's package.json. */
export const PACKAGE_ROOT = findPackageRoot(here);

/** The folder the running code is in: the package root for sources, its dist/ when compiled. */
const CODE_ROOT = compiled ? path.join(PACKAGE_ROOT, 'dist') : PACKAGE_ROOT;

/** An asset of the package, by its path in the repository: `packagePath('schemas', 'sample.avsc')`. */
export function packagePath(...segments: string[]): string {
  return path.join(PACKAGE_ROOT, ...segments);
}

/**
 * The URL to import for a TypeScript module given by its path under the package root
 * (`/…/labs/content/avro/data/generate-tweets.ts`): the file itself from sources, its compiled
 * `.js` under dist/ from the package.
 */
export function codeModule(sourcePath: string): string {
  const relative = path.relative(PACKAGE_ROOT, sourcePath);
  if (!compiled || relative.startsWith('..') || path.isAbsolute(relative)) return pathToFileURL(sourcePath).href;
  return pathToFileURL(path.join(CODE_ROOT, relative.replace(/\.(m?)tsx?$/, '.$1js'))).href;
}

/** kafka-lab's package.json version. */
export const PACKAGE_VERSION = (JSON.parse(fs.readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
