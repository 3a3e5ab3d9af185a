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
  // TODO: pipe a BlockEncoder for `type` with this codec into a write stream of `file`, write
  //       every tweet, end the encoder and wait until the file is written.
}

await writeContainer(inWorkspace('tweets.avro'), 'null');
await writeContainer(inWorkspace('tweets-deflate.avro'), 'deflate');

// TODO: print the size of the CSV and of both Avro files, in MB.
