// gen_signature, as the assignment gives it. Given.
//
// The canonical form of a transaction is its four fields as compact JSON, keys in alphabetical
// order: {"amount":250,"payee":"Siam Paragon","payer":"Somchai K.","txid":"tx-3f9a1c0b77e2"}.
// The signature is HMAC-SHA256 of it, keyed with your token, in base64.
import { createHmac } from 'node:crypto';

export function genSignature(tx: { txid: string; payer: string; payee: string; amount: number }, token: string): string {
  const canonical = JSON.stringify({ amount: tx.amount, payee: tx.payee, payer: tx.payer, txid: tx.txid });
  return createHmac('sha256', token).update(canonical, 'utf8').digest('base64');
}
