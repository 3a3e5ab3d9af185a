// Reads data/squid_tweets.csv into objects shaped like schemas/squid_tweets.avsc: what pandas'
// read_csv does for the course notebook. Given, not part of the exercise.
import fs from 'node:fs';

export interface Tweet {
  user_name: string;
  user_location: string | null;
  user_description: string | null;
  /** Milliseconds since the epoch (timestamp-millis). */
  user_created: number;
  user_followers: number;
  user_friends: number;
  user_favourites: number;
  user_verified: boolean;
  date: number;
  text: string;
  source: string | null;
  is_retweet: boolean;
}

/** The rows of a CSV file (RFC 4180: quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field: string;
    if (text[i] === '"') {
      // A quoted field runs to the next quote not doubled.
      let end = i + 1;
      let value = '';
      for (;;) {
        const quote = text.indexOf('"', end);
        if (quote === -1) throw new Error('unterminated quoted field');
        value += text.slice(end, quote);
        if (text[quote + 1] !== '"') {
          end = quote + 1;
          break;
        }
        value += '"';
        end = quote + 2;
      }
      field = value;
      i = end;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      field = text.slice(i, end);
      i = end;
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n' || i >= text.length) {
      rows.push(row);
      row = [];
      i++;
    }
  }
  return rows;
}

const timestamp = (text: string) => Date.parse(text.replace(' ', 'T'));
const orNull = (text: string) => (text === '' ? null : text);

export function readTweets(file: string): Tweet[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
  return rows.map((values) => {
    const r = Object.fromEntries(header.map((name, i) => [name, values[i] ?? '']));
    return {
      user_name: r.user_name,
      user_location: orNull(r.user_location),
      user_description: orNull(r.user_description),
      user_created: timestamp(r.user_created),
      user_followers: Number(r.user_followers),
      user_friends: Number(r.user_friends),
      user_favourites: Number(r.user_favourites),
      user_verified: r.user_verified === 'True',
      date: timestamp(r.date),
      text: r.text,
      source: orNull(r.source),
      is_retweet: r.is_retweet === 'True',
    };
  });
}
