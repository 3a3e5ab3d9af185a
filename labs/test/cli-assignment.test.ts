// `kafka-lab assignment` as a TA types it: help for every subcommand, one-line errors with exit
// code 1 for bad flags and bad files, init's report, and export, verify and status on a dir a real
// server filled.

import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAssignmentServer } from '../../grader/assignment/index.ts';
import { firstTransactions, quietKafka, runGroup, until } from '../../grader/assignment/test/support/class.ts';
import { runCli } from './support/cli.ts';
import { temporaryDir } from './support/tiny-lab.ts';

async function cli(args: string[], input?: string) {
  const child = runCli(args, {}, input);
  const exit = await child.exit(60_000);
  return { code: exit.code, stdout: child.stdout.join('\n'), stderr: child.stderr.filter(Boolean) };
}

describe('kafka-lab assignment', { timeout: 120_000 }, () => {
  const state = {} as { dir: string; groups: string; classDir: string };
  beforeAll(async () => {
    state.dir = temporaryDir('cli-assignment');
    state.groups = path.join(state.dir, 'groups.csv');
    fs.writeFileSync(state.groups, 'group,members\nAlpha,Ann <ann@x.org>;bob@x.org\nBeta,Carol\n');
    state.classDir = path.join(state.dir, 'class');
    const init = await cli(['assignment', 'init', state.classDir, '--groups', state.groups, '--seed', 'cli', '--rate', '100/s']);
    expect(init.code).toBe(0);
    // A real server fills the store: Alpha verifies 3 transactions.
    const server = await startAssignmentServer({ dir: state.classDir });
    try {
      await until(() => server.scoreboard().transactions.produced >= 3, 'transactions');
      await runGroup(quietKafka(server.bootstrapServers), server.config.groups[0], { kind: 'correct' }, firstTransactions(server.config, 3), server.config.groups);
      await until(() => server.scoreboard().groups[0].accepted === 3, 'the verdicts');
    } finally {
      await server.stop();
    }
  });

  it('explains every subcommand and its flags in --help, with the codes', async () => {
    const top = await cli(['assignment', '--help']);
    expect(top.code).toBe(0);
    for (const sub of ['init', 'serve', 'status', 'export', 'verify']) expect(top.stdout).toMatch(new RegExp(`^\\s+${sub}\\b`, 'm'));
    expect(top.stdout).toContain('409 duplicate (already accepted)');
    for (const [sub, flag] of [['init', '--groups <file>'], ['serve', '--bootstrap <servers>'], ['status', '--once'], ['export', '--format <format>'], ['verify', '[lines...]']]) {
      const help = await cli(['assignment', sub, '--help']);
      expect(help.code, sub).toBe(0);
      expect(help.stdout, sub).toContain(flag);
    }
  });

  it('refuses bad flags and bad files in one line, exit code 1', async () => {
    const cases: [string[], RegExp][] = [
      [['assignment', 'init', path.join(state.dir, 'x')], /required option '-g, --groups <file>' not specified/],
      [['assignment', 'init', path.join(state.dir, 'x'), '--groups', path.join(state.dir, 'none.csv')], /^error: cannot read .*none\.csv: ENOENT$/],
      [['assignment', 'init', path.join(state.dir, 'x'), '--groups', state.groups, '--rate', 'fast'], /--rate <n\/s>.*Expected a rate per second/],
      [['assignment', 'init', path.join(state.dir, 'x'), '--groups', state.groups, '--deadline', 'friday'], /--deadline <date>.*Expected a date like 2026-12-01/],
      [['assignment', 'serve', path.join(state.dir, 'nothing-here')], /is not an assignment: no assignment\.json/],
      [['assignment', 'serve', state.classDir, '--bootstrap', 'kafka'], /--bootstrap <servers>.*Expected host:port/],
      [['assignment', 'export', state.classDir, '--format', 'xlsx'], /--format must be one of csv, gradescope, json, not xlsx/],
      [['assignment', 'export', state.classDir, '--target', '5'], /--target caps Gradescope scores/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stderr, args.join(' ')).toHaveLength(1);
      expect(result.stderr[0], args.join(' ')).toMatch(message);
    }
    const bad = path.join(state.dir, 'bad.csv');
    fs.writeFileSync(bad, 'Alpha,a@x.org\n,b@x.org\nGamma\n');
    const result = await cli(['assignment', 'init', path.join(state.dir, 'y'), '--groups', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([`error: ${bad}: line 2: the group has no name (the first column)`, `error: ${bad}: line 3: group "Gamma" has no members (list them after the name, in columns or separated by ;)`]);
  });

  it('init says what it made, and run again keeps the tokens', async () => {
    const before = JSON.parse(fs.readFileSync(path.join(state.classDir, 'assignment.json'), 'utf8'));
    fs.appendFileSync(state.groups, 'Gamma,dave@x.org\n');
    const again = await cli(['assignment', 'init', state.classDir, '--groups', state.groups]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/assignment [0-9a-f]{8} updated in .*: 1 group\(s\) added, 2 kept, 3 in all/);
    expect(again.stdout).toContain('handouts/<vid>.txt and .json');
    const after = JSON.parse(fs.readFileSync(path.join(state.classDir, 'assignment.json'), 'utf8'));
    expect(after.groups.slice(0, 2).map((g: { token: string }) => g.token)).toEqual(before.groups.map((g: { token: string }) => g.token));
    expect(fs.existsSync(path.join(state.classDir, 'handouts', 'v003.json'))).toBe(true);
  });

  it('exports, verifies the exported proof (and refuses a forged one), and prints the status table', async () => {
    const out = path.join(state.dir, 'grades.csv');
    const exported = await cli(['assignment', 'export', state.classDir, '--format', 'csv', '--out', out]);
    expect(exported.code).toBe(0);
    expect(exported.stderr[0]).toMatch(/group\(s\) exported to .*grades\.csv \(csv\)/);
    const [header, alpha] = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('group,vid,members,submitted,accepted,refused,first_success,last_seen,proof_timestamp,proof_txid,proof_checksum');
    const cells = alpha.split(',');
    expect(cells.slice(0, 6)).toEqual(['Alpha', 'v001', 'Ann <ann@x.org>; bob@x.org', '3', '3', '0']);
    const proof = cells.slice(8).join(',').replace(/^(\d+),/, `$1,v001,`);

    const valid = await cli(['assignment', 'verify', state.classDir, proof]);
    expect(valid).toMatchObject({ code: 0 });
    expect(valid.stdout).toMatch(/^valid: v001 \(Alpha\) had tx-[0-9a-f]{12} accepted at /);
    const forged = await cli(['assignment', 'verify', state.classDir, proof.replace(/.{4}$/, '0000')]);
    expect(forged.code).toBe(1);
    expect(forged.stdout).toMatch(/^FORGED: the checksum is not this server's/);
    const fromStdin = await cli(['assignment', 'verify', state.classDir], `timestamp,vid,txid,checksum\n${proof}\nnot a proof\n`);
    expect(fromStdin.code).toBe(1);
    expect(fromStdin.stdout.split('\n')).toEqual([expect.stringMatching(/^valid: /), 'not a proof line (timestamp,vid,txid,checksum): expected 4 fields, timestamp,vid,txid,checksum; got 3']);

    const gradescope = await cli(['assignment', 'export', state.classDir, '--format', 'gradescope']);
    expect(gradescope.stdout.split('\n').slice(0, 3)).toEqual(['Name,Email,Score,Group,Vid', 'Ann,ann@x.org,3,Alpha,v001', 'bob@x.org,bob@x.org,3,Alpha,v001']);
    expect(gradescope.stderr.join('\n')).toContain('member "Carol" has no e-mail address');

    const status = await cli(['assignment', 'status', state.classDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/server: not running \(stopped cleanly\)/);
    expect(status.stdout).toMatch(/^\s+1 Alpha\s+v001\s+3\s+3 0/m);
    expect(status.stdout.split('\n').every((line) => line.length <= 80)).toBe(true);
  });
});
