// The `kafka-lab` program: parses the command line with commander and hands over to one module
// per subcommand in ./commands/. Each module adds its subcommand to the program it is given, so it
// inherits the settings made here (one-line errors on stderr, exit code 1).

import { Command } from 'commander';
import { PACKAGE_VERSION } from '../../simulator/package-root.ts';
import { addAssignmentCommand } from './commands/assignment.ts';
import { addBrokerCommand } from './commands/broker.ts';
import { addChaosCommand } from './commands/chaos.ts';
import { addCheckCommand } from './commands/check.ts';
import { addGradeCommand } from './commands/grade.ts';
import { addInitCommand } from './commands/init.ts';
import { addLabCommands, runMenu } from './commands/lab.ts';

const EXAMPLES = `
Examples:
  $ kafka-lab                               the labs: a menu with your progress
  $ kafka-lab init kafka-work               a workspace with starter code
  $ kafka-lab lab producer-consumer         open lab 1 (a cluster on :9092)
  $ kafka-lab check producer-consumer       lab 1's checks; exit 0 if all pass
  $ kafka-lab broker                        3 brokers on 127.0.0.1:9092-9094
  $ kafka-lab broker --brokers 1 --port 0   one broker on a free port
  $ kafka-lab broker --data-dir ./data      keep topics and records on restart
  $ kafka-lab broker --trace                print one line per request
  $ kafka-lab chaos                         watch a live cluster, inject faults
  $ kafka-lab assignment serve class-2026   host the verifier assignment
  $ kafka-lab grade subs/ --lab avro        grade a class's submissions
  $ kafka-lab help broker                   every flag of the broker command`;

export function createProgram(): Command {
  const program = new Command('kafka-lab')
    .description('A teaching lab and failure simulator for Apache Kafka: a Kafka-compatible cluster that runs inside npm install.')
    .version(PACKAGE_VERSION, '-V, --version', 'print the kafka-lab version')
    .helpOption('-h, --help', 'explain a command and its flags')
    .helpCommand('help [command]', 'explain a command and its flags')
    // In 80 columns the broker's long flag names leave commander less than its 40 columns to wrap
    // descriptions in, and then it does not wrap at all: wrap them in what is left.
    .configureHelp({ minWidthToWrap: 20 })
    .configureOutput({
      // Commander puts a spelling suggestion on a line of its own; keep every error to one line.
      outputError: (message, write) => write(`${message.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .addHelpText('after', EXAMPLES);
  addBrokerCommand(program);
  addChaosCommand(program);
  addLabCommands(program);
  addInitCommand(program);
  addCheckCommand(program);
  addAssignmentCommand(program);
  addGradeCommand(program);
  // Without a command: the menu of labs. A word that is no command is an error, not the menu.
  program.allowExcessArguments(true).action(async (_options: unknown, command: Command) => {
    if (command.args.length > 0) command.error(`error: unknown command '${command.args[0]}'; see kafka-lab --help`);
    await runMenu(command);
  });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await createProgram().parseAsync(argv);
}
