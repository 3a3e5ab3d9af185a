// Every check kind against real state: an embedded cluster written to by real kafkajs and
// kafka-python clients, and real files. Each kind is shown failing with what it saw and expected,
// then passing; and no check changes what it looks at.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { finished } from 'node:stream/promises';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { Partitioners, type Kafka } from 'kafkajs';
import { openCheckContext, runCheck, type ParsedCheck } from '../engine/check-runner.ts';
import type { CheckContext } from '../checks/check-kind.ts';
import { parseCheck } from '../engine/load.ts';
import { kafkaFor, uniqueTopic, useCluster } from '../../simulator/test/support/cluster.ts';
import { describeWithClient } from '../../simulator/test/support/external-clients.ts';
import { findPython, run } from '../../simulator/testkit/external-clients.ts';
import { commitOffset } from '../../simulator/testkit/kafkajs-internal.ts';
import { temporaryDir } from './support/tiny-lab.ts';

const cluster = useCluster({ groupInitialRebalanceDelayMs: 0 });
const LAB_SCHEMAS = path.resolve('labs/content/avro/schemas');

/** A check as a lab.json would write it, parsed by its kind (failing the test on a bad definition). */
const check = (definition: Record<string, unknown>): ParsedCheck => parseCheck(definition);

function context(overrides: Partial<CheckContext> = {}): CheckContext & { close(): Promise<void> } {
  const ctx = openCheckContext({ bootstrapServers: cluster().bootstrapServers, workspaceDir: temporaryDir('workspace'), schemaDirs: [LAB_SCHEMAS] });
  return Object.assign(ctx, overrides);
}

async function produce(kafka: Kafka, topic: string, values: (string | Buffer)[]) {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}


