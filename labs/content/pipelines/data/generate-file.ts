// The "large file" of the chunking step: 3 MB of bytes made from a seed (SHA-256 in counter mode),
// the same for every student, too large for one Kafka record (max.message.bytes is about 1 MB).

import crypto from 'node:crypto';
import fs from 'node:fs';

export const FILE_BYTES = 3_000_000;

export default async function generateFile(file: string): Promise<void> {
  const blocks: Buffer[] = [];
  for (let i = 0; i * 32 < FILE_BYTES; i++) blocks.push(crypto.createHash('sha256').update(`kafka-lab big file ${i}`).digest());
  await fs.promises.writeFile(file, Buffer.concat(blocks).subarray(0, FILE_BYTES));
}
