#!/usr/bin/env node
// The `kafka-lab` command. The sources are TypeScript, so load them through tsx: no build step,
// and `npx kafka-lab ...` works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main(process.argv);
