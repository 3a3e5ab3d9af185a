// Decompression of record batch payloads. The broker stores and serves batches compressed as they
// came; it only decompresses to validate records and to search them (timestamps, keys).
//
// A few compressed bytes can claim gigabytes (gzip reaches 1032:1, zstd far more), so every
// decompression has an output limit and stops as soon as it passes it: gzip and zstd counting
// zlib's output, snappy by the lengths its blocks declare (read before inflating), lz4 block by
// block within the frame's block size. Produce validation inflates off the event loop (zlib and
// the native codecs on libuv's thread pool) and hands the bytes on as they come to a parser that
// keeps none of them (record-scanner.ts, run by record-validation.ts within a byte budget): a
// client sending bombs neither stalls other connections nor makes the broker hold more than a
// few pieces of each.

import { createRequire } from 'node:module';
import zlib from 'node:zlib';

// The native snappy and lz4 codecs load with the first batch that needs them: most clusters never
// see one, and loading both would add milliseconds to every start (`kafka-lab broker`'s budget).
const load = createRequire(import.meta.url);
let snappyModule: typeof import('snappy') | undefined;
let lz4Module: typeof import('lz4-napi') | undefined;
const snappy = () => (snappyModule ??= load('snappy') as typeof import('snappy'));
const lz4 = () => (lz4Module ??= load('lz4-napi') as typeof import('lz4-napi'));

/** The codec ids of the batch attributes' low three bits. */
export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionCodec = (typeof CODECS)[number] | 'unknown';

const MiB = 1024 * 1024;
/** What one batch may decompress to unless the cluster says otherwise. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * MiB;
/** The most any batch is ever inflated to, the highest limit a cluster may set. */
export const MAX_DECOMPRESSED_BYTES = 256 * MiB;

/** A payload that decompresses to more than the limit; no more than about the limit was inflated. */
export class DecompressionLimitError extends Error {
  override name = 'DecompressionLimitError';
  constructor(
    readonly codec: CompressionCodec,
    readonly limit: number,
  ) {
    super(`${codec} batch decompresses to more than ${limit} bytes`);
  }
}

// ------------------------------------------------------------------ snappy

// Java's snappy-java writes a framed stream: this magic, two int32 versions, then
// (int32 length, snappy block) chunks. librdkafka and kafkajs-snappy read both forms.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

/** The raw snappy blocks of a payload and the total they declare they decompress to. */
function snappyBlocks(payload: Buffer, limit: number): Buffer[] {
  const blocks: Buffer[] = [];
  if (payload.length < XERIAL_HEADER_BYTES || !payload.subarray(0, 8).equals(XERIAL_MAGIC)) {
    blocks.push(payload);
  } else {
    let at = XERIAL_HEADER_BYTES;
    while (at < payload.length) {
      if (at + 4 > payload.length) throw new Error('truncated xerial snappy chunk header');
      const length = payload.readInt32BE(at);
      at += 4;
      if (length < 0 || at + length > payload.length) throw new Error(`xerial snappy chunk of ${length} bytes overruns`);
      blocks.push(payload.subarray(at, at + length));
      at += length;
    }
  }
  // Every snappy block starts with its uncompressed length: refuse before allocating any of it.
  const declared = blocks.reduce((sum, block) => sum + snappyLength(block), 0);
  if (declared > limit) throw new DecompressionLimitError('snappy', limit);
  return blocks;
}

/** The uncompressed length a raw snappy block starts with (a little-endian base-128 varint). */
function snappyLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length) throw new Error('truncated snappy block length');
    const byte = block[i];
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw new Error('snappy block length longer than 32 bits');
}

// ------------------------------------------------------------------ lz4

// The LZ4 frame format (lz4_Frame_format.md): magic, FLG, BD, optional content size and dictionary
// id, header checksum, then blocks (int32 LE size, its top bit set for a stored block; 0 ends the
// frame), each with an optional checksum, and an optional content checksum. The batch CRC already
// covers these bytes, so the xxHash checksums are skipped, not verified.
const LZ4_MAGIC = 0x184d2204;
const LZ4_SKIPPABLE = 0x184d2a50; // 0x184D2A50 to 0x184D2A5F
const LZ4_BLOCK_MAX = [0, 0, 0, 0, 64 * 1024, 256 * 1024, MiB, 4 * MiB];
const LZ4_WINDOW = 64 * 1024;

interface Lz4Block {
  data: Buffer;
  stored: boolean;
  /** The frame's block maximum size: no block decompresses to more. */
  maxSize: number;
  /** Linked blocks may refer to the 64 KiB decompressed before them in the same frame. */
  linked: boolean;
  firstOfFrame: boolean;
}

