// Step 2: the tweets as CSV, as an Avro container file, and as one with deflate.
//   node avro/typescript/tweets-sizes.ts
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import avro from 'avsc';
import { loadType } from './schemas.ts';
import { readTweets } from './tweets.ts';
import { inWorkspace } from './workspace.ts';

const type = loadType('squid_tweets.avsc');
const csv = inWorkspace('data', 'squid_tweets.csv');
const tweets = readTweets(csv);
console.log(`${tweets.length} tweets read from ${csv}`);

async function writeContainer(file: string, codec: 'null' | 'deflate'): Promise<void> {
  const out = fs.createWriteStream(file);
  const encoder = new avro.streams.BlockEncoder(type, { codec });
  encoder.pipe(out);
  for (const tweet of tweets) encoder.write(tweet);
  encoder.end();
  await finished(out);
}

await writeContainer(inWorkspace('tweets.avro'), 'null');
await writeContainer(inWorkspace('tweets-deflate.avro'), 'deflate');

for (const file of [csv, inWorkspace('tweets.avro'), inWorkspace('tweets-deflate.avro')]) {
  console.log(`${(fs.statSync(file).size / 1e6).toFixed(2).padStart(6)} MB  ${file}`);
}
