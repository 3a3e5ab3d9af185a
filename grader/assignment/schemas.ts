// The assignment's Avro types, from the course's schemas/ folder: transactions the server produces,
// submissions it reads, results it answers with. Values are the schemaless Avro encoding (no
// container, no registry header), as the course's notebooks write them.

import path from 'node:path';
import type avro from 'avsc';
import { COURSE_SCHEMAS_DIR, parseSchemaFile } from '../../labs/checks/avro-schemas.ts';
import type { Transaction } from './signature.ts';

export interface Submission {
  vid: string;
  txid: string;
  signature: string;
}

export interface Result {
  vid: string;
  txid: string;
  code: number;
  checksum: string;
  timestamp: number;
}

const load = (file: string): avro.Type => parseSchemaFile(path.join(COURSE_SCHEMAS_DIR, file));

export const transactionType = load('transaction.avsc');
export const submitType = load('submit.avsc');
export const resultType = load('result.avsc');

export const encodeTransaction = (tx: Transaction): Buffer => transactionType.toBuffer(tx);
export const encodeResult = (result: Result): Buffer => resultType.toBuffer(result);
export const decodeResult = (value: Buffer): Result => resultType.fromBuffer(value) as Result;
export const encodeSubmission = (submission: Submission): Buffer => submitType.toBuffer(submission);
