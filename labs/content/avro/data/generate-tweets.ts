// A synthetic stand-in for the course's dataset of 80,019 tweets about Squid Game, written as the CSV
// pandas would write (same columns, ISO dates with +00:00, True/False). Deterministic: one seed, so
// every student gets the same file and the same sizes, without downloading anything.
//
// Its sizes come close to the course's: about 25 MB as CSV, 20.5 MB as an Avro container file and
// 11.5 MB with deflate.

import fs from 'node:fs';

export const TWEETS = 80_019;
const SEED = 20211017;

/** mulberry32: small, fast, and the same numbers on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a to and of is in it you i this that for on my with be so just not all are have but game was me ' +
  'squid squidgame netflix watch watching watched show series episode season korean kdrama drama ' +
  'gi-hun sang-woo sae-byeok ali il-nam front-man player 456 red light green doll marbles glass bridge ' +
  'tug of war dalgona honeycomb umbrella circle triangle star vip guards masks money prize won billion ' +
  'omg wow love loved hate best worst ever crazy insane amazing ending finale twist cried crying heart ' +
  'broke literally honestly everyone anyone someone nobody really still cannot believe again tonight ' +
  'today yesterday week weekend binge binged finished started recommend must worth hype overrated ' +
  'underrated actor actress cast director hwang dong-hyuk lee jung-jae park hae-soo jung ho-yeon ' +
  'wi ha-joon oh yeong-su anupam tripathi costume halloween tracksuit green pink soldiers coffin ' +
  'debt survival capitalism society rich poor metaphor theory fans memes meme viral trend tiktok ' +
  'challenge record views streamed number one top ten global world country us uk india brazil korea'
).split(' ');
const TAGS = ['#SquidGame', '#Netflix', '#squidgame', '#SquidGameNetflix', '#오징어게임', '#KDrama', '#Halloween', '#RedLightGreenLight', '#Dalgona', '#Player456'];
const PLACES = [
  'Mumbai, India', 'Los Angeles, CA', 'London, England', 'Seoul, Republic of Korea', 'New York, NY', 'Lagos, Nigeria',
  'Jakarta, Indonesia', 'São Paulo, Brasil', 'Manila, Philippines', 'Toronto, Ontario', 'Paris, France', 'Nairobi, Kenya',
  'Kuala Lumpur, Malaysia', 'Mexico City', 'Bangkok, Thailand', 'Sydney, New South Wales', 'Dubai', 'Texas, USA',
  'Karachi, Pakistan', 'Johannesburg, South Africa', 'Berlin, Germany', 'Madrid, España', 'Istanbul', 'Earth', 'she/her',
  'Florida', 'California, USA', 'Delhi', 'Chennai, India', 'Lima, Peru', 'Bogotá, Colombia', 'Buenos Aires, Argentina',
];
const SOURCES = ['Twitter for Android', 'Twitter for iPhone', 'Twitter Web App', 'Twitter for iPad', 'TweetDeck', 'Hootsuite Inc.', 'Instagram'];
const EMOJI = ['😭', '😂', '🔥', '❤️', '🦑', '💀', '👀', '🙏', '😍', '🟢', '🔴'];
const SYLLABLES = 'ka ri mo na lu te si vo da ne pa zu shi ro mi ya ja el an on ar is ta ke ben li sa'.split(' ');

export async function writeTweetsCsv(file: string, count = TWEETS): Promise<void> {
  const next = random(SEED);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  // Word frequencies fall off like natural text's: a few words are everywhere, most are rare.
  // Many words are not in any list (names, slang, Korean in Hangul): real tweets are not that repetitive,
  // and this is what makes deflate save about as much here as on the real dataset.
  const hangul = () => Array.from({ length: int(2, 4) }, () => String.fromCharCode(0xac00 + int(0, 11171))).join('');
  const coined = () => (next() < 0.55 ? hangul() : Array.from({ length: int(1, 3) }, () => pick(SYLLABLES)).join(''));
  const word = () => (next() < 0.55 ? WORDS[Math.floor(WORDS.length * next() ** 2.2)] : coined());
  const sentence = (min: number, max: number) => Array.from({ length: int(min, max) }, word).join(' ');
  const code = (length: number) => Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[int(0, 61)]).join('');
  const name = () => {
    const base = Array.from({ length: int(2, 4) }, () => pick(SYLLABLES)).join('');
    const styled = next() < 0.5 ? base[0].toUpperCase() + base.slice(1) : base;
    return next() < 0.3 ? `${styled}${int(1, 9999)}` : next() < 0.1 ? `${styled} ${pick(EMOJI)}` : styled;
  };
  const time = (from: number, to: number) => new Date(from + Math.floor(next() * (to - from)));
  const formatted = (date: Date) => `${date.toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
  const followers = () => Math.floor(Math.exp(next() * 11));

  const out = fs.createWriteStream(file);
  const write = (line: string) => (out.write(line) ? undefined : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  await write('user_name,user_location,user_description,user_created,user_followers,user_friends,user_favourites,user_verified,date,text,source,is_retweet\n');
  const start = Date.UTC(2021, 8, 17);
  for (let i = 0; i < count; i++) {
    const text = [
      next() < 0.3 ? `@${name().replace(/\W/g, '')}` : '',
      sentence(6, 18),
      next() < 0.4 ? pick(EMOJI) : '',
      next() < 0.15 ? `\n${sentence(3, 10)}` : '',
      next() < 0.7 ? Array.from({ length: int(1, 3) }, () => pick(TAGS)).join(' ') : '',
      next() < 0.7 ? `https://t.co/${code(10)}` : '',
      next() < 0.2 ? `https://t.co/${code(10)}` : '',
    ].filter(Boolean).join(' ');
    const row = [
      name(),
      next() < 0.32 ? '' : pick(PLACES),
      next() < 0.12 ? '' : `${sentence(4, 20)}${next() < 0.1 ? ` https://t.co/${code(10)}` : ''}`,
      formatted(time(Date.UTC(2008, 0, 1), Date.UTC(2021, 9, 1))),
      followers(),
      Math.floor(Math.exp(next() * 8)),
      Math.floor(Math.exp(next() * 10)),
      next() < 0.01 ? 'True' : 'False',
      formatted(time(start, start + 28 * 24 * 3600 * 1000)),
      text,
      pick(SOURCES),
      'False',
    ];
    const pending = write(`${row.map(csvField).join(',')}\n`);
    if (pending) await pending;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

/** Quoted only when it must be, as pandas' to_csv does. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export default writeTweetsCsv;
