// The codec generated from Kafka's JSON message specs: what the generator makes of each feature of
// the spec format (versions, nullable versions, tags, defaults, common and nullable structs, int64
// beyond 2^53), proven by encoding and decoding with the modules it writes; its refusals of specs
// it cannot describe; and that the modules of Kafka 4.3.1's own specs describe every message the
// API modules use.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_APIS } from '../apis/index.ts';
import { generateMessage, parseSpec, type MessageSpec } from '../protocol/codegen/generate.ts';
import type { Ctx, MessageType } from '../protocol/schema.ts';
import { MalformedFrameError, Reader, Writer } from '../protocol/wire.ts';

const SCHEMA = pathToFileURL(path.resolve(import.meta.dirname, '../protocol/schema.ts')).href;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-lab-codegen-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** Generates the module of `spec`, writes it and imports it. */
async function load(spec: MessageSpec): Promise<Record<string, MessageType<any>>> {
  const { file, source } = generateMessage(spec, `${spec.name}.json`, 'a test', SCHEMA);
  const target = path.join(scratch, `${++counter}-${file}`);
  fs.writeFileSync(target, source);
  return import(pathToFileURL(target).href);
}

const ctx = (version: number, flexible = version >= 2): Ctx => ({ version, flexible });
const encode = (type: MessageType<any>, value: Record<string, unknown>, c: Ctx) => {
  const w = new Writer();
  type.write(w, value, c);
  return w.toBuffer();
};
const decode = (type: MessageType<any>, data: Buffer, c: Ctx) => {
  const r = new Reader(data);
  const value = type.read(r, c);
  expect(r.remaining, 'bytes left').toBe(0);
  return value;
};

// A made-up request using each feature of the spec format once, fields out of tag order on purpose.
const SAMPLE: MessageSpec = {
  apiKey: 1000,
  type: 'request',
  name: 'SampleRequest',
  validVersions: '0-3',
  flexibleVersions: '2+',
  commonStructs: [{ name: 'Endpoint', versions: '0+', fields: [{ name: 'Host', type: 'string', versions: '0+' }, { name: 'Port', type: 'uint16', versions: '0+' }] }],
  fields: [
    { name: 'Name', type: 'string', versions: '0+', nullableVersions: '1+', about: 'Nullable from v1 on.' },
    { name: 'Note', type: 'string', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'Timeout', type: 'int32', versions: '1+', default: '0x7fffffff' },
    { name: 'Watermark', type: 'int64', versions: '0+', default: '9223372036854775807' },
    { name: 'Later', type: 'int8', versions: '2+', taggedVersions: '2+', tag: 5, default: '-1' },
    { name: 'Sooner', type: 'Endpoint', versions: '2+', taggedVersions: '2+', tag: 1 },
    { name: 'Where', type: 'Endpoint', versions: '0+', nullableVersions: '0+', default: 'null' },
    { name: 'Items', type: '[]Item', versions: '0+', fields: [{ name: 'Id', type: 'uuid', versions: '0+' }, { name: 'Flags', type: '[]bool', versions: '3+' }] },
  ],
};

