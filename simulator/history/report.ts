// The history checker's report as text: the verdict, a line of totals, and a table of what was
// found, fitted to a width (80 columns by default). Colour only marks what the words already say,
// so NO_COLOR output reads the same.

import type { Finding, FindingKind, HistoryReport } from './history.ts';
import { shown } from './history.ts';

export interface FormatOptions {
  /** ANSI colours (default off). `shouldColor(stream)` decides for a terminal. */
  color?: boolean;
  width?: number;
  /** Table rows before "… and N more" (default 20). */
  maxRows?: number;
}

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const KIND_COLOR: Record<FindingKind, string> = { lost: ANSI.red, skipped: ANSI.red, reordered: ANSI.red, 'read-truncated': ANSI.red, duplicate: ANSI.yellow };

/** Colour for a stream: a terminal, and NO_COLOR unset or empty (https://no-color.org). */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** Cuts `text` to `width` characters, marking the cut with "…". */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** topic[partition]@offset, shortening the topic (never the partition or offset) to fit. */
function where(f: Finding, width: number): string {
  const tail = `[${f.partition}]@${f.offset}`;
  return `${fit(f.topic, width - tail.length)}${tail}`;
}

export function totalsLine(report: HistoryReport): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const duplicates = report.counts.duplicate > 0 ? `, ${count(report.counts.duplicate, 'duplicate')}` : '';
  return `${count(report.acknowledged, 'write')} acknowledged, ${count(report.consumed, 'record')} read${duplicates}, on ${count(report.partitions, 'partition')}`;
}

/** A detail's clauses ("a; b; c") on as many lines of `width` as they need. */
function wrapDetail(detail: string, width: number): string[] {
  const lines: string[] = [];
  for (const clause of detail.split('; ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 2 + clause.length <= width) lines[lines.length - 1] = `${last}; ${clause}`;
    else lines.push(fit(clause, width));
  }
  return lines.length > 0 ? lines : [''];
}

/** The verdict, the totals, and (when something was found) the table. */
export function formatReport(report: HistoryReport, { color = false, width = 80, maxRows = 20 }: FormatOptions = {}): string {
  const paint = (code: string, text: string) => (color ? `${code}${text}${ANSI.reset}` : text);
  const lines = [paint(report.ok ? ANSI.green : ANSI.red, fit(report.verdict, width)), fit(totalsLine(report), width)];
  if (report.findings.length === 0) return lines.join('\n');

  const kindWidth = 15;
  const whereWidth = Math.min(24, Math.max(12, ...report.findings.map((f) => where(f, 99).length)));
  const valueWidth = 12;
  const detailWidth = Math.max(16, width - kindWidth - whereWidth - valueWidth - 2);
  const row = (kind: string, at: string, value: string, detail: string) => `${kind.padEnd(kindWidth)}${at.padEnd(whereWidth)} ${value.padEnd(valueWidth)} ${detail}`.trimEnd();
  lines.push('', paint(ANSI.bold, row('kind', 'record', 'value', 'what happened')));
  for (const finding of report.findings.slice(0, maxRows)) {
    const [first, ...rest] = wrapDetail(finding.detail, detailWidth);
    const line = row(finding.kind, where(finding, whereWidth), fit(shown(finding.value), valueWidth), first);
    lines.push(color ? `${KIND_COLOR[finding.kind]}${finding.kind}${ANSI.reset}${line.slice(finding.kind.length)}` : line);
    for (const more of rest) lines.push(row('', '', '', more));
  }
  const more = report.findings.length - maxRows;
  if (more > 0) lines.push(paint(ANSI.dim, `… and ${more} more`));
  return lines.join('\n');
}

/** Writes the report to a stream (stdout by default), coloured only where it should be. */
export function printReport(report: HistoryReport, stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number } = process.stdout): void {
  stream.write(`${formatReport(report, { color: shouldColor(stream), width: Math.min(stream.columns ?? 80, 120) })}\n`);
}
