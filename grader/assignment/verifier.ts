// The verdict on one submission: its code and, for people, why. The checks run in this order, and
// the first that fails decides:
//
//   400 malformed      not exactly one Avro datum of submit.avsc, or larger than MAX_SUBMISSION_BYTES
//   401 unknown vid    no group has the vid
//   404 unknown txid   the server never produced the txid
//   403 bad signature  not gen_signature(transaction, group's token)
//   408 too late       submitted after the deadline
//   429 rate-limited   the group's bucket is empty; only correctly signed submissions take from it,
//                      so nobody can use up another group's budget by sending under its vid
//   409 duplicate      the group already had this txid accepted
//   200 accepted
//
// Pure apart from the store lookups: no clock (times come with the submission), no Kafka.

import { CODES, type Code } from './codes.ts';
import { RateLimiter } from './rate-limiter.ts';
import { submitType, type Submission } from './schemas.ts';
import { signatureMatches } from './signature.ts';
import type { GroupState } from './state.ts';
import type { AssignmentStore } from './store.ts';

/** A submission is three short strings; anything this large is a flood or a mistake. */
export const MAX_SUBMISSION_BYTES = 4096;

export interface IncomingSubmission {
  value: Buffer | null;
  /** When it was written, ms since the epoch. */
  submittedAt: number;
}

export interface Judgement {
  vid: string;
  txid: string;
  code: Code;
  reason: string;
  /** The group it counts for on the scoreboard, or '' when it names none. */
  tallyVid: string;
}

export interface VerifierOptions {
  groups: readonly GroupState[];
  store: AssignmentStore;
  rateLimit: { perSecond: number; burst: number };
  /** ms since the epoch; submissions after it are too late. */
  deadline?: number;
}

/** A value from a student, safe to put in a message: one line, printable, short. */
const shown = (text: string, max = 60) => {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > max ? `${clean.slice(0, max)}…` : clean);
};

export class Verifier {
  readonly #groups: Map<string, GroupState>;
  readonly #store: AssignmentStore;
  readonly #limiter: RateLimiter;
  readonly #rateText: string;
  readonly #deadline: number | undefined;

  constructor({ groups, store, rateLimit, deadline }: VerifierOptions) {
    this.#groups = new Map(groups.map((g) => [g.vid, g]));
    this.#store = store;
    this.#limiter = new RateLimiter(rateLimit);
    this.#rateText = `${rateLimit.perSecond}/s (${rateLimit.burst} at once)`;
    this.#deadline = deadline;
  }

  judge({ value, submittedAt }: IncomingSubmission): Judgement {
    const refuse = (code: Code, reason: string, vid = '', txid = '', tallyVid = ''): Judgement => ({ vid, txid, code, reason, tallyVid });
    if (value === null || value.length === 0) return refuse(CODES.MALFORMED, 'the record has no value; send the Avro encoding of submit.avsc');
    if (value.length > MAX_SUBMISSION_BYTES) return refuse(CODES.MALFORMED, `the record has ${value.length} bytes; a submission is at most ${MAX_SUBMISSION_BYTES}`);
    let submission: Submission;
    try {
      submission = submitType.fromBuffer(value) as Submission;
    } catch (error) {
      return refuse(CODES.MALFORMED, `not one Avro datum of submit.avsc (${(error as Error).message}); send exactly the bytes of its schemaless encoding`);
    }
    const { vid, txid, signature } = submission;
    const group = this.#groups.get(vid);
    if (!group) return refuse(CODES.UNKNOWN_VID, `no group has vid ${shown(vid)}`, vid, txid);
    const transaction = this.#store.findTransaction(txid);
    if (!transaction) return refuse(CODES.UNKNOWN_TXID, `the server produced no transaction ${shown(txid)}`, vid, txid, vid);
    if (!signatureMatches(transaction, group.token, signature)) {
      return refuse(CODES.BAD_SIGNATURE, `the signature is not gen_signature of ${txid} with ${vid}'s token`, vid, txid, vid);
    }
    if (this.#deadline !== undefined && submittedAt > this.#deadline) {
      return refuse(CODES.TOO_LATE, `submitted at ${new Date(submittedAt).toISOString()}, after the deadline ${new Date(this.#deadline).toISOString()}`, vid, txid, vid);
    }
    if (!this.#limiter.take(vid, submittedAt)) return refuse(CODES.RATE_LIMITED, `${vid} submitted faster than ${this.#rateText}; submit it again later`, vid, txid, vid);
    const earlier = this.#store.acceptance(vid, txid);
    if (earlier) return refuse(CODES.DUPLICATE, `${vid} already had ${txid} accepted at ${new Date(earlier.judgedAt).toISOString()}`, vid, txid, vid);
    return { vid, txid, code: CODES.ACCEPTED, reason: 'accepted', tallyVid: vid };
  }
}
