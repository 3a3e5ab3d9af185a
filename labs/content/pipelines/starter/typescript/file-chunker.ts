// Step 2: a 3 MB file through a topic whose records hold 1 MB at most — in chunks of 256 KiB, all
// under one key (the file's name), each with a header chunk "i/n", the last one with the SHA-256.
//   node pipelines/typescript/file-chunker.ts
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { bootstrapServers, inWorkspace } from './workspace.ts';

const CHUNK = 256 * 1024;
const file = fs.readFileSync(inWorkspace('data', 'big-file.bin'));
const sha256 = crypto.createHash('sha256').update(file).digest('hex');
const count = Math.ceil(file.length / CHUNK);

const kafka = new Kafka({ clientId: 'file-chunker', brokers: bootstrapServers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
await producer.connect();
for (let i = 0; i < count; i++) {
  // TODO: send chunk i (file.subarray(i * CHUNK, (i + 1) * CHUNK)) to the topic files, keyed
  //       'big-file.bin', with headers { chunk: `${i}/${count}` } and, on the last, sha256.
}
await producer.disconnect();
