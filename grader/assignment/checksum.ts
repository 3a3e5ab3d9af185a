// The checksum on every result: HMAC-SHA256, under the assignment's secret (kept in the state
// dir, never handed out), of the verdict's vid, txid, code and timestamp. Only the server can make
// one, so a student cannot forge an acceptance; `kafka-lab assignment verify` re-checks the proof
// line a student pastes: `timestamp,vid,txid,checksum` of a result with code 200.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { CODES } from './codes.ts';

export interface Verdict {
  vid: string;
  txid: string;
  code: number;
  /** When the server judged the submission, ms since the epoch. */
  timestamp: number;
}

export function resultChecksum(secret: string, { vid, txid, code, timestamp }: Verdict): string {
  return createHmac('sha256', secret).update(JSON.stringify(['kafka-lab-result/1', vid, txid, code, timestamp]), 'utf8').digest('hex');
}

export function checksumMatches(secret: string, verdict: Verdict, checksum: string): boolean {
  const expected = Buffer.from(resultChecksum(secret, verdict));
  const given = Buffer.from(checksum.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What a student pastes (or a lab program writes) for an accepted result. */
export interface ProofLine {
  timestamp: number;
  vid: string;
  txid: string;
  checksum: string;
}

export function formatProofLine({ timestamp, vid, txid, checksum }: ProofLine): string {
  return `${timestamp},${vid},${txid},${checksum}`;
}

/**
 * Reads `timestamp,vid,txid,checksum`: commas, tabs or spaces between the fields (a spreadsheet
 * row pasted), the timestamp in ms since the epoch or as an ISO date. Throws with what is wrong.
 */
export function parseProofLine(line: string): ProofLine {
  const fields = line.trim().split(/\s*[,\t]\s*|\s+/).filter((f) => f !== '');
  if (fields.length !== 4) throw new Error(`expected 4 fields, timestamp,vid,txid,checksum; got ${fields.length}`);
  const [time, vid, txid, checksum] = fields;
  const timestamp = /^\d+$/.test(time) ? Number(time) : Date.parse(time);
  if (!Number.isSafeInteger(timestamp)) throw new Error(`"${time}" is not a timestamp (ms since the epoch, or an ISO date)`);
  if (!/^[0-9a-fA-F]{64}$/.test(checksum)) throw new Error(`the checksum must be 64 hex digits; got ${checksum.length} characters`);
  return { timestamp, vid, txid, checksum: checksum.toLowerCase() };
}

/** True when the proof line is a result with code 200 that this secret signed. */
export function proofHolds(secret: string, proof: ProofLine): boolean {
  return checksumMatches(secret, { ...proof, code: CODES.ACCEPTED }, proof.checksum);
}