function lz4Blocks(payload: Buffer, limit: number): Lz4Block[] {
  const blocks: Lz4Block[] = [];
  let at = 0;
  const need = (bytes: number, what: string) => {
    if (at + bytes > payload.length) throw new Error(`truncated lz4 frame: ${what}`);
  };
  while (at < payload.length) {
    need(4, 'magic');
    const magic = payload.readUInt32LE(at);
    at += 4;
    if ((magic & 0xfffffff0) === LZ4_SKIPPABLE) {
      need(4, 'skippable frame size');
      at += 4 + payload.readUInt32LE(at);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw new Error(`not an lz4 frame (magic ${magic.toString(16)})`);
    need(2, 'frame descriptor');
    const flags = payload[at++];
    const blockDescriptor = payload[at++];
    if (flags >> 6 !== 1) throw new Error(`lz4 frame version ${flags >> 6}`);
    const maxSize = LZ4_BLOCK_MAX[(blockDescriptor >> 4) & 0x07];
    if (!maxSize) throw new Error(`lz4 block maximum size id ${(blockDescriptor >> 4) & 0x07}`);
    const linked = (flags & 0x20) === 0;
    const blockChecksums = (flags & 0x10) !== 0;
    if (flags & 0x08) {
      need(8, 'content size');
      if (Number(payload.readBigUInt64LE(at)) > limit) throw new DecompressionLimitError('lz4', limit);
      at += 8;
    }
    if (flags & 0x01) at += 4; // dictionary id
    at += 1; // header checksum
    let firstOfFrame = true;
    for (;;) {
      need(4, 'block size');
      const size = payload.readUInt32LE(at);
      at += 4;
      if (size === 0) break;
      const length = size & 0x7fffffff;
      if (length > maxSize) throw new Error(`lz4 block of ${length} bytes in a frame of ${maxSize}-byte blocks`);
      need(length, 'block');
      blocks.push({ data: payload.subarray(at, at + length), stored: (size & 0x80000000) !== 0, maxSize, linked, firstOfFrame });
      firstOfFrame = false;
      at += length + (blockChecksums ? 4 : 0);
    }
    if (flags & 0x04) at += 4; // content checksum
  }
  return blocks;
}

/** lz4-napi inflates a block behind its little-endian output capacity: the frame's block size. */
function sizedLz4Block(block: Lz4Block): Buffer {
  const capacity = Buffer.alloc(4);
  capacity.writeUInt32LE(block.maxSize, 0);
  return Buffer.concat([capacity, block.data]);
}

/** Where inflated bytes go, a piece at a time; it may throw to stop the inflating there. */
export type InflateSink = (piece: Buffer) => void;

/** Runs through an lz4 payload's blocks, handing each inflated block on, within `limit` bytes in all. */
function lz4Output(limit: number, sink: InflateSink) {
  let total = 0;
  let window: Buffer | undefined;
  return {
    dictionary(block: Lz4Block): Buffer | undefined {
      if (block.firstOfFrame) window = undefined;
      return block.linked ? window : undefined;
    },
    add(part: Buffer): void {
      total += part.length;
      if (total > limit) throw new DecompressionLimitError('lz4', limit);
      sink(part);
      window = part.length >= LZ4_WINDOW ? part.subarray(part.length - LZ4_WINDOW) : Buffer.concat([window ?? Buffer.alloc(0), part]).subarray(-LZ4_WINDOW);
    },
  };
}

// ------------------------------------------------------------------ zstd

// A zstd frame (RFC 8878): magic, a descriptor byte, the window descriptor unless the frame is one
// segment, a dictionary id, the content size. The decoder holds up to the window it declares.
const ZSTD_MAGIC = 0xfd2fb528;

/** The most the first frame's decoder holds: its window (or content size), within `limit`. */
function zstdWindow(payload: Buffer, limit: number): number {
  if (payload.length < 6 || payload.readUInt32LE(0) !== ZSTD_MAGIC) return limit;
  const descriptor = payload[4];
  const singleSegment = (descriptor & 0x20) !== 0;
  if (!singleSegment) {
    const exponent = payload[5] >> 3;
    const base = 2 ** (10 + exponent);
    return Math.min(limit, base + (base / 8) * (payload[5] & 0x07));
  }
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 0x03];
  const sizeBytes = [1, 2, 4, 8][descriptor >> 6];
  const at = 5 + dictionaryBytes;
  if (at + sizeBytes > payload.length) return limit;
  const size = sizeBytes === 1 ? payload[at] : sizeBytes === 2 ? payload.readUInt16LE(at) + 256 : sizeBytes === 4 ? payload.readUInt32LE(at) : Number(payload.readBigUInt64LE(at));
  return Math.min(limit, size);
}

// ------------------------------------------------------------------ the codecs

/** The pieces zlib hands gzip and zstd output on in (its own default is 16 KiB). */
const STREAM_PIECE_BYTES = 64 * 1024;
/** What a zlib stream holds while it inflates: its 32 KiB window, the piece it fills, pieces not yet taken. */
const STREAM_FOOTPRINT = 4 * STREAM_PIECE_BYTES;

