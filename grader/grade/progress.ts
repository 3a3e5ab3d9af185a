// The progress line of a grading run on stderr: a bar of submissions done, how many failed to
// grade, the one in progress, and the time left at the pace so far. Redrawn in place on a
// terminal; on a pipe (CI, logs) one plain line per finished submission instead. NO_COLOR-safe:
// it uses no colour at all.

import type { ProgressEvent } from './class-run.ts';

export class ProgressBar {
  private total = 0;
  private done_ = 0;
  private failed = 0;
  private resumed = 0;
  private readonly running = new Set<string>();
  private readonly started = Date.now();
  private gradedMs = 0;
  private graded = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  private get live() {
    return this.out.isTTY === true;
  }

  update(event: ProgressEvent): void {
    if (event.type === 'planned') {
      this.total = event.total;
      this.resumed = event.resumed;
    } else if (event.type === 'started') {
      this.running.add(event.id);
    } else {
      this.running.delete(event.result.id);
      this.done_++;
      if (event.result.status !== 'graded') this.failed++;
      if (!event.resumed) {
        this.graded++;
        this.gradedMs = Date.now() - this.started;
      }
      if (!this.live) {
        const r = event.result;
        this.out.write(`[${this.done_}/${this.total}] ${r.id}: ${r.status === 'graded' ? `${r.score}/${r.maxScore}` : 'could not be graded'}${event.resumed ? ' (resumed)' : ''}\n`);
      }
    }
    if (this.live) this.draw();
  }

  line(width = Math.min(this.out.columns ?? 80, 80)): string {
    const left = this.total - this.done_;
    const pace = this.graded > 0 ? this.gradedMs / this.graded : undefined;
    const eta = pace === undefined ? '' : ` ETA ${formatDuration((left * pace) / Math.max(1, this.running.size || 1))}`;
    const text = ` ${this.done_}/${this.total} done, ${this.failed} failed${eta}${this.running.size ? ` · ${[...this.running].join(', ')}` : ''}`;
    const barWidth = 20;
    const filled = this.total ? Math.round((this.done_ / this.total) * barWidth) : 0;
    return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${text}`.slice(0, width - 1);
  }

  private draw(): void {
    this.out.write(`\r\x1b[2K${this.line()}`);
  }

  done(): void {
    if (this.live && this.total > 0) this.out.write(`\r\x1b[2K${this.line()}\n`);
  }
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
