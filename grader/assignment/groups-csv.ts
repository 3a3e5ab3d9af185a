// groups.csv, as a TA writes it: one group per line, its name first and then its members, either
// in further columns or in one column separated by semicolons. A member is a name, an e-mail
// address, or both as `Name <address>`. An optional header row starts with group, name or team;
// lines starting with # and blank lines are skipped. Every problem is reported at once, by line.

import { parse } from 'csv-parse/sync';

export interface Member {
  /** As written in the file. */
  text: string;
  name?: string;
  email?: string;
}

export interface GroupRow {
  name: string;
  members: Member[];
  /** The line in the file, for messages. */
  line: number;
}

export class GroupsFileError extends Error {
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'GroupsFileError';
    this.problems = problems;
  }
}

const HEADER = /^(group|group name|name|team)s?$/i;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const MAX_NAME = 80;

export function parseMember(text: string): Member {
  const bracketed = /^(.*?)\s*<([^<>]+)>$/.exec(text);
  if (bracketed && EMAIL.test(bracketed[2].trim())) return { text, name: bracketed[1].trim() || undefined, email: bracketed[2].trim() };
  if (EMAIL.test(text)) return { text, email: text };
  return { text, name: text };
}

export function parseGroupsCsv(text: string, file = 'groups.csv'): GroupRow[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, comment: '#', comment_no_infix: true, relax_column_count: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof rows;
  } catch (error) {
    throw new GroupsFileError(file, [(error as Error).message.replace(/\s*\n\s*/g, ' ')]);
  }
  const problems: string[] = [];
  const groups: GroupRow[] = [];
  const seen = new Map<string, number>();
  rows.forEach(({ record, info }, index) => {
    const line = info.lines;
    const cells = record.map((c) => c.trim());
    if (cells.every((c) => c === '')) return;
    if (index === 0 && HEADER.test(cells[0])) return;
    const [name, ...rest] = cells;
    const members = rest.flatMap((c) => c.split(';')).map((m) => m.trim()).filter((m) => m !== '').map(parseMember);
    if (name === '') problems.push(`line ${line}: the group has no name (the first column)`);
    else if (name.length > MAX_NAME) problems.push(`line ${line}: the group name is longer than ${MAX_NAME} characters`);
    else if (/[\u0000-\u001f]/.test(name)) problems.push(`line ${line}: the group name holds control characters`);
    if (members.length === 0) problems.push(`line ${line}: group "${name}" has no members (list them after the name, in columns or separated by ;)`);
    const earlier = seen.get(name.toLowerCase());
    if (name !== '' && earlier !== undefined) problems.push(`line ${line}: group "${name}" is already on line ${earlier}`);
    if (name !== '') seen.set(name.toLowerCase(), line);
    groups.push({ name, members, line });
  });
  if (problems.length === 0 && groups.length === 0) problems.push('no groups: write one group per line, its name and then its members');
  if (problems.length > 0) throw new GroupsFileError(file, problems);
  return groups;
}
