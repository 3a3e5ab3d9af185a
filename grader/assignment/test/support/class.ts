// A simulated class for the assignment's tests: groups whose verifiers behave well or badly in
// known ways, each with its own kafkajs producer, over real sockets. What each behaviour sends is
// fixed by the transactions it is given, so the scoreboard it must end with is known exactly.

import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { temporaryDir } from '../../../../labs/test/support/tiny-lab.ts';
import { readPartition } from '../../../../simulator/testkit/read-partition.ts';
import { CODES } from '../../codes.ts';
import { TransactionGenerator } from '../../generator.ts';
import { decodeResult, encodeSubmission, encodeTransaction, type Result } from '../../schemas.ts';
import { genSignature, type Transaction } from '../../signature.ts';
import type { AssignmentConfig, GroupState } from '../../state.ts';

/** A temporary folder, removed after the test file. */
export const tempDir = temporaryDir;

export type Behaviour =
  | { kind: 'correct'; count?: number }
  | { kind: 'careless'; everyNth: number }
  | { kind: 'duplicates'; again: number }
  | { kind: 'malformed'; correct: number; garbage: number }
  | { kind: 'unknown-txid'; correct: number; madeUp: number }
  | { kind: 'forger'; victim: string; forged: number; own: number }
  | { kind: 'unknown-vid'; correct: number; strangers: number }
  | { kind: 'silent' }
  | { kind: 'wrong-token' }
  | { kind: 'transactional'; committed: number; aborted: number };

export interface Expected {
  submitted: number;
  accepted: number;
  refused: Record<number, number>;
}

/** The first `count` transactions of the assignment's stream, as the generator makes them. */
export function firstTransactions(config: AssignmentConfig, count: number): Transaction[] {
  const generator = new TransactionGenerator(config.seed);
  return Array.from({ length: count }, (_, i) => generator.transaction(i));
}

const value = (vid: string, tx: Pick<Transaction, 'txid'>, signature: string) => ({ value: encodeSubmission({ vid, txid: tx.txid, signature }) });

/** What a group with this behaviour sends, as record values, in order; and what it sends with a transaction it aborts. */
export function submissionsOf(group: GroupState, behaviour: Behaviour, transactions: Transaction[], groups: GroupState[]): { sent: { value: Buffer }[]; aborted: { value: Buffer }[] } {
  const sign = (tx: Transaction, token = group.token) => value(group.vid, tx, genSignature(tx, token));
  const aborted: { value: Buffer }[] = [];
  let sent: { value: Buffer }[];
  switch (behaviour.kind) {
    case 'correct':
      sent = transactions.slice(0, behaviour.count ?? transactions.length).map((tx) => sign(tx));
      break;
    case 'careless':
      sent = transactions.map((tx, i) => (i % behaviour.everyNth === 0 ? sign(tx, `${group.token}-typo`) : sign(tx)));
      break;
    case 'duplicates':
      sent = [...transactions.map((tx) => sign(tx)), ...transactions.slice(0, behaviour.again).map((tx) => sign(tx))];
      break;
    case 'malformed': {
      const garbage = Array.from({ length: behaviour.garbage }, (_, i) =>
        i % 3 === 0 ? { value: Buffer.from([0xff, 0x00, 0x13, i]) } : i % 3 === 1 ? { value: Buffer.from(JSON.stringify({ vid: group.vid, txid: transactions[i].txid })) } : { value: encodeTransaction(transactions[i]) },
      );
      sent = [...transactions.slice(0, behaviour.correct).map((tx) => sign(tx)), ...garbage];
      break;
    }
    case 'unknown-txid':
      sent = [...transactions.slice(0, behaviour.correct).map((tx) => sign(tx)), ...Array.from({ length: behaviour.madeUp }, (_, i) => value(group.vid, { txid: `tx-madeup${i}` }, 'c2lnbmF0dXJl'))];
      break;
    case 'forger': {
      const victim = groups.find((g) => g.vid === behaviour.victim)!;
      sent = [
        ...transactions.slice(0, behaviour.forged).map((tx) => value(victim.vid, tx, genSignature(tx, group.token))),
        ...transactions.slice(0, behaviour.own).map((tx) => sign(tx)),
      ];
      break;
    }
    case 'unknown-vid':
      sent = [...transactions.slice(0, behaviour.correct).map((tx) => sign(tx)), ...transactions.slice(0, behaviour.strangers).map((tx) => value('v999', tx, genSignature(tx, group.token)))];
      break;
    case 'silent':
      sent = [];
      break;
    case 'wrong-token':
      sent = transactions.map((tx) => sign(tx, 'not-our-token'));
      break;
    case 'transactional':
      sent = transactions.slice(0, behaviour.committed).map((tx) => sign(tx));
      aborted.push(...transactions.slice(behaviour.committed, behaviour.committed + behaviour.aborted).map((tx) => sign(tx)));
      break;
  }
  return { sent, aborted };
}

