// The one codec mechanism for every API and every version.
//
// A message is described once, as Kafka's JSON message specs describe it: fields in wire order,
// each present in a range of versions ("3+", "1-4"), optionally nullable in some of them, optionally
// tagged. The same description decodes a request and encodes a response for any version;
// "flexible" versions switch strings, bytes and arrays to their compact forms and add tagged-field
// sections, as in KIP-482. The descriptions of Kafka's APIs are generated from Kafka's own JSON
// message specs (protocol/codegen, into protocol/messages); internal formats are written here by hand.

import { MalformedFrameError, Reader, Writer } from './wire.ts';

export interface Ctx {
  version: number;
  flexible: boolean;
}

/** A wire type. D is what decoding yields; E is what encoding accepts (structs let fields be omitted). */
export interface Type<D, E = D> {
  read(r: Reader, c: Ctx): D;
  write(w: Writer, v: E, c: Ctx): void;
  /** The value of a field in versions where it does not exist. */
  readonly zero: D;
  /** What a list, a nullable struct or a partly nullable field holds: for tools that walk a description. */
  readonly inner?: Type<any, any>;
}

export interface VersionRange {
  min: number;
  max: number;
}

export const NO_VERSIONS: VersionRange = { min: Infinity, max: -Infinity };

export function versions(spec: string): VersionRange {
  if (spec === 'none') return NO_VERSIONS;
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: Infinity };
  const range = /^(\d+)(?:-(\d+))?$/.exec(spec);
  if (!range) throw new Error(`bad version range "${spec}"`);
  return { min: Number(range[1]), max: Number(range[2] ?? range[1]) };
}

export const inRange = (range: VersionRange, version: number) => version >= range.min && version <= range.max;

// ---------------------------------------------------------------- primitives

function primitive<T>(zero: T, read: (r: Reader) => T, write: (w: Writer, v: T) => void): Type<T> {
  return { zero, read: (r) => read(r), write: (w, v) => write(w, v) };
}

export const int8 = primitive(0, (r) => r.int8(), (w, v) => w.int8(v));
export const int16 = primitive(0, (r) => r.int16(), (w, v) => w.int16(v));
export const int32 = primitive(0, (r) => r.int32(), (w, v) => w.int32(v));
/**
 * int64 as a JS number: offsets, timestamps, producer ids and epochs stay far below 2^53. Fields
 * that carry values beyond that (Long.MAX_VALUE sentinels) are `bigint64`.
 */
export const int64 = primitive(0, (r) => r.int64(), (w, v) => w.int64(v));
export const bigint64 = primitive(0n, (r) => r.bigint64(), (w, v) => w.bigint64(v));
export const uint16 = primitive(0, (r) => r.uint16(), (w, v) => w.uint16(v));
export const float64 = primitive(0, (r) => r.float64(), (w, v) => w.float64(v));
export const bool = primitive(false, (r) => r.bool(), (w, v) => w.bool(v));
export const uuid = primitive('0'.repeat(32), (r) => r.uuid(), (w, v) => w.uuid(v));

export const nullableString: Type<string | null> = {
  zero: null,
  read(r, c) {
    return r.sized(c.flexible, 16)?.toString('utf8') ?? null;
  },
  write(w, v, c) {
    w.sized(v === null ? null : Buffer.from(v, 'utf8'), c.flexible, 16);
  },
};

export const string: Type<string> = {
  zero: '',
  read(r, c) {
    const value = nullableString.read(r, c);
    if (value === null) throw new MalformedFrameError('null in a non-nullable string');
    return value;
  },
  write: (w, v, c) => nullableString.write(w, v, c),
};

export const nullableBytes: Type<Buffer | null> = {
  zero: null,
  read: (r, c) => r.sized(c.flexible, 32),
  write: (w, v, c) => w.sized(v, c.flexible, 32),
};

export const bytes: Type<Buffer> = {
  zero: Buffer.alloc(0),
  read(r, c) {
    const value = r.sized(c.flexible, 32);
    if (value === null) throw new MalformedFrameError('null in non-nullable bytes');
    return value;
  },
  write: (w, v, c) => w.sized(v, c.flexible, 32),
};


/**
 * A field nullable in some of its versions only (Kafka's nullableVersions narrower than versions):
 * `nullable` in those, `plain` in the rest, where a null cannot be written and is not accepted.
 */
