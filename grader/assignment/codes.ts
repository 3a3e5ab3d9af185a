// The verdict codes on topic `result`, as the course has them: 200 is accepted, every other code
// names one reason for refusing a submission. HTTP-like numbers, so students can guess them.

export const CODES = {
  ACCEPTED: 200,
  MALFORMED: 400,
  UNKNOWN_VID: 401,
  BAD_SIGNATURE: 403,
  UNKNOWN_TXID: 404,
  TOO_LATE: 408,
  DUPLICATE: 409,
  RATE_LIMITED: 429,
} as const;

export type Code = (typeof CODES)[keyof typeof CODES];

/** One line per code, for the docs, `--help`, the scoreboard and the student's lab. */
export const CODE_MEANINGS: Readonly<Record<Code, string>> = {
  200: 'accepted: the signature is right and this is the first time the group verified this transaction',
  400: 'malformed: the record is not one Avro datum of submit.avsc (garbage, another schema, too large)',
  401: 'unknown vid: no group has this verifier id',
  403: 'bad signature: not gen_signature of this transaction with the group\'s token',
  404: 'unknown txid: the server never produced this transaction',
  408: 'too late: submitted after the assignment\'s deadline',
  409: 'duplicate: the group already had this transaction accepted',
  429: 'rate-limited: the group submitted faster than the server allows; submit it again later',
};

export const CODE_NAMES: Readonly<Record<Code, string>> = {
  200: 'accepted',
  400: 'malformed',
  401: 'unknown vid',
  403: 'bad signature',
  404: 'unknown txid',
  408: 'too late',
  409: 'duplicate',
  429: 'rate-limited',
};

export const ALL_CODES = Object.values(CODES) as Code[];
