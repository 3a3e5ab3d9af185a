// The worker thread in which a cluster checks compressed produced batches (record-validation.ts):
// one request at a time per message, many at once, each answered with its summary or its error.

import { parentPort } from 'node:worker_threads';
import { validateRecords, type WorkerAnswer, type WorkerRequest } from './record-validation.ts';

parentPort!.on('message', async ({ id, codec, payload, recordCount, timestampDeltas, limit }: WorkerRequest) => {
  let answer: WorkerAnswer;
  try {
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    answer = { id, summary: await validateRecords({ codec, payload: bytes, recordCount, timestampDeltas }, limit) };
  } catch (error) {
    answer = { id, error: { name: (error as Error).name, message: (error as Error).message } };
  }
  parentPort!.postMessage(answer);
});
