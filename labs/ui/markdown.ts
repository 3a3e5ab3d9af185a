// The small markdown of lab texts, laid out for a terminal of a given width: headings, paragraphs,
// lists, quotes, indented and fenced code, `code` and **bold** spans. Fenced blocks tagged with a
// language (```typescript, ```python) show only when the student works in that language, so one
// text serves both. Lines are wrapped here rather than by Ink, so the task panel can scroll by line.

import type { Language } from '../engine/lab-definition.ts';

export interface Segment {
  text: string;
  bold?: boolean;
  code?: boolean;
}

export type Line = Segment[];

const FENCE_LANGUAGES: Record<string, Language> = { typescript: 'typescript', ts: 'typescript', javascript: 'typescript', js: 'typescript', python: 'python', py: 'python' };

export interface LayoutOptions {
  width: number;
  language: Language;
  /** Without colour, code spans keep their backticks so they still stand out. */
  color: boolean;
}

export function layoutMarkdown(markdown: string, { width, language, color }: LayoutOptions): Line[] {
  const lines: Line[] = [];
  const source = markdown.replace(/\r\n/g, '\n').split('\n');
  const blank = () => {
    if (lines.length > 0 && lines[lines.length - 1].length > 0) lines.push([]);
  };
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    lines.push(...wrap(inline(paragraph.join(' '), color), width));
    paragraph = [];
    blank();
  };

  for (let i = 0; i < source.length; i++) {
    const line = source[i];
    const fence = /^```\s*(\S*)/.exec(line);
    if (fence) {
      flush();
      const block: string[] = [];
      for (i++; i < source.length && !source[i].startsWith('```'); i++) block.push(source[i]);
      const only = FENCE_LANGUAGES[fence[1].toLowerCase()];
      if (only && only !== language) continue;
      for (const code of block) lines.push(codeLine(code, width));
      blank();
      continue;
    }
    if (/^( {4}|\t)/.test(line) && paragraph.length === 0) {
      lines.push(codeLine(line.replace(/^( {4}|\t)/, ''), width));
      if (!/^( {4}|\t)/.test(source[i + 1] ?? '')) blank();
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      lines.push(...wrap([{ text: heading[1], bold: true }], width));
      blank();
      continue;
    }
    const item = /^(\s*)([-*]|\d+\.)\s+(.*)$/.exec(line);
    if (item) {
      flush();
      // An item runs on over the indented lines below it.
      let text = item[3];
      while (i + 1 < source.length && /^\s{2,}\S/.test(source[i + 1]) && !/^\s*([-*]|\d+\.)\s/.test(source[i + 1])) text += ` ${source[++i].trim()}`;
      const bullet = /\d/.test(item[2]) ? `${item[2]} ` : '• ';
      const wrapped = wrap(inline(text, color), width - bullet.length);
      wrapped.forEach((l, n) => lines.push([{ text: n === 0 ? bullet : ' '.repeat(bullet.length) }, ...l]));
      if (!/^\s*([-*]|\d+\.)\s/.test(source[i + 1] ?? '')) blank();
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      for (const l of wrap(inline(quote[1], color), width - 2)) lines.push([{ text: '│ ' }, ...l]);
      continue;
    }
    if (line.trim() === '') flush();
    else paragraph.push(line.trim());
  }
  flush();
  while (lines.length > 0 && lines[lines.length - 1].length === 0) lines.pop();
  return lines;
}

function codeLine(text: string, width: number): Line {
  const shown = `  ${text}`;
  return [{ text: shown.length > width ? `${shown.slice(0, width - 1)}…` : shown, code: true }];
}

/** `code` and **bold** spans. */
export function inline(text: string, color: boolean): Segment[] {
  const segments: Segment[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) segments.push({ text: text.slice(last, m.index) });
    if (m[1] !== undefined) segments.push({ text: color ? m[1] : `\`${m[1]}\``, code: true });
    else segments.push({ text: m[2] ?? m[3], bold: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

/** Greedy word wrap of styled text; a word longer than the width is cut. */
export function wrap(segments: Segment[], width: number): Line[] {
  const lines: Line[] = [];
  let line: Line = [];
  let used = 0;
  const push = (segment: Segment) => {
    const previous = line[line.length - 1];
    if (previous && previous.bold === segment.bold && previous.code === segment.code) previous.text += segment.text;
    else line.push({ ...segment });
    used += segment.text.length;
  };
  const newLine = () => {
    const last = line[line.length - 1];
    if (last) last.text = last.text.trimEnd();
    lines.push(line);
    line = [];
    used = 0;
  };
  for (const segment of segments) {
    for (const token of segment.text.split(/(\s+)/)) {
      if (token === '') continue;
      if (/^\s+$/.test(token)) {
        if (used > 0 && used < width) push({ ...segment, text: ' ' });
        continue;
      }
      let word = token;
      if (used > 0 && used + word.length > width) newLine();
      while (word.length > width) {
        push({ ...segment, text: word.slice(0, width) });
        newLine();
        word = word.slice(width);
      }
      push({ ...segment, text: word });
    }
  }
  if (line.length > 0) newLine();
  return lines;
}

/** The plain text of laid-out lines (tests, non-interactive output). */
export const plain = (lines: Line[]) => lines.map((l) => l.map((s) => s.text).join('')).join('\n');
