// Step 7: a consumer in the group sensor-filewriter that appends each reading to sensor.log and
// stops after 100 records.
//   node producer-consumer/typescript/file-writer.ts
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers, inWorkspace } from './workspace.ts';

const LIMIT = 100;

class FileWriter {
  readonly path: string;
  lines = 0;

  constructor(path: string) {
    this.path = path;
    // TODO: open the file for appending.
  }

  write(line: string): void {
    // TODO: append the line and a newline; count it.
  }

  close(): void {
    // TODO
  }
}

const kafka = new Kafka({ clientId: 'file-writer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const writer = new FileWriter(inWorkspace('sensor.log'));
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();

// TODO: a consumer in the group 'sensor-filewriter' reading 'data' from the beginning; write each
//       value to the FileWriter; after LIMIT records pause the topic and finish().

await finished;
writer.close();
console.log(`wrote ${writer.lines} readings to ${writer.path}`);
