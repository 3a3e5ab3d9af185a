// Step 7: a consumer in the group sensor-filewriter that appends each reading to sensor.log and
// stops after 100 records.
//   node producer-consumer/typescript/file-writer.ts
import fs from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { bootstrapServers, inWorkspace } from './workspace.ts';

const LIMIT = 100;

class FileWriter {
  readonly path: string;
  private readonly fd: number;
  lines = 0;

  constructor(path: string) {
    this.path = path;
    this.fd = fs.openSync(path, 'a'); // append: a second run adds to what the first wrote
  }

  write(line: string): void {
    fs.writeSync(this.fd, `${line}\n`);
    this.lines++;
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

const kafka = new Kafka({ clientId: 'file-writer', brokers: bootstrapServers, logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId: 'sensor-filewriter' });
const writer = new FileWriter(inWorkspace('sensor.log'));
const { promise: finished, resolve: finish } = Promise.withResolvers<void>();

await consumer.connect();
await consumer.subscribe({ topics: ['data'], fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    writer.write(message.value!.toString());
    if (writer.lines === LIMIT) {
      consumer.pause([{ topic }]);
      finish();
    }
  },
});

await finished;
writer.close();
await consumer.disconnect();
console.log(`wrote ${writer.lines} readings to ${writer.path}`);
