// The command line's usage. `kafka-lab grade`'s usage errors as the README promises them: one
// line on stderr and exit code 2, whether commander refuses the command line (a bad flag value,
// an unknown flag, no folder) or the command does (nothing to grade against); --help is no error.
// And every command's --help fits in 80 columns. Grading itself: grader/test/grade-class.test.ts.

import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.ts';

describe('kafka-lab grade on a bad command line', () => {
  it.each([
    [['grade', 'subs', '--lab', 'avro', '--sandbox', 'box'], /^error: option '--sandbox <kind>' argument 'box' is invalid\. Expected one of auto, container, namespaces, limits\.$/],
    [['grade', 'subs', '--lab', 'avro', '--jobs', '0'], /^error: option '-j, --jobs <n>' argument '0' is invalid\. Expected a whole number from 1 to 64\.$/],
    [['grade', 'subs', '--lab', 'avro', '--bogus'], /^error: unknown option '--bogus'/],
    [['grade'], /^error: missing required argument 'submissions'$/],
    [['grade', 'subs'], /^error: say what to grade against: --lab <id> \(or --assignment <dir>\)$/],
  ])('%j exits 2 with one line saying why', async (args, line) => {
    const cli = runCli(args);
    expect((await cli.exit(60_000)).code).toBe(2);
    expect(cli.stderr).toHaveLength(1);
    expect(cli.stderr[0]).toMatch(line);
  });

  it('exits 0 on --help, which explains every sandbox', async () => {
    const cli = runCli(['grade', '--help']);
    expect((await cli.exit(60_000)).code).toBe(0);
    expect(cli.stdout.join('\n')).toMatch(/auto {8}a container when podman or docker answers/);
  });
});

describe('every --help', () => {
  const COMMANDS = [[], ['broker'], ['chaos'], ['lab'], ['init'], ['check'], ['grade'], ['assignment'], ...['init', 'serve', 'status', 'export', 'verify'].map((c) => ['assignment', c])];
  it.each(COMMANDS)('of kafka-lab %s fits in 80 columns, with no colour when NO_COLOR is set', async (...command) => {
    const cli = runCli([...command, '--help'], { NO_COLOR: '1' });
    expect((await cli.exit(60_000)).code).toBe(0);
    expect(cli.stdout.length).toBeGreaterThan(3);
    expect(cli.stdout.filter((line) => [...line].length > 80)).toEqual([]);
    expect(cli.stdout.join('\n')).not.toMatch(/\x1b\[/);
  });
});
