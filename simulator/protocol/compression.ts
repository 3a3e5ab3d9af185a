// Decompression of record batch payloads. The broker stores and serves batches compressed as they
// came; it only decompresses to validate records and to search them (timestamps, keys).
//
// A few compressed bytes can claim gigabytes (gzip reaches 1032:1, zstd far more), so every
// decompression has an output limit and stops as soon as it passes it: gzip and zstd through
// zlib's maxOutputLength, snappy by the lengths its blocks declare (read before inflating), lz4
// block by block within the frame's block size. Produce validation inflates off the event loop
// (zlib and the native codecs on libuv's thread pool) and within an Inflater's byte budget, so a
// client sending bombs neither stalls other connections nor holds more memory than the budget.

import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { promisify } from 'node:util';

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

/** Runs through an lz4 payload's blocks, inflating each with `inflate`, within `limit` bytes in all. */
function lz4Output(limit: number) {
  const parts: Buffer[] = [];
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
      parts.push(part);
      window = part.length >= LZ4_WINDOW ? part.subarray(part.length - LZ4_WINDOW) : Buffer.concat([window ?? Buffer.alloc(0), part]).subarray(-LZ4_WINDOW);
    },
    result: () => Buffer.concat(parts, total),
  };
}

// ------------------------------------------------------------------ the codecs

const gunzip = promisify(zlib.gunzip);
const zstdDecompress = typeof zlib.zstdDecompress === 'function' ? promisify(zlib.zstdDecompress) : undefined;

const tooLarge = (codec: CompressionCodec, limit: number) => (error: unknown) => {
  if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressionLimitError(codec, limit);
  throw error;
};

/** Inflates a payload off the event loop, refusing (DecompressionLimitError) past `limit` bytes. */
export async function decompress(codec: CompressionCodec, payload: Buffer, limit: number): Promise<Buffer> {
  switch (codec) {
    case 'none':
      return payload;
    case 'gzip':
      return gunzip(payload, { maxOutputLength: limit }).catch(tooLarge(codec, limit));
    case 'zstd':
      if (!zstdDecompress) throw new Error('zstd needs Node 22.15 or newer');
      return zstdDecompress(payload, { maxOutputLength: limit }).catch(tooLarge(codec, limit));
    case 'snappy': {
      const blocks = snappyBlocks(payload, limit);
      return Buffer.concat(await Promise.all(blocks.map(async (block) => (await snappy().uncompress(block)) as Buffer)));
    }
    case 'lz4': {
      const output = lz4Output(limit);
      for (const block of lz4Blocks(payload, limit)) {
        const dictionary = output.dictionary(block);
        output.add(block.stored ? block.data : await lz4().uncompress(sizedLz4Block(block), dictionary));
      }
      return output.result();
    }
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}

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
        const output = lz4Output(limit);
        for (const block of lz4Blocks(payload, limit)) {
          const dictionary = output.dictionary(block);
          output.add(block.stored ? block.data : lz4().uncompressSync(sizedLz4Block(block), dictionary));
        }
        return output.result();
      }
      default:
        throw new Error(`unknown compression codec ${codec}`);
    }
  } catch (error) {
    return tooLarge(codec, limit)(error);
  }
}

/**
 * The most a payload can decompress to, judged from its size and headers without inflating it:
 * what an Inflater reserves of its budget while it inflates.
 */
export function outputBound(codec: CompressionCodec, payload: Buffer, limit: number): number {
  try {
    switch (codec) {
      case 'none':
        return 0;
      case 'gzip':
        return Math.min(limit, payload.length * DEFLATE_MAX_RATIO + 1024);
      case 'snappy':
        return snappyBlocks(payload, limit).reduce((sum, block) => sum + snappyLength(block), 0);
      case 'lz4':
        return Math.min(limit, lz4Blocks(payload, limit).reduce((sum, b) => sum + (b.stored ? b.data.length : b.maxSize), 0));
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

/** Deflate's best case: one 258-byte match per two bits or so, 1032:1 (zlib's technical notes). */
const DEFLATE_MAX_RATIO = 1032;

/**
 * Decompression for Produce validation: bounded per batch (`maxBytes`), and all batches inflating at
 * once together within `budgetBytes` of their bounds, waiting their turn (first come, first served)
 * beyond it, so a flood of bombs holds at most the budget.
 */
export class Inflater {
  private inUse = 0;
  private running = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];

  constructor(
    readonly maxBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
    readonly budgetBytes: number = maxBytes,
  ) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_DECOMPRESSED_BYTES) {
      throw new Error(`the decompressed batch limit must be 1 to ${MAX_DECOMPRESSED_BYTES} bytes, not ${maxBytes}`);
    }
  }

  /** How many batches are inflating now. */
  get inflating(): number {
    return this.running;
  }

  async inflate(codec: CompressionCodec, payload: Buffer): Promise<Buffer> {
    if (codec === 'none') return payload;
    const bytes = Math.max(1, Math.min(this.budgetBytes, outputBound(codec, payload, this.maxBytes)));
    await this.reserve(bytes);
    this.running++;
    try {
      return await decompress(codec, payload, this.maxBytes);
    } finally {
      this.running--;
      this.release(bytes);
    }
  }

  private reserve(bytes: number): Promise<void> | void {
    if (this.waiting.length === 0 && this.inUse + bytes <= this.budgetBytes) {
      this.inUse += bytes;
      return;
    }
    return new Promise((go) => this.waiting.push({ bytes, go }));
  }

  private release(bytes: number): void {
    this.inUse -= bytes;
    while (this.waiting.length > 0 && this.inUse + this.waiting[0].bytes <= this.budgetBytes) {
      const next = this.waiting.shift()!;
      this.inUse += next.bytes;
      next.go();
    }
  }
}
