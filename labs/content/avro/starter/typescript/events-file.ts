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
// TODO: encode `event` with type.toBuffer, print its size next to the JSON's, decode it with
//       type.fromBuffer and print the result.

// 2. A container file: the schema first, then blocks of records.
const file = inWorkspace('events.avro');
const out = fs.createWriteStream(file);
const encoder = new avro.streams.BlockEncoder(type);
encoder.pipe(out);
// TODO: write 100 events { key: `key-${i}`, value: `message #${i} from producer-0`, timestamp } to
//       the encoder, then end it.
encoder.end();
await finished(out);
// TODO: read the file back with avro.createFileDecoder(file) and count the events.
