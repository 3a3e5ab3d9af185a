// Step 2: a 3 MB file through a topic whose records hold 1 MB at most — in chunks of 256 KiB, all
// under one key (the file's name: one partition, so they stay in order), each with a header
// chunk "i/n", the last one with the whole file's SHA-256 for the receiver to check.
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
  const headers: Record<string, string> = { chunk: `${i}/${count}` };
  if (i === count - 1) headers.sha256 = sha256;
  await producer.send({ topic: 'files', messages: [{ key: 'big-file.bin', value: file.subarray(i * CHUNK, (i + 1) * CHUNK), headers }] });
  console.log(`sent chunk ${i + 1} of ${count}`);
}
console.log(`big-file.bin: ${file.length} bytes, sha256 ${sha256}`);
await producer.disconnect();
