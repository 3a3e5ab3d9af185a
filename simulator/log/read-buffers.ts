// Buffers that reads of segment files fill, lent to the fetch response that sends them and taken
// back once it is on the wire. A consumer reading a log from its start then allocates nothing per
// fetch: a fresh 1 MiB buffer per read costs five times the read itself (the kernel zeroes its new
// pages, and the garbage collector chases the external memory).

/** The size most reads take: a client's usual 1 MiB partition fetch, and the slack before its first batch. */
export const READ_BUFFER_BYTES = (1 << 20) + 128 * 1024;
/** Free buffers kept: more in-flight fetches than this allocate, and their buffers are collected. */
const KEEP = 16;

const free: Buffer[] = [];

/** What one response borrowed; `release()` hands it back once the response has been written. */
export class ReadLease {
  private borrowed: Buffer[] = [];

  /** A buffer of at least `bytes`: a pooled one when it fits, else a fresh one (not pooled). */
  take(bytes: number): Buffer {
    if (bytes > READ_BUFFER_BYTES) return Buffer.allocUnsafe(bytes);
    const buffer = free.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
    this.borrowed.push(buffer);
    return buffer;
  }

  /** Nothing read through this lease is used any more. */
  release(): void {
    for (const buffer of this.borrowed) if (free.length < KEEP) free.push(buffer);
    this.borrowed = [];
  }
}
