// Step 1: one event to bytes and back, then 100 events in the container file events.avro.
//   node avro/typescript/events-file.ts
import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import avro from 'avsc';
import { loadType } from './schemas.ts';
import { inWorkspace } from './workspace.ts';

const type = loadType('sample.avsc');

// 1. In memory.
const event = { key: 'key-0', value: 'message #0 from producer-0', timestamp: Date.now() };
const bytes = type.toBuffer(event);
console.log(`${Buffer.byteLength(JSON.stringify(event))} bytes as JSON, ${bytes.length} bytes as Avro: ${bytes.toString('hex')}`);
console.log('decoded:', type.fromBuffer(bytes));

// 2. A container file: the schema first, then blocks of records.
const file = inWorkspace('events.avro');
const out = fs.createWriteStream(file);
const encoder = new avro.streams.BlockEncoder(type);
encoder.pipe(out);
for (let i = 0; i < 100; i++) encoder.write({ key: `key-${i}`, value: `message #${i} from producer-0`, timestamp: Date.now() });
encoder.end();
await finished(out);

let read = 0;
await new Promise<void>((resolve, reject) => {
  avro
    .createFileDecoder(file)
    .on('data', () => read++)
    .on('error', reject)
    .on('end', () => resolve());
});
console.log(`${file}: ${fs.statSync(file).size} bytes, ${read} events read back`);
