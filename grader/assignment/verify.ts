// `kafka-lab assignment verify`: is this pasted line — timestamp,vid,txid,checksum — an accepted
// result this assignment's server gave? The checksum is re-computed with the assignment's secret
// (a student cannot make one), and the store says whether that verdict was recorded.

import { parseProofLine, proofHolds, type ProofLine } from './checksum.ts';
import type { AssignmentConfig } from './state.ts';
import type { AssignmentStore } from './store.ts';

export type ProofVerdict = 'valid' | 'forged' | 'unrecorded' | 'unreadable';

export interface ProofCheck {
  verdict: ProofVerdict;
  /** One line for people. */
  text: string;
  proof?: ProofLine;
  group?: string;
}

export function verifyProof(config: AssignmentConfig, store: AssignmentStore | undefined, line: string): ProofCheck {
  let proof: ProofLine;
  try {
    proof = parseProofLine(line);
  } catch (error) {
    return { verdict: 'unreadable', text: `not a proof line (timestamp,vid,txid,checksum): ${(error as Error).message}` };
  }
  const group = config.groups.find((g) => g.vid === proof.vid);
  const who = group ? `${proof.vid} (${group.name})` : proof.vid;
  const when = new Date(proof.timestamp).toISOString();
  if (!proofHolds(config.secret, proof)) {
    return { verdict: 'forged', text: `FORGED: the checksum is not this server's for ${who} accepting ${proof.txid} at ${when}`, proof, group: group?.name };
  }
  const recorded = store?.acceptance(proof.vid, proof.txid);
  if (!recorded || recorded.judgedAt !== proof.timestamp) {
    return { verdict: 'unrecorded', text: `the checksum is this server's, but the store holds no such acceptance of ${proof.txid} by ${who} (another copy of the store?)`, proof, group: group?.name };
  }
  return { verdict: 'valid', text: `valid: ${who} had ${proof.txid} accepted at ${when}`, proof, group: group?.name };
}
