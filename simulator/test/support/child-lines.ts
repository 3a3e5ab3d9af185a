// A long-running client subprocess (a kafka-python group member, a `kcat -G` consumer) whose output
// a test reads as it comes: each stdout or stderr line may become an event, and the test waits for
// the events it needs instead of sleeping. Killed with a signal, as a crashed client would be.

import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ChildOptions<E> {
  env?: Record<string, string>;
  /** An event from a stdout line, or null to ignore the line. */
  stdout?: (line: string) => E | null;
  /** An event from a stderr line, or null to ignore the line. */
  stderr?: (line: string) => E | null;
}

const running = new Set<LineChild<unknown>>();

export class LineChild<E> {
  readonly events: E[] = [];
  /** The last lines of stderr, for failure messages. */
  private stderrTail: string[] = [];
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly process: ChildProcess;
  private readonly wake = new Set<() => void>();
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: ChildOptions<E> = {},
  ) {
    this.process = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this as LineChild<unknown>);
    readline.createInterface({ input: this.process.stdout! }).on('line', (line) => this.push(options.stdout?.(line) ?? null));
    readline.createInterface({ input: this.process.stderr! }).on('line', (line) => {
      this.stderrTail = [...this.stderrTail.slice(-40), line];
      this.push(options.stderr?.(line) ?? null);
    });
    this.exited = new Promise((resolve) => {
      this.process.on('error', (error) => {
        this.stderrTail.push(String(error));
        this.exit = { code: null, signal: null };
        running.delete(this as LineChild<unknown>);
        this.notify();
        resolve();
      });
      this.process.on('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(this as LineChild<unknown>);
        this.notify();
        resolve();
      });
    });
  }

  private push(event: E | null) {
    if (event === null) return;
    this.events.push(event);
    this.notify();
  }

  private notify() {
    for (const wake of [...this.wake]) wake();
  }

  /**
   * Resolves with the first truthy value `check` returns over the events so far, re-checked after
   * every new event; rejects when the child exits first or the deadline passes.
   */
  waitFor<T>(check: (events: E[]) => T | null | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(attempt);
      };
      const fail = (why: string) => {
        done();
        const lastEvents = this.events.slice(-5).map((e) => JSON.stringify(e));
        reject(new Error(`${this.name}: ${why} waiting for ${what}\nlast events:\n${lastEvents.join('\n')}\nlast stderr:\n${this.stderrTail.join('\n')}`));
      };
      const attempt = () => {
        const value = check(this.events);
        if (value) {
          done();
          resolve(value);
        } else if (this.exit) {
          fail(`exited (code ${this.exit.code}, signal ${this.exit.signal})`);
        }
      };
      const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
      this.wake.add(attempt);
      attempt();
    });
  }

  /** Sends a signal and waits for the process to go. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.exit) this.process.kill(signal);
    await this.exited;
  }
}

/** Kills every child still running (for afterEach). */
export async function killChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.kill('SIGKILL')));
}