export function nullableIn<D, E>(spec: string, nullable: Type<D | null, E | null>, plain: Type<D, E>): Type<D | null, E | null> {
  const range = versions(spec);
  return {
    zero: plain.zero,
    inner: plain,
    read: (r, c) => (inRange(range, c.version) ? nullable.read(r, c) : plain.read(r, c)),
    write(w, v, c) {
      if (inRange(range, c.version)) return nullable.write(w, v, c);
      if (v === null) throw new Error(`null written in version ${c.version}, where the field is not nullable (only in ${spec})`);
      plain.write(w, v, c);
    },
  };
}

// ---------------------------------------------------------------- arrays

function readCount(r: Reader, c: Ctx): number {
  const count = c.flexible ? r.unsignedVarint() - 1 : r.int32();
  if (count < -1) throw new MalformedFrameError(`negative array length ${count}`);
  // Each element takes at least one byte: a count beyond the frame is a lie, not a big array.
  if (count > r.remaining) throw new MalformedFrameError(`array of ${count} in ${r.remaining} bytes`);
  return count;
}

function writeCount(w: Writer, count: number, c: Ctx) {
  if (c.flexible) w.unsignedVarint(count + 1);
  else w.int32(count);
}

export function nullableArray<D, E>(of: Type<D, E>): Type<D[] | null, readonly E[] | null> {
  return {
    zero: null,
    inner: of,
    read(r, c) {
      const count = readCount(r, c);
      if (count === -1) return null;
      const items = new Array<D>(count);
      for (let i = 0; i < count; i++) items[i] = of.read(r, c);
      return items;
    },
    write(w, v, c) {
      if (v === null) return writeCount(w, -1, c);
      writeCount(w, v.length, c);
      for (const item of v) of.write(w, item, c);
    },
  };
}

export function array<D, E>(of: Type<D, E>): Type<D[], readonly E[]> {
  const inner = nullableArray(of);
  return {
    zero: [],
    inner: of,
    read(r, c) {
      return inner.read(r, c) ?? [];
    },
    write: (w, v, c) => inner.write(w, v, c),
  };
}

// ---------------------------------------------------------------- structs

/** A field present only in some versions, or carried in the tagged-field section. */
export interface Field<D, E = D> {
  readonly kind: 'field';
  readonly type: Type<D, E>;
  readonly range: VersionRange;
  readonly tag?: number;
  readonly zero: D;
}

/** `since('3+', int32)`: a field that exists in the given versions only. */
export function since<D, E>(spec: string, type: Type<D, E>, zero: D = type.zero): Field<D, E> {
  return { kind: 'field', type, range: versions(spec), zero };
}

/** A tagged field (flexible versions only), written only when it differs from its zero value. */
export function tagged<D, E>(tag: number, spec: string, type: Type<D, E>, zero: D = type.zero): Field<D, E> {
  return { kind: 'field', type, range: versions(spec), tag, zero };
}

export type Spec = Record<string, Type<any, any> | Field<any, any>>;
type DecodedOf<S> = S extends Field<infer D, any> ? D : S extends Type<infer D, any> ? D : never;
type EncodedOf<S> = S extends Field<any, infer E> ? E : S extends Type<any, infer E> ? E : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type Decoded<S extends Spec> = Simplify<{ -readonly [K in keyof S]: DecodedOf<S[K]> }>;
/** Fields that exist in every version are required; version-bound and tagged ones may be omitted. */
export type Encodable<S extends Spec> = Simplify<
  { [K in keyof S as S[K] extends Field<any, any> ? never : K]: EncodedOf<S[K]> } & {
    [K in keyof S as S[K] extends Field<any, any> ? K : never]?: EncodedOf<S[K]>;
  }
>;

export type StructType<S extends Spec> = Type<Decoded<S>, Encodable<S>> & { readonly spec: S };
export type DecodedType<T> = T extends Type<infer D, any> ? D : never;
export type EncodableType<T> = T extends Type<any, infer E> ? E : never;

interface CompiledField {
  name: string;
  type: Type<unknown, unknown>;
  range: VersionRange;
  tag?: number;
  zero: unknown;
}

function compile(spec: Spec): CompiledField[] {
  return Object.entries(spec).map(([name, entry]) =>
    'kind' in entry
      ? { name, type: entry.type, range: entry.range, tag: entry.tag, zero: entry.zero }
      : { name, type: entry, range: { min: 0, max: Infinity }, zero: entry.zero },
  );
}

