// `kafka-lab init <dir>`: a workspace with every lab's starter files in TypeScript and Python, the
// course's schemas, generated data, a README for the student, and the bootstrap address.

import path from 'node:path';
import type { Command } from 'commander';

interface InitOptions {
  bootstrap: string;
}

const EXAMPLES = `
Examples:
  $ kafka-lab init kafka-work
  $ kafka-lab init kafka-work --bootstrap 127.0.0.1:9092,127.0.0.1:9093

Running it again on the same folder adds only what is missing: your files stay.`;

export function addInitCommand(program: Command): void {
  program
    .command('init')
    .argument('<dir>', 'the folder to create (or complete)')
    .summary('create a workspace with the labs\' starter code')
    .description('Create a workspace: starter programs for every lab in TypeScript (kafkajs) and Python (kafka-python), the course\'s Avro schemas, the data the labs use, a README, and kafka-lab.json with the cluster\'s address.')
    .option('-b, --bootstrap <servers>', 'the cluster your programs connect to', '127.0.0.1:9092')
    .addHelpText('after', EXAMPLES)
    .action(async (dir: string, options: InitOptions, command: Command) => {
      const { loadLabs } = await import('../../engine/load.ts');
      const { initWorkspace } = await import('../../engine/workspace.ts');
      let report;
      try {
        report = await initWorkspace(dir, loadLabs(), { bootstrap: options.bootstrap });
      } catch (error) {
        return command.error(`error: cannot create the workspace in ${path.resolve(dir)}: ${(error as Error).message}`);
      }
      const relative = path.relative(process.cwd(), report.dir) || '.';
      const kept = report.kept.length ? `, kept ${report.kept.length} that were there` : '';
      process.stdout.write(
        `kafka-lab: workspace ready in ${report.dir} (${report.created.length} files created${kept})\n\n` +
          `  cd ${relative}\n` +
          `  npm install                                  # TypeScript: kafkajs and avsc\n` +
          `  python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt\n` +
          `  npx kafka-lab                                # the labs; README.md says more\n`,
      );
    });
}
