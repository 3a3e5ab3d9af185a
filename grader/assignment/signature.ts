// `gen_signature`: how a verifier signs a transaction, and how the server checks it.
//
// The canonical form of a transaction is its four fields as compact JSON with the keys in
// alphabetical order, no spaces:
//
//   {"amount":250,"payee":"Siam Paragon","payer":"Somchai K.","txid":"tx-3f9a1c0b77e2"}
//
// (Python: json.dumps(tx, sort_keys=True, separators=(',', ':')); JavaScript: JSON.stringify of an
// object whose keys are in that order.) The signature is HMAC-SHA256 of that text's UTF-8 bytes,
// keyed with the UTF-8 bytes of the group's token, in standard base64 with padding. The generator
// only writes printable ASCII, so both languages produce the same bytes.

import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Transaction {
  txid: string;
  payer: string;
  payee: string;
  amount: number;
}

export function canonicalTransaction(tx: Transaction): string {
  return JSON.stringify({ amount: tx.amount, payee: tx.payee, payer: tx.payer, txid: tx.txid });
}

export function genSignature(tx: Transaction, token: string): string {
  return createHmac('sha256', token).update(canonicalTransaction(tx), 'utf8').digest('base64');
}

/** True when `signature` is genSignature(tx, token), compared in constant time. */
export function signatureMatches(tx: Transaction, token: string, signature: string): boolean {
  const expected = Buffer.from(genSignature(tx, token));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