describe('a module generated from a message spec', () => {
  it('decodes what it encodes in every version, with the defaults of the fields a version lacks', async () => {
    const { SampleRequest } = await load(SAMPLE);
    expect(SampleRequest.apiKey).toBe(1000);
    expect(SampleRequest.flexibleVersions).toEqual({ min: 2, max: Infinity });
    const value = {
      name: 'orders',
      note: null,
      timeout: 30_000,
      watermark: 7n,
      later: 3,
      sooner: { host: 'b', port: 9093 },
      where: { host: 'a', port: 9092 },
      items: [{ id: 'ab'.repeat(16), flags: [true, false] }],
    };
    for (const version of [0, 1, 2, 3]) {
      const decoded = decode(SampleRequest, encode(SampleRequest, value, ctx(version)), ctx(version));
      expect(decoded).toEqual({
        ...value,
        timeout: version >= 1 ? 30_000 : 0x7fffffff,
        later: version >= 2 ? 3 : -1,
        sooner: version >= 2 ? value.sooner : { host: '', port: 0 },
        items: [{ id: 'ab'.repeat(16), flags: version >= 3 ? [true, false] : [] }],
      });
    }
  });

  it('writes tagged fields in tag order, whatever their order in the spec', async () => {
    const { SampleRequest } = await load(SAMPLE);
    const tagsOf = (data: Buffer) => {
      // Name(compact "x"), Note(null), Timeout, Watermark, Where(null), Items(empty), then the tag section.
      const r = new Reader(data);
      r.bytesOf(2 + 1 + 4 + 8 + 1 + 1);
      const count = r.unsignedVarint();
      const tags: number[] = [];
      for (let i = 0; i < count; i++) {
        tags.push(r.unsignedVarint());
        r.bytesOf(r.unsignedVarint());
      }
      return tags;
    };
    const data = encode(SampleRequest, { name: 'x', note: null, watermark: 0n, items: [], where: null, later: 4, sooner: { host: '', port: 1 } }, ctx(2));
    expect(tagsOf(data)).toEqual([1, 5]);
    expect(tagsOf(encode(SampleRequest, { name: 'x', note: null, watermark: 0n, items: [], where: null }, ctx(2)))).toEqual([]);
  });

  it('takes null only in the versions Kafka makes a field nullable in', async () => {
    const { SampleRequest } = await load(SAMPLE);
    const withName = (name: string | null) => ({ name, watermark: 0n, items: [] });
    expect(decode(SampleRequest, encode(SampleRequest, withName(null), ctx(1)), ctx(1)).name).toBeNull();
    expect(() => encode(SampleRequest, withName(null), ctx(0))).toThrow(/not nullable/);
    // A v0 frame with a null name (length -1) is refused, not read as a name.
    const v1Null = encode(SampleRequest, withName(null), ctx(1));
    const v0Frame = Buffer.concat([v1Null.subarray(0, 2), v1Null.subarray(2 + 4)]);
    expect(() => SampleRequest.read(new Reader(v0Frame), ctx(0))).toThrow(MalformedFrameError);
  });

  it('keeps an int64 whose default is Long.MAX_VALUE exact, as a bigint', async () => {
    const { SampleRequest } = await load(SAMPLE);
    const decoded = decode(SampleRequest, encode(SampleRequest, { name: 'x', items: [] }, ctx(0)), ctx(0));
    expect(decoded.watermark).toBe(9223372036854775807n);
  });

  it('refuses a tagged field whose value does not fill the size it declares', async () => {
    const { SampleRequest } = await load(SAMPLE);
    const data = encode(SampleRequest, { name: 'x', watermark: 0n, items: [], later: 4 }, ctx(2));
    // The last tagged field is `later` (tag 5, one byte): claim two bytes and add one.
    const padded = Buffer.concat([data.subarray(0, data.length - 2), Buffer.from([2, 4, 0])]);
    expect(() => SampleRequest.read(new Reader(padded), ctx(2))).toThrow(/left over after tagged field later/);
  });

  it('refuses a spec it cannot describe, naming the file and the field', () => {
    const broken = (field: object) => ({ ...SAMPLE, fields: [{ name: 'Broken', versions: '0+', ...field } as never] });
    expect(() => generateMessage(broken({ type: 'int32', nullableVersions: '0+' }), 'Bad.json', 'a test')).toThrow('SampleRequest.Broken: int32 cannot be nullable');
    expect(() => generateMessage(broken({ type: 'string', default: 'null' }), 'Bad.json', 'a test')).toThrow(/Broken: default null on a field that is never nullable/);
    expect(() => generateMessage(broken({ type: 'int8', tag: 3 }), 'Bad.json', 'a test')).toThrow(/needs both tag and taggedVersions/);
    expect(() => generateMessage(broken({ type: '[]Missing' }), 'Bad.json', 'a test')).toThrow(/struct Missing has no fields and is no common struct/);
    expect(() => parseSpec('{ "name": ', 'Cut.json')).toThrow(/Cut.json: not valid JSON/);
    expect(() => parseSpec('// only a comment\n{}', 'Empty.json')).toThrow(/Empty.json: not a Kafka message spec/);
  });

  it('reads the // comments and licence header Kafka writes in its specs', () => {
    const spec = parseSpec('// Licensed to the ASF\n{\n  "apiKey": 7, // an inline note\n  "type": "request", "name": "XRequest", "validVersions": "none"\n}', 'X.json');
    expect(spec).toMatchObject({ apiKey: 7, name: 'XRequest', fields: [] });
  });
});

describe("Kafka 4.3.1's specs", () => {
  it('describe every request and response the API modules serve, within the versions Kafka defines', () => {
    for (const api of ALL_APIS) {
      for (const message of [api.request, api.response] as MessageType<any>[]) {
        expect(message.apiKey, `${api.name}: ${message.name}`).toBe(api.key);
        expect(api.versions.min, `${api.name} min`).toBeGreaterThanOrEqual(message.validVersions.min);
        expect(api.versions.max, `${api.name} max`).toBeLessThanOrEqual(message.validVersions.max);
      }
      expect(api.flexible, api.name).toEqual((api.request as MessageType<any>).flexibleVersions);
    }
  });
});
