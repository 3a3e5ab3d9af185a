// The recent batches a broker keeps in memory, within a byte budget (`logCacheBytes`, 64 MiB by
// default) — what the page cache gives Kafka. Each disk-backed log caches the batches appended
// last, a run that always reaches its log end; when the broker's budget is exceeded, the batch
// cached longest ago goes first, whichever log holds it. Consumers reading near the end and
// followers catching up are served from here; older reads go to the segment files.

import type { ReadLimits, StoredBatch } from './segment.ts';

interface Entry {
  readonly batch: StoredBatch;
  readonly run: CachedRun;
  live: boolean;
}

/** A FIFO on an array, with a moving head instead of shifting (a taken slot is cleared, so its item can be collected). */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): T {
    return this.items[this.head + i]!;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  pop(): T | undefined {
    return this.items.length > this.head ? this.items.pop() : undefined;
  }

  /** Keeps only the items `keep` accepts. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.slice(this.head).filter((item) => keep(item!));
    this.head = 0;
  }
}

export class BatchCache {
  private readonly order = new Queue<Entry>();
  /** Bytes of the live entries. */
  bytes = 0;
  /** Entries in `order` that were dropped from their run (truncation, cleaning) and not yet passed. */
  private dead = 0;

  constructor(readonly budgetBytes: number) {}

  /** The cached tail of one log. */
  run(): CachedRun {
    return new CachedRun(this);
  }

  /** @internal */ add(entry: Entry): void {
    this.order.push(entry);
    this.bytes += entry.batch.data.length;
    while (this.bytes > this.budgetBytes) {
      const oldest = this.order.shift();
      if (!oldest) break;
      if (oldest.live) oldest.run.evictFirst(oldest);
      else this.dead--;
    }
  }

  /** @internal */ evicted(entry: Entry): void {
    entry.live = false;
    this.bytes -= entry.batch.data.length;
  }

  /** @internal */ released(entry: Entry): void {
    this.evicted(entry);
    // Dropped entries still hold their batches until the queue passes them: sweep them out once
    // they outnumber the live ones, so memory stays within the budget.
    if (++this.dead > 1024 && this.dead * 2 > this.order.length) {
      this.order.retain((e) => e.live);
      this.dead = 0;
    }
  }
}

export class CachedRun {
  private readonly entries = new Queue<Entry>();

  constructor(private readonly cache: BatchCache) {}

  add(batch: StoredBatch): void {
    if (this.cache.budgetBytes <= 0) return;
    const entry: Entry = { batch, run: this, live: true };
    this.entries.push(entry);
    this.cache.add(entry);
  }

  /** @internal */ evictFirst(entry: Entry): void {
    if (this.entries.at(0) !== entry) throw new Error('batch cache out of order');
    this.entries.shift();
    this.cache.evicted(entry);
  }

  /** The first offset served from memory: reads from here on need no disk. */
  get firstOffset(): number {
    return this.entries.length === 0 ? Infinity : this.entries.at(0).batch.baseOffset;
  }

  /** Whole batches from the one holding `offset`, or null when it is older than what is cached. */
  read(offset: number, { maxOffset, maxBytes, allowOversizedFirst }: ReadLimits): StoredBatch[] | null {
    if (offset < this.firstOffset) return null;
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries.at(mid).batch.lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredBatch[] = [];
    let bytes = 0;
    for (let i = lo; i < this.entries.length; i++) {
      const { batch } = this.entries.at(i);
      if (batch.lastOffset >= maxOffset) break;
      if (bytes + batch.data.length > maxBytes && (out.length > 0 || !allowOversizedFirst)) break;
      out.push(batch);
      bytes += batch.data.length;
    }
    return out;
  }

  /** Forgets the batches holding `offset` and after (the log was cut there). */
  dropFrom(offset: number): void {
    while (this.entries.length > 0 && this.entries.at(this.entries.length - 1).batch.lastOffset >= offset) this.cache.released(this.entries.pop()!);
  }

  /** Forgets the batches that begin below `offset` (deleted, or rewritten by the cleaner). */
  dropBelow(offset: number): void {
    while (this.entries.length > 0 && this.entries.at(0).batch.baseOffset < offset) this.cache.released(this.entries.shift()!);
  }

  clear(): void {
    this.dropBelow(Infinity);
  }
}
