#!/usr/bin/env node
// The `kafka-lab` command. Installed, it runs as dist/bin/bin.js, bundled by `npm run build` so
// that it starts in a few tens of milliseconds; in the repository, tests and developers run this
// source through tsx (`npm run kafka-lab -- broker`).
import module from 'node:module';

// Node keeps the compiled code of the modules loaded from here on (in the OS temp folder), so the
// next start skips compiling them. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
const { main } = await import('./main.ts');
await main(process.argv);
