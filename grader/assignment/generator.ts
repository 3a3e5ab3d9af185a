// The seeded transaction generator: transaction number `seq` of an assignment is always the same
// (its fields come from HMAC-SHA256 of the seed and the number, not from a running random state),
// so a restarted server continues the same stream and a test knows what will come. Payers are
// people, payees people or shops, amounts log-normal around a few hundred: what a payment stream
// looks like. Everything is printable ASCII, so gen_signature gives the same bytes everywhere.

import { createHmac } from 'node:crypto';
import type { Transaction } from './signature.ts';

const FIRST_NAMES = [
  'Somchai', 'Somsak', 'Suda', 'Malee', 'Niran', 'Kanya', 'Prasert', 'Anong', 'Chaiwat', 'Pimchanok',
  'Thanawat', 'Siriporn', 'Wichai', 'Ratana', 'Krit', 'Nattaya', 'Pongsak', 'Jintana', 'Arthit', 'Busaba',
  'Alice', 'Bob', 'Carol', 'David', 'Emma', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kofi', 'Lena',
  'Mateo', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Victor', 'Wei', 'Yara',
];
const LAST_INITIALS = 'ABCDEFGHIJKLMNOPRSTUVWY';
const SHOPS = [
  '7-Eleven Siam', 'Chula Canteen', 'MBK Phones', 'Siam Paragon', 'Samyan Mitrtown', 'Bangkok Books',
  'Grab Food', 'BTS Rabbit', 'Lotus Rama 4', 'Cafe Amazon', 'Foodland', 'Robinson Silom', 'Makro Sathorn',
  'Starbucks Siam', 'Shopee TH', 'Lazada TH', 'True Shop', 'AIS Shop', 'Boots Chidlom', 'Big C Ratchada',
];

const MIN_AMOUNT = 1;
const MAX_AMOUNT = 200_000;
/** The median amount, and the spread of log(amount). */
const MEDIAN_AMOUNT = 300;
const SIGMA = 1.2;

export class TransactionGenerator {
  readonly #seed: string;

  constructor(seed: string) {
    this.#seed = seed;
  }

  /** Transaction number `seq` (0, 1, ...). */
  transaction(seq: number): Transaction {
    const bytes = createHmac('sha256', this.#seed).update(`transaction/${seq}`).digest();
    const word = (at: number) => bytes.readUInt32BE(at);
    const person = (at: number) => `${FIRST_NAMES[word(at) % FIRST_NAMES.length]} ${LAST_INITIALS[word(at + 4) % LAST_INITIALS.length]}.`;
    const payer = person(8);
    let payee = word(16) % 3 === 0 ? person(20) : SHOPS[word(20) % SHOPS.length];
    if (payee === payer) payee = SHOPS[word(28) % SHOPS.length];
    const noise = createHmac('sha256', this.#seed).update(`amount/${seq}`).digest();
    const uniform = (at: number) => (noise.readUInt32BE(at) + 0.5) / 2 ** 32;
    // Box–Muller: a standard normal from two uniforms, then log-normal.
    const normal = Math.sqrt(-2 * Math.log(uniform(0))) * Math.cos(2 * Math.PI * uniform(4));
    const amount = Math.min(MAX_AMOUNT, Math.max(MIN_AMOUNT, Math.round(MEDIAN_AMOUNT * Math.exp(SIGMA * normal))));
    return { txid: `tx-${bytes.subarray(0, 6).toString('hex')}`, payer, payee, amount };
  }
}