function inflateStream(codec: 'gzip' | 'zstd'): zlib.Gunzip | zlib.ZstdDecompress {
  if (codec === 'gzip') return zlib.createGunzip({ chunkSize: STREAM_PIECE_BYTES });
  if (typeof zlib.createZstdDecompress !== 'function') throw new Error('zstd needs Node 22.15 or newer');
  return zlib.createZstdDecompress({ chunkSize: STREAM_PIECE_BYTES });
}

/**
 * Inflates a payload off the event loop (zlib and the native codecs on libuv's thread pool),
 * handing the bytes to `sink` as they come: gzip and zstd in 64 KiB pieces, lz4 and snappy a
 * block at a time (their blocks cannot be inflated in smaller steps). Stops as soon as more than
 * `limit` bytes came out (DecompressionLimitError) or the sink throws (its error), holding nothing
 * but the piece at hand.
 */
export async function inflateInto(codec: CompressionCodec, payload: Buffer, limit: number, sink: InflateSink): Promise<void> {
  switch (codec) {
    case 'none':
      return sink(payload);
    case 'gzip':
    case 'zstd': {
      const stream = inflateStream(codec);
      stream.end(payload);
      let total = 0;
      // Leaving the loop (the limit, the sink's error) destroys the stream, and zlib stops there.
      for await (const piece of stream as AsyncIterable<Buffer>) {
        total += piece.length;
        if (total > limit) throw new DecompressionLimitError(codec, limit);
        sink(piece);
      }
      return;
    }
    case 'snappy':
      for (const block of snappyBlocks(payload, limit)) sink((await snappy().uncompress(block)) as Buffer);
      return;
    case 'lz4': {
      const output = lz4Output(limit, sink);
      for (const block of lz4Blocks(payload, limit)) {
        const dictionary = output.dictionary(block);
        output.add(block.stored ? block.data : await lz4().uncompress(sizedLz4Block(block), dictionary));
      }
      return;
    }
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

/** Inflates a payload off the event loop into one buffer, refusing (DecompressionLimitError) past `limit` bytes. */
export async function decompress(codec: CompressionCodec, payload: Buffer, limit: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  await inflateInto(codec, payload, limit, (piece) => void pieces.push(piece));
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

const tooLarge = (codec: CompressionCodec, limit: number) => (error: unknown) => {
  if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressionLimitError(codec, limit);
  throw error;
};

/**
 * Inflates a payload on the calling thread, within `limit` bytes: for batches already validated
 * into the log (searching timestamps, compaction, reading a partition back), never unbounded.
 */
export function decompressSync(codec: CompressionCodec, payload: Buffer, limit = MAX_DECOMPRESSED_BYTES): Buffer {
  try {
    switch (codec) {
      case 'none':
        return payload;
      case 'gzip':
        return zlib.gunzipSync(payload, { maxOutputLength: limit });
      case 'zstd':
        if (typeof zlib.zstdDecompressSync !== 'function') throw new Error('zstd needs Node 22.15 or newer');
        return zlib.zstdDecompressSync(payload, { maxOutputLength: limit });
      case 'snappy':
        return Buffer.concat(snappyBlocks(payload, limit).map((block) => snappy().uncompressSync(block) as Buffer));
      case 'lz4': {
        const parts: Buffer[] = [];
        const output = lz4Output(limit, (part) => void parts.push(part));
        for (const block of lz4Blocks(payload, limit)) {
          const dictionary = output.dictionary(block);
          output.add(block.stored ? block.data : lz4().uncompressSync(sizedLz4Block(block), dictionary));
        }
        return Buffer.concat(parts);
      }
      default:
        throw new Error(`unknown compression codec ${codec}`);
    }
  } catch (error) {
    return tooLarge(codec, limit)(error);
  }
}

/**
 * The most inflating a payload holds at once, judged from its size and headers without inflating
 * it: what Produce's validation reserves of its budget meanwhile. A zlib stream holds a few pieces (zstd
 * its window too); snappy and lz4 one block at a time (lz4 with the window linked blocks refer to).
 */
export function inflateFootprint(codec: CompressionCodec, payload: Buffer, limit: number): number {
  try {
    switch (codec) {
      case 'none':
        return 0;
      case 'gzip':
        return STREAM_FOOTPRINT;
      case 'zstd':
        return STREAM_FOOTPRINT + zstdWindow(payload, limit);
      case 'snappy':
        return Math.max(0, ...snappyBlocks(payload, limit).map(snappyLength));
      case 'lz4':
        return Math.min(limit, LZ4_WINDOW + Math.max(0, ...lz4Blocks(payload, limit).map((b) => (b.stored ? 0 : 2 * b.maxSize))));
      default:
        return limit;
    }
  } catch {
    return limit; // inflating will say what is wrong with it
  }
}

/** Compresses a batch body as a producer would (the broker itself never does; tests and benchmarks do). */
export function compress(codec: CompressionCodec, body: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return body;
    case 'gzip':
      return zlib.gzipSync(body);
    case 'snappy':
      return snappy().compressSync(body);
    case 'lz4':
      return lz4().compressFrameSync(body);
    case 'zstd':
      return zlib.zstdCompressSync(body);
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}
