// Runs the real `kafka-lab` command, from its sources (labs/cli/bin.ts through tsx), as a child
// process and watches its output line by line, so tests wait for what it prints, with deadlines
// instead of sleeps. The compiled command is proven by labs/test/package.test.ts.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

/** The command line of `kafka-lab` from the sources, from any working directory: node, tsx, bin.ts. */
export const CLI: readonly string[] = [
  process.execPath,
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  fileURLToPath(new URL('../../cli/bin.ts', import.meta.url)),
];

/** CLI as one line for a shell. */
export const CLI_SHELL = CLI.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class CliProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  /** Set once the process has exited and its output is fully read: nothing more will come. */
  private result: Exit | undefined;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  /** `input`, when given, is written to the program's stdin, which is then closed. */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
    this.child = spawn(CLI[0], [...CLI.slice(1), ...args], {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    if (input !== undefined) this.child.stdin!.end(input);
    this.collect(this.child.stdout!, this.stdout);
    this.collect(this.child.stderr!, this.stderr);
    this.child.once('close', (code, signal) => {
      this.result = { code, signal };
      this.wake();
    });
  }

  get running(): boolean {
    return this.result === undefined;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The first stdout line matching `pattern`, waiting for it until `timeoutMs`. */
  line(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return this.until(() => this.stdout.find((l) => pattern.test(l)), `a stdout line matching ${pattern}`, timeoutMs);
  }

  /** The broker addresses from the `bootstrap=` line. */
  async bootstrap(timeoutMs = 15_000): Promise<string[]> {
    const line = await this.line(/^bootstrap=/, timeoutMs);
    return line.slice('bootstrap='.length).split(',');
  }

  /** Waits for the process to end and its output to be read, failing after `timeoutMs`. */
  exit(timeoutMs = 15_000): Promise<Exit> {
    return this.until(() => this.result, 'the process to exit', timeoutMs);
  }

  private async until<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.result) {
        const output = `stdout: ${JSON.stringify(this.stdout)} stderr: ${JSON.stringify(this.stderr)}`;
        throw new Error(`${this.result ? 'the process ended' : 'timed out'} before ${what}; ${output}`);
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, left);
        this.waiters.add(done);
      });
    }
  }

  private collect(stream: NodeJS.ReadableStream, lines: string[]): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
      this.wake();
    });
    stream.on('end', () => {
      if (partial) lines.push(partial);
      partial = '';
      this.wake();
    });
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}

const started = new Set<CliProcess>();

/** Starts `kafka-lab <args>`; whatever a test leaves running is killed after it. */
export function runCli(args: string[], env?: NodeJS.ProcessEnv, input?: string): CliProcess {
  const cli = new CliProcess(args, env, input);
  started.add(cli);
  return cli;
}

afterEach(async () => {
  for (const cli of started) {
    if (cli.running) cli.kill('SIGKILL');
    await cli.exit();
  }
  started.clear();
});
