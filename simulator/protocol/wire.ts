// Kafka's primitive types on the wire: big-endian integers, zig-zag varints, and the
// classic (int16/int32 length) and compact (unsigned varint length + 1) string/bytes forms.

/** Thrown when a frame cannot be decoded; the connection that sent it is closed. */
export class MalformedFrameError extends Error {
  override name = 'MalformedFrameError';
}

export class Reader {
  offset = 0;
  constructor(readonly buffer: Buffer, offset = 0) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(n: number): number {
    if (n < 0 || this.offset + n > this.buffer.length) {
      throw new MalformedFrameError(`need ${n} bytes at offset ${this.offset}, frame has ${this.buffer.length}`);
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  int8(): number { return this.buffer.readInt8(this.need(1)); }
  int16(): number { return this.buffer.readInt16BE(this.need(2)); }
  uint16(): number { return this.buffer.readUInt16BE(this.need(2)); }
  int32(): number { return this.buffer.readInt32BE(this.need(4)); }
  uint32(): number { return this.buffer.readUInt32BE(this.need(4)); }
  /** int64 as a JS number: offsets, timestamps and producer ids stay far below 2^53. */
  int64(): number { return Number(this.buffer.readBigInt64BE(this.need(8))); }
  bigint64(): bigint { return this.buffer.readBigInt64BE(this.need(8)); }
  float64(): number { return this.buffer.readDoubleBE(this.need(8)); }
  bool(): boolean { return this.int8() !== 0; }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const byte = this.buffer[this.need(1)];
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
    throw new MalformedFrameError('varint longer than 5 bytes');
  }

  varint(): number {
    const raw = this.unsignedVarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  varlong(): number {
    let value = 0n;
    for (let shift = 0n; shift <= 63n; shift += 7n) {
      const byte = this.buffer[this.need(1)];
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return Number((value >> 1n) ^ -(value & 1n));
    }
    throw new MalformedFrameError('varlong longer than 10 bytes');
  }

  bytesOf(length: number): Buffer {
    const at = this.need(length);
    return this.buffer.subarray(at, at + length);
  }

  /** Length-prefixed data; null for length -1 (classic) or 0 (compact). */
  sized(compact: boolean, width: 16 | 32): Buffer | null {
    const length = compact ? this.unsignedVarint() - 1 : width === 16 ? this.int16() : this.int32();
    if (length === -1) return null;
    if (length < -1) throw new MalformedFrameError(`negative length ${length}`);
    return this.bytesOf(length);
  }

  uuid(): string {
    return this.bytesOf(16).toString('hex');
  }
}

/** Below this size an external buffer is copied: handing the socket many tiny pieces costs more than copying them. */
const EXTERNAL_MIN_BYTES = 1024;

export class Writer {
  private buffer: Buffer;
  /** Bytes of `buffer` before this are already in `chunks`. */
  private start = 0;
  /** Finished pieces of the output, in order: encoded bytes, and buffers added by reference. */
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;
  offset = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): number {
    this.reserve(n);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  /** Makes room for `n` more bytes at once, so a large write grows the buffer once, not by doubling. */
  reserve(n: number): this {
    if (this.offset + n > this.buffer.length) {
      const pending = this.offset - this.start;
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, pending + n));
      this.buffer.copy(grown, 0, this.start, this.offset);
      this.buffer = grown;
      this.start = 0;
      this.offset = pending;
    }
    return this;
  }

  // `ensure` may replace this.buffer, so it must run before this.buffer is read: in
  // `this.buffer.write…(v, this.ensure(n))` the old buffer would be the one written to.
  int8(v: number): this { const at = this.ensure(1); this.buffer.writeInt8(v, at); return this; }
  int16(v: number): this { const at = this.ensure(2); this.buffer.writeInt16BE(v, at); return this; }
  uint16(v: number): this { const at = this.ensure(2); this.buffer.writeUInt16BE(v, at); return this; }
  int32(v: number): this { const at = this.ensure(4); this.buffer.writeInt32BE(v, at); return this; }
  uint32(v: number): this { const at = this.ensure(4); this.buffer.writeUInt32BE(v, at); return this; }
  int64(v: number): this { const at = this.ensure(8); this.buffer.writeBigInt64BE(BigInt(v), at); return this; }
  bigint64(v: bigint): this { const at = this.ensure(8); this.buffer.writeBigInt64BE(v, at); return this; }
  float64(v: number): this { const at = this.ensure(8); this.buffer.writeDoubleBE(v, at); return this; }
  bool(v: boolean): this { return this.int8(v ? 1 : 0); }

  unsignedVarint(v: number): this {
    let value = v >>> 0;
    while (value >= 0x80) {
      this.byte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    return this.byte(value);
  }

  varint(v: number): this {
    return this.unsignedVarint((v << 1) ^ (v >> 31));
  }

  varlong(v: number): this {
    let value = (BigInt(v) << 1n) ^ (BigInt(v) >> 63n);
    while (value >= 0x80n) {
      this.byte(Number(value & 0x7fn) | 0x80);
      value >>= 7n;
    }
    return this.byte(Number(value));
  }

  private byte(b: number): this {
    const at = this.ensure(1);
    this.buffer[at] = b;
    return this;
  }

  raw(data: Uint8Array): this {
    const at = this.ensure(data.length);
    this.buffer.set(data, at);
    return this;
  }

  sized(data: Uint8Array | null, compact: boolean, width: 16 | 32): this {
    const length = data === null ? -1 : data.length;
    if (compact) this.unsignedVarint(length + 1);
    else if (width === 16) this.int16(length);
    else this.int32(length);
    return data === null ? this : this.raw(data);
  }

  uuid(hex: string): this {
    return this.raw(Buffer.from(hex.padStart(32, '0'), 'hex'));
  }

  /**
   * Appends `data` by reference, without copying it: `toChunks()` hands it on as it is, so stored
   * record batches go from the log to the socket untouched (one writev). The caller must not
   * change `data` until the output is written.
   */
  external(data: Buffer): this {
    if (data.length < EXTERNAL_MIN_BYTES) return this.raw(data);
    this.cut();
    this.chunks.push(data);
    this.chunkBytes += data.length;
    return this;
  }

  private cut(): void {
    if (this.offset === this.start) return;
    const piece = this.buffer.subarray(this.start, this.offset);
    this.chunks.push(piece);
    this.chunkBytes += piece.length;
    this.start = this.offset;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.chunkBytes + this.offset - this.start;
  }

  /** The output as the pieces it was written in: encoded bytes and the external buffers between them. */
  toChunks(): Buffer[] {
    this.cut();
    return [...this.chunks];
  }

  /** The output as one buffer (copied together if external buffers were added). */
  toBuffer(): Buffer {
    if (this.chunks.length === 0) return this.buffer.subarray(this.start, this.offset);
    return Buffer.concat(this.toChunks());
  }
}