/** The scoreboard line a behaviour must end with, for itself; `forger` also adds to its victim's (see forgedAgainst). */
export function expectedFor(behaviour: Behaviour, transactions: number): Expected {
  const counts = (accepted: number, refused: Record<number, number> = {}): Expected => ({
    submitted: accepted + Object.values(refused).reduce((a, b) => a + b, 0),
    accepted,
    refused,
  });
  switch (behaviour.kind) {
    case 'correct':
      return counts(behaviour.count ?? transactions);
    case 'careless': {
      const bad = Math.ceil(transactions / behaviour.everyNth);
      return counts(transactions - bad, { [CODES.BAD_SIGNATURE]: bad });
    }
    case 'duplicates':
      return counts(transactions, { [CODES.DUPLICATE]: behaviour.again });
    case 'malformed':
      return counts(behaviour.correct); // the garbage names no group
    case 'unknown-txid':
      return counts(behaviour.correct, { [CODES.UNKNOWN_TXID]: behaviour.madeUp });
    case 'forger':
      return counts(behaviour.own);
    case 'unknown-vid':
      return counts(behaviour.correct);
    case 'silent':
      return counts(0);
    case 'wrong-token':
      return counts(0, { [CODES.BAD_SIGNATURE]: transactions });
    case 'transactional':
      return counts(behaviour.committed);
  }
}

/** Sends one group's submissions with its own producer (a transactional one for `transactional`). */
export async function runGroup(kafka: Kafka, group: GroupState, behaviour: Behaviour, transactions: Transaction[], groups: GroupState[], topic = 'submit'): Promise<void> {
  const { sent, aborted } = submissionsOf(group, behaviour, transactions, groups);
  if (behaviour.kind === 'transactional') {
    const producer = kafka.producer({ transactionalId: `${group.vid}-verifier`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: sent });
    await committed.commit();
    const abandoned = await producer.transaction();
    await abandoned.send({ topic, messages: aborted });
    await abandoned.abort();
    await producer.disconnect();
    return;
  }
  if (sent.length === 0) return;
  const producer = kafka.producer();
  await producer.connect();
  // In a few requests, as a verifier sends them.
  for (let i = 0; i < sent.length; i += 16) await producer.send({ topic, messages: sent.slice(i, i + 16) });
  await producer.disconnect();
}

/** Reads a result topic from the beginning without a group: every result with its `submission` header. */
export async function readResults(kafka: Kafka, topic: string, expected: number, timeoutMs = 30_000): Promise<(Result & { submission: string })[]> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const results: (Result & { submission: string })[] = [];
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
        const { messages } = await readPartition(kafka, topic, partition, { from: Number(low), to: Number(high), asConsumer: true });
        for (const m of messages) results.push({ ...decodeResult(m.value!), submission: String(m.headers.submission ?? '') });
      }
      if (results.length >= expected || Date.now() > deadline) return results;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

export function quietKafka(brokers: string[], config: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ brokers, clientId: 'simulated-class', logLevel: logLevel.NOTHING, ...config });
}

/** Polls until `check` holds or fails with what it last saw. */
export async function until<T>(check: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
