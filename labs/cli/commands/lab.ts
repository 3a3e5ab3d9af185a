// `kafka-lab` (the menu of labs) and `kafka-lab lab [id]` (one lab): the interactive screens. They
// start the cluster the lab asks for (or use the one already on its port, or --bootstrap), then hand
// the terminal to Ink in the alternate screen, so that leaving — q, Ctrl-C, SIGTERM — gives the
// terminal back as it was.

import path from 'node:path';
import type { Command } from 'commander';
import { integerIn } from '../option-parsers.ts';

export interface LabOptions {
  port?: number;
  bootstrap?: string;
  workspace?: string;
  dataDir?: string;
  reset?: boolean;
}

const EXAMPLES = `
Examples:
  $ kafka-lab lab producer-consumer
      start a cluster on 127.0.0.1:9092 (or use the kafka-lab broker already
      there) and open lab 1; your programs connect to bootstrap=... shown on top
  $ kafka-lab lab avro --port 0
      a cluster on a free port; export KAFKA_BOOTSTRAP as the screen says
  $ kafka-lab lab producer-consumer --bootstrap kafka1:9092
      check your work on another cluster (a real Kafka too)

Keys: ←/→ steps, ↑/↓ scroll, h hint, s solution, t TypeScript/Python,
c check now, q back to the menu, Ctrl-C quit. Progress is saved in
~/.kafka-lab/progress.json ($KAFKA_LAB_HOME to move it).`;

export function addLabCommands(program: Command): void {
  program
    .command('lab')
    .argument('[id]', 'the lab to open; without it, the menu of labs')
    .summary('open a lab (or the menu of labs) in this terminal')
    .description('Open a lab in this terminal: its steps, your task, a live view of the cluster, and checks that tick each step as your programs do it.')
    .option('-p, --port <port>', 'port of the embedded cluster (default: the lab\'s, 9092); 0 for a free one', integerIn(0, 65535))
    .option('-b, --bootstrap <servers>', 'use this cluster (host:port,...) instead of starting one')
    .option('-w, --workspace <dir>', 'your workspace (default: the kafka-lab init folder around the current one)')
    .option('-d, --data-dir <dir>', 'keep the embedded cluster\'s topics and records in this folder across restarts')
    .option('--reset', 'forget your progress in this lab first')
    .addHelpText('after', EXAMPLES)
    .action(async (id: string | undefined, options: LabOptions, command: Command) => runInteractive(id, options, command));
}

/** `kafka-lab` with no command: the menu, with every option at its default. */
export function runMenu(command: Command): Promise<void> {
  return runInteractive(undefined, {}, command);
}

async function runInteractive(id: string | undefined, options: LabOptions, command: Command): Promise<void> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    command.error('error: the labs need a terminal (stdin and stdout); for scripts use `kafka-lab check <lab>`');
  }
  // Loaded here so that --help and flag errors stay instant.
  const { startInteractive } = await import('../interactive.tsx');
  const code = await startInteractive(id, { ...options, workspace: options.workspace && path.resolve(options.workspace) }, (message) => command.error(`error: ${message}`));
  process.exit(code);
}
