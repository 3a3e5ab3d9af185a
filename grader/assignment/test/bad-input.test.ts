// Bad input of every kind, over real sockets: each record gets its code and a reason on the result
// topic, nothing crashes the server, and the groups that behave are not held up. A flood from one
// group is rate-limited (429) while another group's submissions all go through.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchForCrashes } from '../../../simulator/test/support/crash-watch.ts';
import { CODES } from '../codes.ts';
import { initAssignment } from '../init.ts';
import { encodeSubmission, encodeTransaction } from '../schemas.ts';
import { startAssignmentServer, type AssignmentServer } from '../server.ts';
import { genSignature } from '../signature.ts';
import type { AnsweredVerdict } from '../verdict-loop.ts';
import { firstTransactions, quietKafka, tempDir, until } from './support/class.ts';

watchForCrashes();

describe('bad input', { timeout: 120_000 }, () => {
  const state = {} as { server: AssignmentServer; verdicts: AnsweredVerdict[] };
  beforeAll(async () => {
    const dir = tempDir('bad-input');
    initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\nBeta,b@x.org\nFlood,f@x.org\n', seed: 'bad-input', ratePerSecond: 500, rateLimit: { perSecond: 5, burst: 20 } });
    state.server = await startAssignmentServer({ dir });
    state.verdicts = [];
    state.server.events.on('answered', (verdicts) => state.verdicts.push(...verdicts));
    await until(() => state.server.scoreboard().transactions.produced >= 300, 'transactions produced');
  });
  afterAll(async () => {
    await state.server?.stop();
  });

  /** Sends the values (and keys) as one group's producer would; resolves with each one's verdict, in order. */
  async function judged(messages: { key?: string | Buffer | null; value: Buffer | string | null; headers?: Record<string, string> }[]): Promise<AnsweredVerdict[]> {
    const producer = quietKafka(state.server.bootstrapServers).producer();
    await producer.connect();
    const [meta] = await producer.send({ topic: 'submit', acks: -1, messages: messages.map((m) => ({ ...m, partition: 0 })) });
    await producer.disconnect();
    const first = Number(meta.baseOffset);
    const offsets = messages.map((_, i) => first + i);
    return until(() => {
      const found = offsets.map((offset) => state.verdicts.find((v) => v.partition === 0 && v.offset === offset));
      return found.every(Boolean) ? (found as AnsweredVerdict[]) : null;
    }, `verdicts for offsets ${first}..${first + messages.length - 1}`);
  }

  it('answers every kind of bad record with its code and a reason, and keeps serving', async () => {
    const [alpha, beta] = state.server.config.groups;
    const [tx, other] = firstTransactions(state.server.config, 2);
    const sign = (vid: string, t = tx, token = alpha.token) => encodeSubmission({ vid, txid: t.txid, signature: genSignature(t, token) });
    const cases: [string, { key?: string | Buffer | null; value: Buffer | string | null; headers?: Record<string, string> }, number, RegExp][] = [
      ['no value at all', { value: null }, CODES.MALFORMED, /no value/],
      ['an empty value', { value: Buffer.alloc(0) }, CODES.MALFORMED, /no value/],
      ['random bytes', { value: Buffer.from([0x9c, 0x07, 0xff, 0x00, 0x42]) }, CODES.MALFORMED, /not one Avro datum/],
      ['JSON instead of Avro', { value: JSON.stringify({ vid: alpha.vid, txid: tx.txid, signature: 'x' }) }, CODES.MALFORMED, /not one Avro datum/],
      ['a transaction record (another schema)', { value: encodeTransaction(tx) }, CODES.MALFORMED, /not one Avro datum/],
      ['a valid submission with bytes after it', { value: Buffer.concat([sign(alpha.vid), Buffer.from('!!')]) }, CODES.MALFORMED, /trailing/],
      ['a string claiming to be 2 GB long', { value: Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f, 0x41]) }, CODES.MALFORMED, /not one Avro datum/],
      ['a value of 900 kB', { value: Buffer.alloc(900_000, 0x61) }, CODES.MALFORMED, /900000 bytes; a submission is at most 4096/],
      ['a vid of 3000 characters', { value: encodeSubmission({ vid: 'v'.repeat(3000), txid: tx.txid, signature: 'x' }) }, CODES.UNKNOWN_VID, /no group has vid "v{60}…"/],
      ['control characters in the vid', { value: encodeSubmission({ vid: 'v001\n\u0007', txid: tx.txid, signature: 'x' }) }, CODES.UNKNOWN_VID, /"v001\?\?"/],
      ['a made-up txid', { value: encodeSubmission({ vid: alpha.vid, txid: 'tx-000000000000', signature: 'x' }) }, CODES.UNKNOWN_TXID, /produced no transaction/],
      ['the signature of another transaction', { value: encodeSubmission({ vid: alpha.vid, txid: tx.txid, signature: genSignature(other, alpha.token) }) }, CODES.BAD_SIGNATURE, /not gen_signature/],
      ['Alpha\'s signature under Beta\'s vid', { value: sign(beta.vid) }, CODES.BAD_SIGNATURE, /with v002's token/],
      ['a correct one, with a key and headers', { key: Buffer.from([0, 1, 2]), value: sign(alpha.vid), headers: { anything: 'goes' } }, CODES.ACCEPTED, /accepted/],
      ['the same again (a replay)', { value: sign(alpha.vid) }, CODES.DUPLICATE, /already had/],
    ];
    const verdicts = await judged(cases.map(([, message]) => message));
    cases.forEach(([what, , code, reason], i) => {
      expect({ what, code: verdicts[i].code }).toEqual({ what, code });
      expect(verdicts[i].reason, what).toMatch(reason);
      expect(verdicts[i].reason.length, what).toBeLessThan(300);
    });
    // Still serving: a correct submission right after is accepted.
    const [after] = await judged([{ value: encodeSubmission({ vid: beta.vid, txid: other.txid, signature: genSignature(other, beta.token) }) }]);
    expect(after.code).toBe(CODES.ACCEPTED);
  });

  it('rate-limits a flooding group (429) without holding up another', async () => {
    const groups = state.server.config.groups;
    const flood = groups[2];
    const beta = groups[1];
    const transactions = firstTransactions(state.server.config, 300).slice(10);
    const kafka = quietKafka(state.server.bootstrapServers);
    const flooder = kafka.producer();
    await flooder.connect();
    const [meta] = await flooder.send({
      topic: 'submit',
      acks: -1,
      messages: transactions.map((tx) => ({ partition: 1, value: encodeSubmission({ vid: flood.vid, txid: tx.txid, signature: genSignature(tx, flood.token) }) })),
    });
    await flooder.disconnect();
    const polite = await judged(transactions.slice(0, 10).map((tx) => ({ value: encodeSubmission({ vid: beta.vid, txid: tx.txid, signature: genSignature(tx, beta.token) }) })));
    expect(polite.map((v) => v.code)).toEqual(Array(10).fill(CODES.ACCEPTED));

    const first = Number(meta.baseOffset);
    const floodVerdicts = await until(() => {
      const found = state.verdicts.filter((v) => v.partition === 1 && v.offset >= first && v.offset < first + transactions.length);
      return found.length === transactions.length ? found : null;
    }, 'every flood submission judged');
    const accepted = floodVerdicts.filter((v) => v.code === CODES.ACCEPTED).length;
    const limited = floodVerdicts.filter((v) => v.code === CODES.RATE_LIMITED);
    // 290 sent within a moment: the burst of 20 and a few refilled tokens pass, the rest wait.
    expect(accepted).toBeGreaterThanOrEqual(20);
    expect(accepted).toBeLessThan(40);
    expect(limited.length).toBe(transactions.length - accepted);
    expect(limited[0].reason).toMatch(/faster than 5\/s \(20 at once\); submit it again later/);
  });

  it('answers 408 after the deadline, by the broker\'s time of arrival', async () => {
    const dir = tempDir('deadline');
    const { config } = initAssignment(dir, { groupsCsv: 'Alpha,a@x.org\n', seed: 'deadline', ratePerSecond: 100 });
    const late = await startAssignmentServer({ dir, deadline: new Date(Date.now() - 1000) });
    try {
      await until(() => late.scoreboard().transactions.produced >= 1, 'a transaction');
      const [tx] = firstTransactions(config, 1);
      const producer = quietKafka(late.bootstrapServers).producer();
      await producer.connect();
      await producer.send({ topic: 'submit', messages: [{ value: encodeSubmission({ vid: 'v001', txid: tx.txid, signature: genSignature(tx, config.groups[0].token) }) }] });
      await producer.disconnect();
      const board = await until(() => {
        const b = late.scoreboard();
        return b.groups[0].submitted === 1 ? b : null;
      }, 'the late submission judged');
      expect(board.groups[0]).toMatchObject({ accepted: 0, refused: { [CODES.TOO_LATE]: 1 } });
    } finally {
      await late.stop();
    }
  });
});