describe('cluster checks', () => {
  it('topic-exists names the topics there are, and passes once the topic is created with enough partitions', async () => {
    const ctx = context();
    const topic = uniqueTopic('exists');
    const exists = check({ type: 'topic-exists', topic, partitions: 2 });
    const before = await runCheck(exists, ctx);
    expect(before).toMatchObject({ status: 'fail', summary: `topic ${topic} does not exist`, expected: `a topic named ${topic}` });

    cluster().createTopic({ name: topic, partitions: 1 });
    expect(await runCheck(exists, ctx)).toMatchObject({ status: 'fail', summary: `topic ${topic} has 1 partition`, saw: '1 partition', expected: 'at least 2' });
    expect(await runCheck(check({ type: 'topic-exists', topic }), ctx)).toMatchObject({ status: 'pass', summary: `topic ${topic} exists with 1 partition` });
    await ctx.close();
  });

  it('records counts the values that match, says which numbers are missing, and shows the first misfit', async () => {
    const ctx = context();
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('numbered');
    const numbered = check({ type: 'records', topic, min: 10, match: '^message #(\\d+) from producer-0$', numbered: { from: 0, count: 10 } });
    expect(await runCheck(numbered, ctx)).toMatchObject({ status: 'fail', summary: `topic ${topic} does not exist yet` });

    await produce(kafka, topic, ['hello', ...[0, 1, 2, 5, 6, 7, 8, 9].map((i) => `message #${i} from producer-0`)]);
    const short = await runCheck(numbered, ctx);
    expect(short).toMatchObject({ status: 'fail', summary: `topic ${topic} has 8 of the 10 records needed` });
    expect(short.saw).toBe(`9 records on ${topic}, 8 matching /^message #(\\d+) from producer-0$/; e.g. "hello" does not match /^message #(\\d+) from producer-0$/ (offset 0)`);

    await produce(kafka, topic, ['message #9 from producer-0', 'message #9 from producer-0']);
    expect(await runCheck(numbered, ctx)).toMatchObject({ status: 'fail', summary: `topic ${topic} lacks some numbered records`, saw: 'missing #3–#4' });

    await produce(kafka, topic, ['message #3 from producer-0', 'message #4 from producer-0']);
    const passed = await runCheck(numbered, ctx);
    expect(passed.status).toBe('pass');
    expect(passed.summary).toContain(`topic ${topic} holds 12 records matching`);
    await ctx.close();
  });

  it('records reads JSON values and checks the types of their fields', async () => {
    const ctx = context();
    const topic = uniqueTopic('json');
    const readings = check({ type: 'records', topic, min: 2, json: { id: 'string', timestamp: 'integer', value: 'number' } });
    await produce(kafkaFor(cluster()), topic, [JSON.stringify({ id: 's1', timestamp: 1700000000000, value: 21.5 }), JSON.stringify({ id: 's2', timestamp: '1700000000000', value: 20 }), 'not json']);
    const result = await runCheck(readings, ctx);
    expect(result).toMatchObject({ status: 'fail', summary: `topic ${topic} has 1 of the 2 records needed` });
    expect(result.saw).toContain('has timestamp: string, not integer (offset 1)');
    await produce(kafkaFor(cluster()), topic, [JSON.stringify({ id: 's3', timestamp: 1700000000001, value: 19 })]);
    expect((await runCheck(readings, ctx)).status).toBe('pass');
    await ctx.close();
  });

  it('records sees what a read_committed consumer sees: committed transactions, no aborted records, no markers', async () => {
    const ctx = context();
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('transactional');
    const producer = kafka.producer({ transactionalId: `${topic}-txn`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [values, commit] of [[['kept-0', 'kept-1'], true], [['aborted-0', 'aborted-1'], false], [['kept-2'], true]] as const) {
      const transaction = await producer.transaction();
      await transaction.send({ topic, messages: values.map((value) => ({ value })) });
      await (commit ? transaction.commit() : transaction.abort());
    }
    await producer.disconnect();
    const result = await runCheck(check({ type: 'records', topic, min: 3, max: 3 }), ctx);
    expect(result).toMatchObject({ status: 'pass' });
    expect(await runCheck(check({ type: 'records', topic, min: 1, match: 'aborted' }), ctx)).toMatchObject({ status: 'fail' });
    await ctx.close();
  });

  it('group-committed tells no commits from commits behind the end from commits at the end', async () => {
    const ctx = context();
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('committed');
    const group = uniqueTopic('readers');
    await produce(kafka, topic, Array.from({ length: 10 }, (_, i) => `v${i}`));
    const atEnd = check({ type: 'group-committed', group, topic, min: 10, atEnd: true });

    expect(await runCheck(atEnd, ctx)).toMatchObject({ status: 'fail', summary: `group ${group} has committed no offsets on ${topic}`, saw: 'no committed offsets' });
    await commitOffset(kafka, group, topic, 0, 4);
    expect(await runCheck(atEnd, ctx)).toMatchObject({ status: 'fail', summary: `group ${group} committed 4 on ${topic}`, saw: 'committed p0 4/10 (offset/end)' });
    expect(await runCheck(check({ type: 'group-committed', group, topic, min: 4 }), ctx)).toMatchObject({ status: 'pass' });
    await commitOffset(kafka, group, topic, 0, 10);
    expect(await runCheck(atEnd, ctx)).toMatchObject({ status: 'pass', summary: `group ${group} committed p0 10/10 on ${topic}` });
    await produce(kafka, topic, ['one more']);
    expect(await runCheck(atEnd, ctx)).toMatchObject({ status: 'fail', summary: `group ${group} is 1 records behind the end of ${topic}` });
    await ctx.close();
  });

  it('avro-records decodes every value with the schema, through a reader schema when given', async () => {
    const ctx = context();
    const kafka = kafkaFor(cluster());
    const topic = uniqueTopic('avro');
    const event = ctx.schemas.type('sample.avsc');
    const avroEvents = check({ type: 'avro-records', topic, schema: 'sample.avsc', min: 3 });

    await produce(kafka, topic, [JSON.stringify({ key: 'k', value: 'v', timestamp: 1 })]);
    const json = await runCheck(avroEvents, ctx);
    expect(json).toMatchObject({ status: 'fail', summary: `topic ${topic} has 0 of the 3 Avro records needed` });
    expect(json.saw).toMatch(/0 decode with sample.avsc; offset 0: .+ \(37 bytes\)/);

    await produce(kafka, topic, [0, 1, 2].map((i) => event.toBuffer({ key: `key-${i}`, value: `message #${i}`, timestamp: 1700000000000 + i })));
    expect((await runCheck(avroEvents, ctx)).status).toBe('pass');
    const asV2 = check({ type: 'avro-records', topic, schema: 'sample.avsc', reader: 'event-v2.avsc', min: 3, fields: { source: 'unknown' } });
    expect(await runCheck(asV2, ctx)).toMatchObject({ status: 'pass', summary: `topic ${topic} holds 3 Avro records written with sample.avsc, readable as event-v2.avsc` });
    const wrongDefault = check({ type: 'avro-records', topic, schema: 'sample.avsc', reader: 'event-v2.avsc', min: 3, fields: { source: 'kafka' } });
    expect(await runCheck(wrongDefault, ctx)).toMatchObject({ status: 'fail', saw: expect.stringContaining('source = "unknown", expected "kafka"') });
    await ctx.close();
  });

  it('avro-records with readable: false passes only when the reader schema cannot read the data, and says why', async () => {
    const ctx = context();
    const topic = uniqueTopic('v3');
    const v3 = ctx.schemas.type('event-v3.avsc');
    await produce(kafkaFor(cluster()), topic, [v3.toBuffer({ key: 'k', timestamp: 1 })]);
    const unreadable = await runCheck(check({ type: 'avro-records', topic, schema: 'event-v3.avsc', reader: 'sample.avsc', readable: false }), ctx);
    expect(unreadable).toMatchObject({ status: 'pass', summary: "sample.avsc cannot read records written with event-v3.avsc: field value is not in the writer's schema and has no default" });
    const readable = await runCheck(check({ type: 'avro-records', topic, schema: 'event-v3.avsc', reader: 'event-v3.avsc', readable: false }), ctx);
    expect(readable).toMatchObject({ status: 'fail', summary: 'event-v3.avsc can read records written with event-v3.avsc' });
    await ctx.close();
  });

  it('no check creates the topic or the group it looks for', async () => {
    const ctx = context();
    const topic = uniqueTopic('absent');
    const group = uniqueTopic('absent-group');
    for (const definition of [
      { type: 'topic-exists', topic },
      { type: 'records', topic },
      { type: 'avro-records', topic, schema: 'sample.avsc' },
      { type: 'group-committed', group, topic },
    ]) {
      expect((await runCheck(check(definition), ctx)).status).toBe('fail');
    }
    const { topics, groups } = cluster().describe();
    expect(topics.map((t) => t.name)).not.toContain(topic);
    expect(groups.map((g) => g.groupId)).not.toContain(group);
    await ctx.close();
  });

  it('a cluster that cannot be reached makes an error result, not a crash', async () => {
    const ctx = openCheckContext({ bootstrapServers: ['127.0.0.1:1'], workspaceDir: temporaryDir('workspace') });
    const result = await runCheck(check({ type: 'topic-exists', topic: 'sample' }), ctx);
    expect(result.status).toBe('error');
    expect(result.summary).toMatch(/^could not check: cannot reach the cluster at 127\.0\.0\.1:1/);
    await ctx.close();
  });

  it('client-connected needs introspection: skipped against bootstrap servers alone, decided with the embedded cluster', async () => {
    const connected = check({ type: 'client-connected', clientId: 'kafka-lab-check' });
    const outside = context();
    expect(await runCheck(connected, outside)).toMatchObject({ status: 'skipped', summary: expect.stringContaining('needs the cluster kafka-lab runs itself') });
    const inside = context({ introspection: cluster() });
    await inside.kafka.topicNames(); // the checks' own connection is a client with that id
    expect(await runCheck(connected, inside)).toMatchObject({ status: 'pass' });
    expect(await runCheck(check({ type: 'client-connected', clientId: 'nobody' }), inside)).toMatchObject({ status: 'fail', saw: expect.stringContaining('kafka-lab-check') });
    await Promise.all([outside.close(), inside.close()]);
  });
});

describe('file checks', () => {
  it('file-lines counts the lines that fit', async () => {
    const ctx = context();
    const lines = check({ type: 'file-lines', file: 'sensor.log', min: 3, json: { id: 'string' } });
    expect(await runCheck(lines, ctx)).toMatchObject({ status: 'fail', summary: 'sensor.log does not exist yet' });
    fs.writeFileSync(path.join(ctx.workspaceDir, 'sensor.log'), '{"id":"a"}\n{"id":1}\n\n{"id":"b"}\n');
    expect(await runCheck(lines, ctx)).toMatchObject({ status: 'fail', summary: 'sensor.log has 2 of the 3 lines needed', saw: '3 lines, 2 JSON with id: string; line 2: "{\\"id\\":1}" has id: integer, not string' });
    fs.appendFileSync(path.join(ctx.workspaceDir, 'sensor.log'), '{"id":"c"}\n');
    expect(await runCheck(lines, ctx)).toMatchObject({ status: 'pass', summary: 'sensor.log has 3 lines JSON with id: string' });
  });

  it('avro-file reads a container file\'s schema, codec and record count; files-by-size compares sizes', async () => {
    const ctx = context();
    const type = ctx.schemas.type('sample.avsc');
    const write = async (file: string, codec: string, count: number) => {
      const out = fs.createWriteStream(path.join(ctx.workspaceDir, file));
      const encoder = new avro.streams.BlockEncoder(type, { codec, codecs: { deflate: zlib.deflateRaw, null: (b: Buffer, cb: (e: null, b: Buffer) => void) => cb(null, b) } });
      encoder.pipe(out);
      for (let i = 0; i < count; i++) encoder.write({ key: `k${i}`, value: 'the same text again and again', timestamp: i });
      encoder.end();
      await finished(out);
    };
    const plainFile = check({ type: 'avro-file', file: 'events.avro', schema: 'sample.avsc', records: 500, codec: 'null' });
    fs.writeFileSync(path.join(ctx.workspaceDir, 'events.avro'), 'key,value\n');
    expect(await runCheck(plainFile, ctx)).toMatchObject({ status: 'fail', summary: 'events.avro is not an Avro container file' });
    await write('events.avro', 'null', 499);
    expect(await runCheck(plainFile, ctx)).toMatchObject({ status: 'fail', summary: 'events.avro has 499 records' });
    await write('events.avro', 'deflate', 500); // (replacing the file: the check must not answer from its cache)
    expect(await runCheck(plainFile, ctx)).toMatchObject({ status: 'fail', summary: 'events.avro uses codec deflate' });
    expect(await runCheck(check({ type: 'avro-file', file: 'events.avro', schema: 'squid_tweets.avsc' }), ctx)).toMatchObject({ status: 'fail', summary: 'events.avro was written with another schema' });
    await write('events.avro', 'null', 500);
    await write('events-deflate.avro', 'deflate', 500);
    expect((await runCheck(plainFile, ctx)).status).toBe('pass');

    const sizes = check({ type: 'files-by-size', files: ['events.avro', 'events-deflate.avro'] });
    expect(await runCheck(sizes, ctx)).toMatchObject({ status: 'pass', summary: expect.stringMatching(/^events\.avro [\d.]+ kB, events-deflate\.avro [\d.]+ (kB|B)$/) });
    expect(await runCheck(check({ type: 'files-by-size', files: ['events-deflate.avro', 'events.avro'] }), ctx)).toMatchObject({ status: 'fail', summary: 'events.avro is not smaller than events-deflate.avro' });
    expect(await runCheck(check({ type: 'files-by-size', files: ['events.avro', 'missing.csv'] }), ctx)).toMatchObject({ status: 'fail', summary: 'missing.csv does not exist yet' });
  });
});

const python = findPython(['kafka']);
describeWithClient(python, 'checks against kafka-python clients', (pythonCommand) => {
  it('records and group-committed see what a kafka-python producer and consumer group did', async () => {
    const ctx = context();
    const topic = uniqueTopic('py');
    const group = uniqueTopic('py-group');
    const script = `
import sys
from kafka import KafkaProducer, KafkaConsumer
servers, topic, group = sys.argv[1].split(','), sys.argv[2], sys.argv[3]
producer = KafkaProducer(bootstrap_servers=servers)
for i in range(20):
    producer.send(topic, f'message #{i} from producer-0'.encode())
producer.close()
consumer = KafkaConsumer(topic, bootstrap_servers=servers, group_id=group, auto_offset_reset='earliest')
for n, message in enumerate(consumer, start=1):
    if n == 15:
        break
consumer.close()
`;
    await run(pythonCommand, ['-c', script, cluster().bootstrapServers.join(','), topic, group]);
    expect(await runCheck(check({ type: 'records', topic, min: 20, match: '^message #(\\d+) from producer-0$', numbered: { from: 0, count: 20 } }), ctx)).toMatchObject({ status: 'pass' });
    expect(await runCheck(check({ type: 'group-committed', group, topic, atEnd: true }), ctx)).toMatchObject({ status: 'fail', saw: 'committed p0 15/20 (offset/end)' });
    expect(await runCheck(check({ type: 'group-committed', group, topic, min: 15 }), ctx)).toMatchObject({ status: 'pass' });
    await ctx.close();
  });
});
