// Issue 15 item 5 at campaign scale (`npm run bench:idempotent`): an idempotent kafkajs producer
// writes numbered values to every partition in each send() (acks=all, RF 3, min.insync.replicas
// 2) while brokers are killed and restarted at random; then every value is accounted for, from the
// broker's side. A value stored twice is judged by the sequence numbers of its two batches: the
// same producer, epoch and sequence would be a retry the broker failed to recognise (a broker
// bug); a later sequence is the producer sending it again as a new write (kafkajs's re-send after
// a leader move, simulator/test/kafkajs-idempotent-duplicates.test.ts). A value kafkajs resolved
// kafkajs resolved that is not in the log, or an offset the broker acknowledged (its
// produce-acknowledged events) that the log no longer holds, would be a broker bug; a send() whose
// answer lacks a partition is kafkajs's dropped partition (simulator/test/kafkajs-send-drops.test.ts).
//
// BENCH_SENDS (default 5,000 sends of one value per partition), BENCH_SEED (default 1) change the
// run; the issue's campaign was about 1.9M values. Progress to stderr, results to stdout.

import os from 'node:os';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Random } from '../simulator/cluster/random.ts';
import { startCluster, type ClusterEvent } from '../simulator/index.ts';
import { readPartition } from '../simulator/testkit/read-partition.ts';
import { done, progress, thousands } from './workload.ts';

// kafkajs 2.2.4 arms a timer with a negative delay after every response, which Node 24 warns about.
for (const listener of process.listeners('warning')) process.off('warning', listener);
process.on('warning', (warning) => warning.name !== 'TimeoutNegativeWarning' && console.error(warning));

const SENDS = Number(process.env.BENCH_SENDS ?? 5000);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const PARTITIONS = 3;

const cpus = os.cpus();
console.log(`kafka-lab idempotent campaign: ${cpus[0]?.model ?? 'unknown CPU'} (${cpus.length} cores), Node ${process.version}, seed ${SEED}\n`);

const cluster = await startCluster({ brokers: 3, seed: SEED, autoCreateTopics: false, replicaLagTimeMaxMs: 300, brokerSessionTimeoutMs: 300, replicationTickMs: 20 });
const topic = 'values';
cluster.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } });
/** Per partition, the offsets the broker acknowledged (each acknowledgement's first offset and count). */
const acknowledged = Array.from({ length: PARTITIONS }, () => [] as { baseOffset: number; recordCount: number; brokerId: number }[]);
cluster.events.subscribe((e: ClusterEvent) => {
  if (e.type === 'produce-acknowledged' && e.topic === topic) acknowledged[e.partition].push({ baseOffset: e.baseOffset, recordCount: e.recordCount, brokerId: e.brokerId });
});

const kafka = new Kafka({ brokers: cluster.bootstrapServers, clientId: 'campaign', logLevel: logLevel.NOTHING, requestTimeout: 500, connectionTimeout: 300, retry: { retries: 5, initialRetryTime: 20, maxRetryTime: 200 } });
const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 8, initialRetryTime: 20, maxRetryTime: 200 } });
await producer.connect();

// Faults: every 50–300 ms a broker is killed (at most two down at once) or one that is down restarted.
const random = new Random(SEED);
const down = new Set<number>();
let faults = 0;
let stopping = false;
const chaos = (async () => {
  while (!stopping) {
    await new Promise((resolve) => setTimeout(resolve, 50 + random.int(250)));
    if (stopping) break;
    const restart = down.size === 2 || (down.size === 1 && random.int(2) === 0);
    if (restart) {
      const broker = [...down][0];
      down.delete(broker);
      await cluster.restartBroker(broker);
    } else {
      const up = [1, 2, 3].filter((id) => !down.has(id));
      const broker = up[random.int(up.length)];
      down.add(broker);
      await cluster.killBroker(broker);
    }
    faults++;
  }
})();

const started = performance.now();
/** What kafkajs resolved: value → the partition and offset its answer named. */
const resolved = new Map<string, { partition: number; offset: number }>();
/** Why sends failed, by kafkajs's error type. */
const failures = new Map<string, number>();
let failedSends = 0;
/** Partitions a resolved send() gave no answer for: kafkajs's dropped partition. */
let unanswered = 0;
for (let n = 0; n < SENDS; n++) {
  const messages = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: `${n}:${partition}` }));
  try {
    const answer = await producer.send({ topic, acks: -1, timeout: 300, messages });
    for (const { partition, baseOffset } of answer) resolved.set(`${n}:${partition}`, { partition, offset: Number(baseOffset) });
    unanswered += PARTITIONS - new Set(answer.map((r) => r.partition)).size;
  } catch (error) {
    failedSends++;
    const cause = error as { type?: string; name?: string; cause?: { type?: string } };
    const why = cause.type ?? cause.cause?.type ?? cause.name ?? 'unknown';
    failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  if (n % 100 === 0) progress(`${thousands(n)}/${thousands(SENDS)} sends, ${faults} faults`);
}
stopping = true;
await chaos;
for (const broker of [...down]) await cluster.restartBroker(broker);
const seconds = (performance.now() - started) / 1000;
done();