export function struct<S extends Spec>(spec: S): StructType<S> {
  const fields = compile(spec);
  const untagged = fields.filter((f) => f.tag === undefined);
  // Tagged fields go on the wire in tag order (KIP-482), whatever their order in the description.
  const taggedFields = fields.filter((f) => f.tag !== undefined).sort((a, b) => a.tag! - b.tag!);

  return {
    spec,
    zero: Object.fromEntries(fields.map((f) => [f.name, f.zero])) as Decoded<S>,

    read(r, c) {
      const out: Record<string, unknown> = {};
      for (const f of untagged) out[f.name] = inRange(f.range, c.version) ? f.type.read(r, c) : f.zero;
      for (const f of taggedFields) out[f.name] = f.zero;
      if (c.flexible) {
        const count = r.unsignedVarint();
        for (let i = 0; i < count; i++) {
          const tag = r.unsignedVarint();
          const size = r.unsignedVarint();
          const data = r.bytesOf(size);
          const known = taggedFields.find((f) => f.tag === tag && inRange(f.range, c.version));
          // Unknown tags are skipped, as the spec requires; a known one must fill its size exactly.
          if (known) out[known.name] = readWhole(known.type, data, c, `tagged field ${known.name} (tag ${tag})`);
        }
      }
      return out as Decoded<S>;
    },

    write(w, value, c) {
      const v = value as Record<string, unknown>;
      for (const f of untagged) {
        if (inRange(f.range, c.version)) f.type.write(w, v[f.name] === undefined ? f.zero : v[f.name], c);
      }
      if (c.flexible) {
        const present = taggedFields.filter((f) => inRange(f.range, c.version) && !isZero(v[f.name], f.zero));
        w.unsignedVarint(present.length);
        for (const f of present) {
          w.unsignedVarint(f.tag!);
          const inner = new Writer(32);
          f.type.write(inner, v[f.name], c);
          const encoded = inner.toBuffer();
          w.unsignedVarint(encoded.length).raw(encoded);
        }
      }
    },
  };
}

/** A tagged field holding this is left out: absent, its default, or an empty list where the default is one. */
const isZero = (value: unknown, zero: unknown) =>
  value === undefined || value === zero || (Array.isArray(value) && Array.isArray(zero) && value.length === 0 && zero.length === 0);

/** Reads `data` as one value of `type`, refusing bytes left over. */
export function readWhole<D>(type: Type<D, any>, data: Buffer, c: Ctx, what: string): D {
  const inner = new Reader(data);
  const value = type.read(inner, c);
  if (inner.remaining > 0) throw new MalformedFrameError(`${inner.remaining} bytes left over after ${what}`);
  return value;
}

/** A struct that may be null (Kafka's nullable struct fields): an int8 marker, -1 for null, 1 before the struct. */
export function nullableStruct<D, E>(of: Type<D, E>): Type<D | null, E | null> {
  return {
    zero: null,
    inner: of,
    read(r, c) {
      const marker = r.int8();
      if (marker === -1) return null;
      if (marker !== 1) throw new MalformedFrameError(`nullable struct marker ${marker} is neither -1 nor 1`);
      return of.read(r, c);
    },
    write(w, v, c) {
      if (v === null) return void w.int8(-1);
      w.int8(1);
      of.write(w, v, c);
    },
  };
}

// ---------------------------------------------------------------- messages

/** What a Kafka JSON message spec says of a request or response besides its fields. */
export interface MessageInfo {
  readonly apiKey: number;
  /** "ProduceRequest", as in Kafka's JSON. */
  readonly name: string;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
}

export type MessageType<S extends Spec> = StructType<S> & MessageInfo;

export function message<S extends Spec>(info: { apiKey: number; name: string; validVersions: string; flexibleVersions: string }, spec: S): MessageType<S> {
  return { ...struct(spec), apiKey: info.apiKey, name: info.name, validVersions: versions(info.validVersions), flexibleVersions: versions(info.flexibleVersions) };
}

/**
 * A record set: decodes to the raw bytes (records.ts parses them); encodes from one buffer or a
 * list of stored batches, which the writer takes by reference (Writer.external): a fetch hands the
 * log's own buffers to the socket without copying them.
 */
export const records: Type<Buffer | null, Buffer | readonly Buffer[] | null> = {
  zero: null,
  read: (r, c) => r.sized(c.flexible, 32),
  write(w, v, c) {
    if (v === null) return w.sized(null, c.flexible, 32);
    const batches = Buffer.isBuffer(v) ? [v] : v;
    const length = batches.reduce((sum, b) => sum + b.length, 0);
    if (c.flexible) w.unsignedVarint(length + 1);
    else w.int32(length);
    for (const batch of batches) w.external(batch);
  },
};
