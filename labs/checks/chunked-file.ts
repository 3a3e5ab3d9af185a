// `chunked-file`: a file too large for one record, sent in chunks: every chunk under one key (so
// they share a partition and keep their order), numbered by a `chunk` header "i/n", the last one
// carrying the whole file's SHA-256 in a `sha256` header — and the chunks put back together are
// the workspace's file, byte for byte.

import crypto from 'node:crypto';
import fs from 'node:fs';
import { text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass, plural } from './check-kind.ts';
import { formatSize, inWorkspace, statOrNull } from './workspace-files.ts';

export const chunkedFile = defineCheck({
  type: 'chunked-file',
  needs: ['bootstrap', 'workspace'],
  passes: 'the topic holds the workspace file in chunks under one key, numbered by a `chunk` header "i/n", with a `sha256` header that the chunks put together match',
  params: {
    topic: text('the topic'),
    file: text('the file, relative to the workspace'),
    key: text('the key of its chunks'),
  },
  describe: ({ topic, file, key }) => `${topic} holds ${file} in chunks keyed ${key}, with its checksum`,
  async run({ topic, file, key }, { kafka, workspaceDir }) {
    const wanted = `${file} in order, in chunks keyed ${key} with chunk headers i/n and a sha256 header`;
    const where = inWorkspace(workspaceDir, file);
    if (!statOrNull(where)?.isFile()) return fail(`${file} does not exist`, `no file ${where}`, 'the file made by kafka-lab init');
    if (!(await kafka.topicExists(topic))) return fail(`topic ${topic} does not exist yet`, `no topic ${topic}`, wanted);
    const { records } = await kafka.records(topic, 100_000, { headers: true });
    const chunks = records.filter((r) => r.key?.toString('utf8') === key);
    if (chunks.length === 0) return fail(`no record of ${topic} has the key ${key}`, `${plural(records.length, 'record')}, keys ${[...new Set(records.map((r) => r.key?.toString('utf8')))].slice(0, 3).join(', ')}`, wanted);
    // The last complete run of chunks 0..n-1, in offset order: a student may have sent it more than once.
    const numbered = chunks.map((r) => ({ r, chunk: /^(\d+)\/(\d+)$/.exec(r.headers?.chunk ?? '') }));
    const bad = numbered.find((c) => !c.chunk);
    if (bad) return fail(`a chunk has no "chunk" header like 0/12`, `offset ${bad.r.offset}: headers ${JSON.stringify(bad.r.headers ?? {})}`, wanted);
    const partitions = new Set(chunks.map((c) => c.partition));
    if (partitions.size > 1) return fail(`the chunks are spread over ${partitions.size} partitions`, `partitions ${[...partitions].join(', ')}`, 'one key, so one partition and one order');
    const lastStart = numbered.map((c) => c.chunk![1]).lastIndexOf('0');
    const run = numbered.slice(lastStart);
    const total = Number(run[0].chunk![2]);
    const inOrder = run.length === total && run.every((c, i) => Number(c.chunk![1]) === i && Number(c.chunk![2]) === total);
    if (!inOrder) return fail('the chunks are not 0/n, 1/n, … n-1/n in order', run.map((c) => c.r.headers?.chunk).slice(0, 8).join(', '), wanted);
    const assembled = Buffer.concat(run.map((c) => c.r.value ?? Buffer.alloc(0)));
    const digest = crypto.createHash('sha256').update(assembled).digest('hex');
    const stated = run.at(-1)!.r.headers?.sha256;
    const expected = crypto.createHash('sha256').update(fs.readFileSync(where)).digest('hex');
    if (!stated) return fail('the last chunk has no sha256 header', `headers ${JSON.stringify(run.at(-1)!.r.headers ?? {})}`, wanted);
    if (stated !== digest) return fail("the chunks put together do not match the sha256 header", `header ${stated.slice(0, 16)}…, chunks ${digest.slice(0, 16)}…`, 'the checksum of the bytes sent');
    if (digest !== expected) return fail(`the chunks put together are not ${file}`, `${formatSize(assembled.length)}, sha256 ${digest.slice(0, 16)}…`, `${formatSize(fs.statSync(where).size)}, sha256 ${expected.slice(0, 16)}…`);
    return pass(`${file} (${formatSize(assembled.length)}) in ${plural(total, 'chunk')} keyed ${key}, sha256 ${digest.slice(0, 16)}… matches`);
  },
});
