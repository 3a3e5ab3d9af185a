// Decompression of record batch payloads. The broker stores and serves batches compressed as they
// came; it only decompresses to validate records and to search them (timestamps, keys).

import zlib from 'node:zlib';
import { decompressFrameSync } from 'lz4-napi';
import { uncompressSync } from 'snappy';

/** The codec ids of the batch attributes' low three bits. */
export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionCodec = (typeof CODECS)[number] | 'unknown';

// Java's snappy-java writes a framed stream: this magic, two int32 versions, then
// (int32 length, snappy block) chunks. librdkafka and kafkajs-snappy read both forms.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

function snappy(payload: Buffer): Buffer {
  if (payload.length < XERIAL_HEADER_BYTES || !payload.subarray(0, 8).equals(XERIAL_MAGIC)) {
    return uncompressSync(payload) as Buffer;
  }
  const chunks: Buffer[] = [];
  let at = XERIAL_HEADER_BYTES;
  while (at < payload.length) {
    if (at + 4 > payload.length) throw new Error('truncated xerial snappy chunk header');
    const length = payload.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > payload.length) throw new Error(`xerial snappy chunk of ${length} bytes overruns`);
    chunks.push(uncompressSync(payload.subarray(at, at + length)) as Buffer);
    at += length;
  }
  return Buffer.concat(chunks);
}

function zstd(payload: Buffer): Buffer {
  if (typeof zlib.zstdDecompressSync !== 'function') throw new Error('zstd needs Node 22.15 or newer');
  return zlib.zstdDecompressSync(payload);
}

export function decompress(codec: CompressionCodec, payload: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return payload;
    case 'gzip':
      return zlib.gunzipSync(payload);
    case 'snappy':
      return snappy(payload);
    case 'lz4':
      return decompressFrameSync(payload);
    case 'zstd':
      return zstd(payload);
    default:
      throw new Error(`unknown compression codec ${codec}`);
  }
}
