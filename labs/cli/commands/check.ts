// `kafka-lab check <lab>`: every step's checks, once, without the screen; for scripts, graders and
// students who prefer a plain report. Exit code 0 when every step passes, 1 when one does not, 2
// when the cluster cannot be reached at all.

import path from 'node:path';
import type { Command } from 'commander';

export interface CheckOptions {
  bootstrap?: string;
  workspace?: string;
  step?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ kafka-lab check producer-consumer
      against the cluster in your workspace's kafka-lab.json (or 127.0.0.1:9092)
  $ kafka-lab check avro --bootstrap 127.0.0.1:9092 --workspace ~/kafka-work
  $ kafka-lab check producer-consumer --step consume --json

Exit code: 0 every step passes, 1 a step does not, 2 the cluster cannot be
reached. It reads the cluster and your files; it changes neither, nor your
progress.`;

export function addCheckCommand(program: Command): void {
  program
    .command('check')
    .argument('<lab>', 'the lab whose checks to run')
    .summary('run a lab\'s checks once and report (exit code 0 when all pass)')
    .description('Run every check of a lab against a cluster and your workspace, and print what passed and what did not.')
    .option('-b, --bootstrap <servers>', 'the cluster to check (default: kafka-lab.json of the workspace, else 127.0.0.1:9092)')
    .option('-w, --workspace <dir>', 'where file checks look (default: the kafka-lab init folder around the current one)')
    .option('-s, --step <id>', 'only this step')
    .option('--json', 'print the results as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (labId: string, options: CheckOptions, command: Command) => {
      const { runChecks } = await import('../check-report.ts');
      process.exitCode = await runChecks(labId, { ...options, workspace: options.workspace && path.resolve(options.workspace) }, (message) => command.error(`error: ${message}`));
    });
}