// Every partition read back through kafkajs, once the replicas have caught up with the leader.
const deadline = Date.now() + 30_000;
while (Date.now() < deadline && !cluster.describe().topics.find((t) => t.name === topic)!.partitions.every((p) => p.isr.length === 3)) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
let values = 0;
const duplicates = { resent: 0, unrecognisedRetry: 0 };
const missing = { resolvedNotStored: 0, acknowledgedAndGone: 0, answeredAsDuplicateOf: [] as string[], explained: { answeredAsDuplicate: 0, other: 0 } };
const examples: string[] = [];
for (let partition = 0; partition < PARTITIONS; partition++) {
  const { messages } = await readPartition(kafka, topic, partition, { from: 0 });
  const stored = new Map<string, { offset: number; producer: string; sequence: number }[]>();
  for (const m of messages) {
    const context = m.batchContext!;
    const offset = Number(m.offset);
    const copies = stored.get(m.value!.toString()) ?? [];
    copies.push({ offset, producer: `${context.producerId}/${context.producerEpoch}`, sequence: context.firstSequence! + offset - Number(context.firstOffset) });
    stored.set(m.value!.toString(), copies);
  }
  values += stored.size;
  for (const [value, copies] of stored) {
    if (copies.length < 2) continue;
    const [first, ...others] = copies;
    const sameWrite = others.some((c) => c.producer === first.producer && c.sequence === first.sequence);
    if (sameWrite) duplicates.unrecognisedRetry++;
    else duplicates.resent++;
    if (examples.length < 5) examples.push(`${value} in partition ${partition} at ${copies.map((c) => `offset ${c.offset} (sequence ${c.sequence})`).join(' and ')}`);
  }
  const atOffset = new Map<number, { value: string; sequence: number }>();
  for (const [value, copies] of stored) for (const c of copies) atOffset.set(c.offset, { value, sequence: c.sequence });
  for (const [value, told] of resolved) {
    if (told.partition !== partition || stored.has(value)) continue;
    missing.resolvedNotStored++;
    // What the broker answered with: the offset of a batch it already held under the same sequence.
    // And what the broker's produce-acknowledged events say of that offset: how often, by which brokers.
    const acks = acknowledged[partition].filter((a) => told.offset >= a.baseOffset && told.offset < a.baseOffset + a.recordCount);
    const ackedBy = acks.length === 0 ? 'never acknowledged by the broker' : `acknowledged ${acks.length} times (by broker ${[...new Set(acks.map((a) => a.brokerId))].join(', ')})`;
    const there = atOffset.get(told.offset);
    if (there && acks.length >= 2) missing.explained.answeredAsDuplicate++;
    else missing.explained.other++;
    missing.answeredAsDuplicateOf.push(`${value} was answered with offset ${told.offset}, ${ackedBy}, which holds ${there ? `${there.value} (sequence ${there.sequence})` : 'nothing'}`);
  }
  const held = new Set(messages.map((m) => Number(m.offset)));
  for (const a of acknowledged[partition]) for (let o = a.baseOffset; o < a.baseOffset + a.recordCount; o++) if (!held.has(o)) missing.acknowledgedAndGone++;
}
await producer.disconnect();
await cluster.stop();

console.log(`idempotent ${thousands(SENDS)} sends of ${PARTITIONS} values in ${seconds.toFixed(0)} s, ${faults} kills and restarts; ${failedSends} sends failed, ${unanswered} partitions missing from a resolved send()'s answer; ${thousands(values)} distinct values stored`);
console.log(`           stored twice: ${duplicates.resent} re-sent by kafkajs under a new sequence, ${duplicates.unrecognisedRetry} retries the broker did not recognise (same producer, epoch, sequence)`);
console.log(`           resolved by kafkajs but not stored: ${missing.resolvedNotStored} (${missing.explained.answeredAsDuplicate} answered with the offset of another value the broker had acknowledged under the same sequence, ${missing.explained.other} otherwise); offsets the broker acknowledged that the log no longer holds: ${missing.acknowledgedAndGone}`);
for (const example of examples) console.log(`           e.g. ${example}`);
for (const example of missing.answeredAsDuplicateOf.slice(0, 10)) console.log(`           not stored: ${example}`);
console.log(`           failed sends by error: ${JSON.stringify(Object.fromEntries(failures))}`);
process.exit(duplicates.unrecognisedRetry === 0 && missing.acknowledgedAndGone === 0 && missing.explained.other === 0 ? 0 : 1);
