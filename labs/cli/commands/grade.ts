// `kafka-lab grade <submissions> --lab <id>`: the autograder. Grades every submission folder of a
// class (or one, with --single, as Gradescope's run_autograder does) against a lab's grading.json,
// N at a time, with a progress bar on stderr, and writes the reports into --out. Exit code 0 when
// every submission could be graded (whatever its score), 1 when one could not, 2 on bad usage.

import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { integerIn } from '../option-parsers.ts';
import { SANDBOX_MODES, type SandboxMode } from '../../../grader/grade/sandbox/submission-sandbox.ts';

interface GradeCommandOptions {
  lab?: string;
  assignment?: string;
  provider: string;
  jobs: number;
  out: string;
  format: string[];
  seed?: number;
  single?: boolean;
  language?: 'python' | 'typescript';
  python?: string;
  grading?: string;
  hide?: string[];
  sandbox: SandboxMode;
}

const EXAMPLES = `
Examples:
  $ kafka-lab grade ./submissions --lab producer-consumer
      every folder of ./submissions is one student's work; reports go to
      ./grading: <student>/report.txt, results.json (Gradescope),
      prairielearn.json, and grades.csv and junit.xml for the class
  $ kafka-lab grade ./submissions --lab producer-consumer --jobs 4 --seed 7
      four at a time; fault scenarios drawn from seed 7 (reports name it,
      so a student can replay exactly what was graded)
  $ kafka-lab grade ./submissions --lab avro --provider testcontainers
      each submission against Apache Kafka in a container
  $ kafka-lab grade ./verifiers --assignment class-2026 --jobs 2
      each folder holds a group's transaction verifier; each runs as the one
      group of a fresh assignment (its own vid and token, never the class's)
      on a fresh broker, scored by the server's own verdicts; settings from
      class-2026, tests from its grading.json if it has one
  $ kafka-lab grade /autograder/submission --single --lab producer-consumer \\
        --format gradescope --out /autograder/results
      inside Gradescope's container (see run_autograder in the README)

Run it again with the same --out and it resumes: submissions already graded
with the same files, grading.json, provider and seed are not graded again.
Programs run sandboxed: a wall-clock, memory, process and CPU limit (from
grading.json "limits"), and as root no network but the broker, no access to
other submissions or the output folder, and a user of their own.
--sandbox says where:
  auto        a container when podman or docker answers, else namespaces as
              root, else limits (the default; the report says which and why)
  container   a container per submission (podman, else docker; needs root):
              only /usr, /etc, the interpreter and its own folder inside,
              each program in it in namespaces of its own; ~1 s more each
  namespaces  each program in fresh namespaces on the host (needs root)
  limits      rlimits, a process group and the wall clock only`;

const FORMAT_NAMES = ['gradescope', 'prairielearn', 'junit', 'csv', 'text'];

function formatList(value: string): string[] {
  const formats = value.split(',').map((f) => f.trim().toLowerCase()).filter(Boolean);
  const unknown = formats.filter((f) => !FORMAT_NAMES.includes(f));
  if (unknown.length || formats.length === 0) throw new InvalidArgumentError(`Expected some of ${FORMAT_NAMES.join(', ')}, comma-separated${unknown.length ? `; not ${unknown.join(', ')}` : ''}.`);
  return formats;
}

function sandboxMode(value: string): SandboxMode {
  if (!(SANDBOX_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`Expected one of ${SANDBOX_MODES.join(', ')}.`);
  return value as SandboxMode;
}

function language(value: string): 'python' | 'typescript' {
  if (value !== 'python' && value !== 'typescript') throw new InvalidArgumentError('Expected python or typescript.');
  return value;
}

export function addGradeCommand(program: Command): void {
  program
    .command('grade')
    .argument('<submissions>', 'a folder with one sub-folder per submission (or, with --single, one submission)')
    .summary("grade a class's submissions against a lab's grading.json or the assignment")
    .description('Grade submissions: for each, a fresh broker, its programs run sandboxed as the lab says, the lab\'s checks and the grader\'s tests (no duplicates, committed offsets, seeded faults), scored by grading.json.')
    .option('-l, --lab <id>', 'the lab whose grading.json scores the submissions')
    .option('--assignment <dir>', 'grade against an assignment folder (the transaction verifier) instead of a lab')
    .option('-p, --provider <name>', 'where each broker comes from: embedded, testcontainers, real-jvm or external', 'embedded')
    .option('-j, --jobs <n>', 'submissions graded at once', integerIn(1, 64), 1)
    .option('-o, --out <dir>', 'where reports go (and what a resumed run reads)', 'grading')
    .option('-f, --format <list>', `reports to write, comma-separated: ${FORMAT_NAMES.join(', ')}`, formatList, FORMAT_NAMES)
    .option('--seed <number>', 'seed for fault scenarios that have none (default: drawn, and named in every report)', integerIn(0, 2 ** 32 - 1))
    .option('--single', 'the folder is one submission (Gradescope: /autograder/submission); reports go straight into --out')
    .option('--language <name>', 'grade the python or typescript programs when a submission has both', language)
    .option('--python <path>', 'the Python to run submissions with, or to make their venvs from (default: $KAFKA_PYTHON, else python3)')
    .option('--grading <file>', "a grading file other than the lab's (or the assignment's) grading.json")
    .option('--hide <dir...>', 'more folders the programs must not read (tokens, keys)')
    .option('--sandbox <kind>', `where programs run: ${SANDBOX_MODES.join(', ')} (see below)`, sandboxMode, 'auto')
    .addHelpText('after', EXAMPLES)
    // commander's own refusals (a bad flag value, an unknown flag, no folder) are bad usage too: 2, not its 1.
    .exitOverride((error) => process.exit(error.exitCode === 1 ? 2 : error.exitCode))
    .action(async (submissions: string, options: GradeCommandOptions, command: Command) => {
      if (!options.lab && !options.assignment) command.error('error: say what to grade against: --lab <id> (or --assignment <dir>)', { exitCode: 2 });
      if (options.lab && options.assignment) command.error('error: --lab and --assignment exclude each other', { exitCode: 2 });
      const { runGradeCommand } = await import('../grade-run.ts');
      process.exitCode = await runGradeCommand(path.resolve(submissions), options, (message) => command.error(`error: ${message}`, { exitCode: 2 }));
    });
}
