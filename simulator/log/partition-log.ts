// One replica's log of a partition, as Kafka's UnifiedLog: segments in offset order, the last one
// active (taking appends) until segment.bytes, segment.ms or a full index rolls a new one; the log
// start offset that retention and DeleteRecords move, and the log end offset that appends move.
// Beside the batches it keeps what Kafka keeps beside a log: the leader epoch that begins at each
// offset (leader-epoch-checkpoint) and the producer state (sequence numbers, open and aborted
// transactions), snapshotted at every roll so that a truncation replays at most one segment.
//
// Reads come from the broker's cache of recent batches (batch-cache.ts) when they start there,
// and from the segments otherwise. A segment that turns out to hold damaged bytes (recovery at
// start, or a read that meets them) is cut before them, with everything after it; the owner is
// told (`onDamage`, `loadCut`) so that a healthy replica can take over (topic.ts).

import fs from 'node:fs';
import path from 'node:path';
import type { TopicConfig } from '../cluster/configs.ts';
import { KafkaError } from '../protocol/errors.ts';
import { controlType, readBatchHeader, stampBatch, type BatchHeader } from '../protocol/records.ts';
import { ProducerState, type ProducerStateSnapshot } from '../txn/producer-state.ts';
import type { CachedRun } from './batch-cache.ts';
import type { ReadLease } from './read-buffers.ts';
import { FileSegment, completeInterruptedSwaps, segmentBaseOffsets, segmentFileName } from './file-segment.ts';
import { MemorySegment, storedBatch, type Damage, type ReadLimits, type Segment, type SegmentSettings, type StoredBatch } from './segment.ts';
import { formatCheckpoint, parseCheckpoint, writeAtomically, type BrokerStorage } from './storage.ts';

export type { StoredBatch } from './segment.ts';

/** Bytes a log lost at damage, and where: what recovery or a read found. */
export interface LogCut {
  topic: string;
  partition: number;
  brokerId: number;
  /** The first offset the log no longer holds: it now ends here. */
  offset: number;
  /** The log end offset before the cut; null when recovery cannot tell (nothing past damage can be read). */
  endOffsetBefore: number | null;
  /** Bytes removed: from the damage to the end of its segment, and every later segment. */
  bytes: number;
  /** The segment file holding the damage, and the byte position in it. */
  segment: string;
  position: number;
  reason: string;
  /** Found by recovery when the log was opened, or by a read of the running log. */
  found: 'recovery' | 'read';
}

export interface LeaderEpochEntry {
  epoch: number;
  startOffset: number;
}

const LEADER_EPOCHS = 'leader-epoch-checkpoint';
const SNAPSHOT_SUFFIX = '.producer-state.json';
const MAX_RELATIVE_OFFSET = 0x7fffffff;

export interface PartitionLogOptions {
  topic: string;
  partition: number;
  storage: BrokerStorage;
  config: TopicConfig;
  /** A partition just created: whatever a folder of that name holds (a deleted topic's leftovers) is discarded. */
  fresh?: boolean;
}

export class PartitionLog {
  private segments: Segment[] = [];
  startOffset = 0;
  endOffset = 0;
  producers = new ProducerState();
  private epochs: LeaderEpochEntry[] = [];
  private readonly cache: CachedRun | null;
  private readonly dir: string | null;
  /** What recovery cut away when the log was opened, if anything. */
  readonly loadCut: LogCut | null = null;
  /** Told of damage a read ran into, after the log has been cut before it. */
  onDamage: ((cut: LogCut) => void) | null = null;
  private readonly memorySnapshots = new Map<number, ProducerStateSnapshot>();
  private readonly repairing = new Set<Segment>();
  private closed = false;
  private cleanedUpTo: number | undefined;

  constructor(private readonly options: PartitionLogOptions) {
    const { storage, topic, partition } = options;
    this.dir = storage.partitionDir(topic, partition);
    this.cache = storage.cache?.run() ?? null;
    if (this.dir && options.fresh) fs.rmSync(this.dir, { recursive: true, force: true });
    else if (this.dir && fs.existsSync(this.dir)) this.loadCut = this.load(this.dir);
  }

  get brokerId(): number {
    return this.options.storage.brokerId;
  }

  private get persistent(): boolean {
    return this.options.storage.persistent;
  }

  private get settings(): SegmentSettings {
    const { config } = this.options;
    return { indexIntervalBytes: config.number('index.interval.bytes'), maxIndexBytes: config.number('segment.index.bytes') };
  }

  get sizeInBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.sizeInBytes, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** The segments, oldest first; the last is the active one. For the log cleaner. */
  get segmentList(): readonly Segment[] {
    return this.segments;
  }

  /** Where the cleaner's last compaction pass stopped (Kafka's cleaner-offset-checkpoint): records from here on are dirty. */
  get firstDirtyOffset(): number {
    const { storage, topic, partition } = this.options;
    this.cleanedUpTo ??= storage.checkpoint('cleaner-offset-checkpoint', topic, partition) ?? 0;
    return Math.min(Math.max(this.startOffset, this.cleanedUpTo), this.endOffset);
  }

  set firstDirtyOffset(offset: number) {
    const { storage, topic, partition } = this.options;
    this.cleanedUpTo = offset;
    storage.setCheckpoint('cleaner-offset-checkpoint', topic, partition, offset);
  }

  /** Each leader epoch in the log and the offset it begins at (Kafka's leader epoch cache). */
  get leaderEpochs(): readonly LeaderEpochEntry[] {
    return this.epochs;
  }

  // ---------------------------------------------------------------- opening

  private load(dir: string): LogCut | null {
    const { storage, topic, partition } = this.options;
    migrateSingleFileLog(dir, storage, topic, partition);
    completeInterruptedSwaps(dir);
    // After a clean stop nothing needs recovery; after a crash, what was not flushed yet does.
    const recoveryPoint = storage.hadCleanShutdown ? Infinity : (storage.checkpoint('recovery-point-offset-checkpoint', topic, partition) ?? 0);
    const bases = segmentBaseOffsets(dir);
    let cut: LogCut | null = null;
    for (const [i, base] of bases.entries()) {
      if (cut) {
        // After damage, the rest of the log goes: a log has no holes.
        const { segment } = FileSegment.open(dir, base, this.settings, storage.files, { active: false, recover: false });
        cut.bytes += segment.sizeInBytes;
        segment.delete();
        continue;
      }
      const next = bases[i + 1] ?? Infinity;
      const opened = FileSegment.open(dir, base, this.settings, storage.files, { active: i === bases.length - 1, recover: next > recoveryPoint });
      this.segments.push(opened.segment);
      if (opened.cut) cut = this.cutRecord(opened.segment, opened.cut, 'recovery', null);
    }
    this.startOffset = Math.max(storage.checkpoint('log-start-offset-checkpoint', topic, partition) ?? 0, this.segments[0]?.baseOffset ?? 0);
    this.endOffset = Math.max(this.segments.at(-1)?.nextOffset ?? 0, this.startOffset);
    if (cut) this.dropSnapshotsAfter(this.endOffset);
    this.loadEpochs(dir);
    this.restoreProducerState(this.endOffset);
    return cut;
  }

  private cutRecord(segment: Segment, damage: Damage & { bytes: number }, found: LogCut['found'], endOffsetBefore: number | null): LogCut {
    return {
      topic: this.options.topic,
      partition: this.options.partition,
      brokerId: this.brokerId,
      offset: damage.offset,
      endOffsetBefore,
      bytes: damage.bytes,
      segment: segment.name,
      position: damage.position,
      reason: damage.reason,
      found,
    };
  }

  private loadEpochs(dir: string): void {
    const file = path.join(dir, LEADER_EPOCHS);
    if (this.persistent && fs.existsSync(file)) {
      this.epochs = parseCheckpoint(fs.readFileSync(file, 'utf8'))
        .map((line) => line.split(' ').map(Number))
        .filter(([epoch, offset]) => Number.isInteger(epoch) && Number.isInteger(offset))
        .map(([epoch, startOffset]) => ({ epoch, startOffset }));
      this.epochs = this.epochs.filter((e) => e.startOffset < this.endOffset);
    } else if (this.endOffset > this.startOffset) {
      // No checkpoint (a log from an older kafka-lab): read the epochs from the batches.
      for (const batch of this.batchesFrom(this.startOffset)) this.trackEpoch(batch.data.readInt32BE(12), batch.baseOffset, false);
    }
  }

  // ---------------------------------------------------------------- appending

  /** Appends a validated batch as the leader, assigning its offsets and leader epoch. */
  append(received: Buffer, leaderEpoch: number): StoredBatch {
    const data = keepable(received);
    stampBatch(data, this.endOffset, leaderEpoch);
    return this.add(data);
  }

  /** Appends a batch copied from the leader, as it is: a follower keeps the leader's offsets and epochs. */
  appendCopy(data: Buffer): StoredBatch {
    return this.add(keepable(data));
  }

  /** Throws KAFKA_STORAGE_ERROR, and keeps nothing of the batch, when the disk refuses it (full, gone). */
  private add(data: Buffer): StoredBatch {
    const header = readBatchHeader(data);
    const batch = storedBatch(data);
    try {
      this.activeFor(batch).append(batch);
    } catch (error) {
      const { topic, partition } = this.options;
      throw new KafkaError('KAFKA_STORAGE_ERROR', `Error while appending records to ${topic}-${partition} in dir ${this.dir}: ${(error as Error).message}`);
    }
    this.endOffset = batch.lastOffset + 1;
    this.cache?.add(batch);
    this.trackEpoch(header.partitionLeaderEpoch, batch.baseOffset, true);
    this.trackProducer(this.producers, batch, header);
    return batch;
  }

  /** The segment the batch goes to: the active one, or a new one if Kafka's roll rules say so. */
  private activeFor(batch: StoredBatch): Segment {
    const active = this.segments.at(-1);
    if (active && active.writable && (active.sizeInBytes === 0 || !this.shouldRoll(active, batch))) return active;
    return this.roll();
  }

  /** Kafka's LogSegment.shouldRoll. */
  private shouldRoll(active: Segment, batch: StoredBatch): boolean {
    const { config } = this.options;
    const waited = active.rollingBasedTimestamp >= 0 ? batch.maxTimestamp - active.rollingBasedTimestamp : Date.now() - active.createdAt;
    return (
      active.sizeInBytes > config.number('segment.bytes') - batch.data.length ||
      waited > config.number('segment.ms') - this.rollJitterMs(active.baseOffset) ||
      active.indexFull ||
      batch.lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET
    );
  }

  /** segment.jitter.ms: each segment's roll time is moved earlier by up to this much (repeatably, from its base offset). */
  private rollJitterMs(baseOffset: number): number {
    const jitter = Math.min(this.options.config.number('segment.jitter.ms'), this.options.config.number('segment.ms'));
    if (jitter <= 0) return 0;
    let hash = baseOffset ^ (this.options.partition * 0x9e3779b1);
    for (const c of this.options.topic) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193);
    return (hash >>> 0) % jitter;
  }

  /**
   * Starts a new active segment at the log end offset. The one before is sealed: flushed to disk
   * in the background, after which the recovery point moves past it.
   */
  roll(): Segment {
    const previous = this.segments.at(-1);
    if (previous?.sizeInBytes === 0) {
      if (previous.writable && previous.baseOffset === this.endOffset) return previous;
      this.segments.pop();
      previous.delete();
    }
    // The producer state as of the new segment's base: a truncation into it replays from here.
    if (this.segments.length > 0) this.saveProducerSnapshot(this.endOffset);
    const segment = this.newSegment(this.endOffset);
    this.segments.push(segment);
    const sealed = this.segments.at(-2);
    if (sealed) {
      const { storage, topic, partition } = this.options;
      sealed
        .seal(this.persistent)
        .then(() => {
          if (!this.closed && this.persistent) storage.setCheckpoint('recovery-point-offset-checkpoint', topic, partition, Math.max(segment.baseOffset, storage.checkpoint('recovery-point-offset-checkpoint', topic, partition) ?? 0));
        })
        .catch(() => {
          // Not flushed: the recovery point stays, so recovery after a crash checks this segment too.
        });
    }
    return segment;
  }

  private newSegment(baseOffset: number, suffix?: string): Segment {
    if (this.dir === null) return new MemorySegment(baseOffset);
    return FileSegment.create(this.dir, baseOffset, this.settings, this.options.storage.files, suffix);
  }

  private trackEpoch(epoch: number, offset: number, save: boolean): void {
    if (epoch < 0) return;
    const last = this.epochs.at(-1);
    if (last && epoch <= last.epoch) return;
    this.epochs.push({ epoch, startOffset: offset });
    if (save) this.saveEpochs();
  }

  private trackProducer(state: ProducerState, batch: StoredBatch, header: BatchHeader): void {
    if (header.control) state.recordMarker(header.producerId, header.producerEpoch, controlType(batch.data), batch.baseOffset);
    else state.recordBatch(header, batch.baseOffset);
  }

  // ---------------------------------------------------------------- reading

  /** Index of the segment holding `offset` (the last one starting at or before it). */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * Whole batches from the one holding `offset`, below `maxOffset` (the high watermark), within
   * `maxBytes` — except that the first batch is returned even when larger, as Kafka does (KIP-74).
   * Batches read from files borrow their buffers from `lease` when given: the caller must use them
   * only until it releases the lease (a fetch response, until written).
   */
  read(offset: number, maxOffset: number, maxBytes: number, allowOversizedFirst = true, lease?: ReadLease): StoredBatch[] {
    if (offset >= this.endOffset) return [];
    const cached = this.cache?.read(offset, { maxOffset, maxBytes, allowOversizedFirst });
    if (cached) return cached;
    const out: StoredBatch[] = [];
    let bytes = 0;
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const segment = this.segments[i];
      const from = Math.max(offset, segment.baseOffset);
      if (from >= maxOffset) break;
      const limits: ReadLimits = { maxOffset, maxBytes: maxBytes - bytes, allowOversizedFirst: allowOversizedFirst && out.length === 0 };
      const rest = this.cache?.read(from, limits);
      if (rest) {
        out.push(...rest);
        break;
      }
      const result = segment.read(from, limits, lease);
      out.push(...result.batches);
      bytes += result.bytes;
      if (result.damage) {
        this.damaged(segment);
        break;
      }
      if (result.limited) break;
    }
    return out;
  }

  /** Every batch from the one holding `offset` to the log end, streamed from the segments (no cache). */
  *batchesFrom(offset = this.startOffset): Generator<StoredBatch> {
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const segment = this.segments[i];
      const damage = yield* segment.batches(Math.max(offset, segment.baseOffset));
      if (damage) {
        this.damaged(segment);
        return;
      }
    }
  }

  /** The first record at or after `timestamp` (ListOffsets by time), below `maxOffset`. */
  offsetForTimestamp(timestamp: number, maxOffset: number): { offset: number; timestamp: number } | null {
    for (const segment of this.segments) {
      if (segment.baseOffset >= maxOffset) break;
      if (segment.nextOffset <= this.startOffset) continue;
      const found = segment.offsetForTimestamp(timestamp, this.startOffset, maxOffset);
      if (found) return found;
    }
    return null;
  }

  // ---------------------------------------------------------------- damage

  /** A read met damaged bytes: after the current request, the log is cut before them and the owner told. */
  private damaged(segment: Segment): void {
    if (this.repairing.has(segment)) return;
    this.repairing.add(segment);
    queueMicrotask(() => {
      this.repairing.delete(segment);
      const cut = this.repair(segment);
      if (cut) this.onDamage?.(cut);
    });
  }

  private repair(segment: Segment): LogCut | null {
    const index = this.segments.indexOf(segment);
    if (this.closed || index === -1 || !(segment instanceof FileSegment)) return null;
    const endBefore = this.endOffset;
    const damage = segment.recover();
    if (!damage) return null;
    let bytes = damage.bytes;
    for (const later of this.segments.splice(index + 1)) {
      bytes += later.sizeInBytes;
      later.delete();
    }
    this.endOffset = Math.max(segment.nextOffset, this.startOffset);
    this.afterCut();
    return this.cutRecord(segment, { ...damage, bytes }, 'read', endBefore);
  }

  // ---------------------------------------------------------------- cutting and moving the start

  /**
   * Cuts the log back to `offset` (whole batches: a batch holding it goes too), as a follower does
   * when its log diverged from its new leader's. Returns how many offsets were cut.
   */
  truncateTo(offset: number): number {
    const before = this.endOffset;
    if (offset >= before) return 0;
    while (this.segments.length > 0 && this.segments.at(-1)!.baseOffset >= offset) this.segments.pop()!.delete();
    this.segments.at(-1)?.truncateTo(offset);
    this.endOffset = Math.max(this.segments.at(-1)?.nextOffset ?? Math.min(offset, this.startOffset), this.startOffset);
    this.afterCut();
    return before - this.endOffset;
  }

  /** After the end moved back: forget what lay beyond it. */
  private afterCut(): void {
    this.cache?.dropFrom(this.endOffset);
    this.epochs = this.epochs.filter((e) => e.startOffset < this.endOffset);
    this.saveEpochs();
    this.dropSnapshotsAfter(this.endOffset);
    this.restoreProducerState(this.endOffset);
  }

  /** Moves the log start offset forward (DeleteRecords, a follower following its leader), deleting segments wholly below it. */
  advanceStartOffset(offset: number): void {
    if (offset <= this.startOffset) return;
    if (offset > this.endOffset) {
      // Kafka's truncateFullyAndStartAt: nothing held is kept.
      for (const segment of this.segments.splice(0)) segment.delete();
      this.cache?.clear();
      this.endOffset = offset;
    }
    let doomed = 0;
    while (doomed < this.segments.length - 1 && this.segments[doomed + 1].baseOffset <= offset) doomed++;
    for (const segment of this.segments.splice(0, doomed)) segment.delete();
    this.setStartOffset(offset);
  }

  /** Retention: deletes the oldest `count` segments (rolling first if that is all of them). Returns the bytes freed. */
  deleteOldestSegments(count: number): number {
    if (count <= 0) return 0;
    if (count >= this.segments.length) this.roll();
    const doomed = this.segments.splice(0, Math.min(count, this.segments.length - 1));
    const bytes = doomed.reduce((sum, s) => sum + s.sizeInBytes, 0);
    for (const segment of doomed) segment.delete();
    this.setStartOffset(Math.max(this.startOffset, this.segments[0]?.baseOffset ?? this.endOffset));
    return bytes;
  }

  private setStartOffset(offset: number): void {
    if (offset <= this.startOffset) return;
    this.startOffset = offset;
    this.cache?.dropBelow(offset);
    this.producers.dropBefore(offset);
    // Kafka's leader epoch cache truncateFromStart: the epoch in force at the new start begins there.
    const covering = this.epochs.filter((e) => e.startOffset <= offset).at(-1);
    this.epochs = [...(covering ? [{ epoch: covering.epoch, startOffset: offset }] : []), ...this.epochs.filter((e) => e.startOffset > offset)];
    this.saveEpochs();
    for (const snapshot of this.snapshotOffsets()) if (snapshot < (this.segments[0]?.baseOffset ?? offset)) this.deleteSnapshot(snapshot);
    const { storage, topic, partition } = this.options;
    storage.setCheckpoint('log-start-offset-checkpoint', topic, partition, offset);
  }

  // ---------------------------------------------------------------- compaction

  /** A new, empty segment for the cleaner to write a cleaned group of segments into, not yet part of the log. */
  cleanedSegment(baseOffset: number): Segment {
    return this.newSegment(baseOffset, '.log.cleaned');
  }

  /** Puts a cleaned segment in place of the group it was made from (consecutive, closed segments). */
  replaceSegments(group: readonly Segment[], cleaned: Segment): void {
    const first = this.segments.indexOf(group[0]);
    if (first === -1 || group.some((s, i) => this.segments[first + i] !== s) || group.includes(this.segments.at(-1)!)) {
      cleaned.delete();
      throw new Error('the cleaner may only replace consecutive closed segments');
    }
    cleaned.close(this.persistent);
    if (cleaned instanceof FileSegment) cleaned.rename('.swap');
    for (const segment of group) segment.delete();
    if (cleaned instanceof FileSegment) cleaned.rename('');
    this.segments.splice(first, group.length, cleaned);
    const end = group.at(-1)!.nextOffset;
    // Cached batches of the group hold what the cleaner removed.
    this.cache?.dropBelow(end);
  }

  // ---------------------------------------------------------------- producer state snapshots

  private snapshotFile(offset: number): string {
    return path.join(this.dir!, segmentFileName(offset, SNAPSHOT_SUFFIX));
  }

  /** Snapshots live in files in a data dir, in memory otherwise (nothing is read back from a temporary folder). */
  private get snapshotsInFiles(): boolean {
    return this.dir !== null && this.persistent;
  }

  private snapshotOffsets(): number[] {
    if (!this.snapshotsInFiles) return [...this.memorySnapshots.keys()].sort((a, b) => a - b);
    if (!fs.existsSync(this.dir!)) return [];
    return fs
      .readdirSync(this.dir!)
      .filter((name) => name.endsWith(SNAPSHOT_SUFFIX))
      .map((name) => Number(name.slice(0, 20)))
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
  }

  private saveProducerSnapshot(offset: number): void {
    if (!this.snapshotsInFiles) {
      this.memorySnapshots.set(offset, this.producers.snapshot());
      return;
    }
    fs.mkdirSync(this.dir!, { recursive: true });
    writeAtomically(this.snapshotFile(offset), JSON.stringify(this.producers.snapshot()), false);
  }

  private loadSnapshot(offset: number): ProducerStateSnapshot | null {
    if (!this.snapshotsInFiles) return this.memorySnapshots.get(offset) ?? null;
    try {
      return JSON.parse(fs.readFileSync(this.snapshotFile(offset), 'utf8')) as ProducerStateSnapshot;
    } catch {
      return null;
    }
  }

  private deleteSnapshot(offset: number): void {
    if (this.snapshotsInFiles) fs.rmSync(this.snapshotFile(offset), { force: true });
    else this.memorySnapshots.delete(offset);
  }

  private dropSnapshotsAfter(offset: number): void {
    for (const snapshot of this.snapshotOffsets()) if (snapshot > offset) this.deleteSnapshot(snapshot);
  }

  /** Producer state as of `end`: the latest snapshot at or before it, and the batches after it replayed. */
  private restoreProducerState(end: number): void {
    const offsets = this.snapshotOffsets().filter((o) => o <= end && o >= this.startOffset);
    let state = new ProducerState();
    let from = this.startOffset;
    for (const offset of offsets.reverse()) {
      const snapshot = this.loadSnapshot(offset);
      if (!snapshot) continue;
      state = ProducerState.fromSnapshot(snapshot);
      from = offset;
      break;
    }
    if (from < end) {
      for (const batch of this.batchesFrom(from)) {
        if (batch.baseOffset >= end) break;
        if (batch.baseOffset >= from) this.trackProducer(state, batch, readBatchHeader(batch.data));
      }
    }
    this.producers = state;
  }

  // ---------------------------------------------------------------- persistence

  private saveEpochs(): void {
    if (this.dir === null || !this.persistent) return;
    fs.mkdirSync(this.dir, { recursive: true });
    writeAtomically(path.join(this.dir, LEADER_EPOCHS), formatCheckpoint(this.epochs.map((e) => `${e.epoch} ${e.startOffset}`)), false);
  }

  /** A clean stop: indexes written, data flushed (`durable`), producer state and checkpoints saved. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const segment of this.segments) segment.close(this.persistent);
    this.cache?.clear();
    if (!this.persistent || this.dir === null || !fs.existsSync(this.dir)) return;
    this.saveProducerSnapshot(this.endOffset);
    this.saveEpochs();
    const { storage, topic, partition } = this.options;
    storage.setCheckpoint('recovery-point-offset-checkpoint', topic, partition, this.endOffset);
    storage.setCheckpoint('log-start-offset-checkpoint', topic, partition, this.startOffset);
  }

  /** The partition is gone (its topic deleted): files and checkpoints too. */
  delete(): void {
    this.closed = true;
    for (const segment of this.segments.splice(0)) segment.delete();
    this.cache?.clear();
    this.memorySnapshots.clear();
    if (this.dir !== null) fs.rmSync(this.dir, { recursive: true, force: true });
    this.options.storage.forget(this.options.topic, this.options.partition);
  }
}

/**
 * The bytes of a received batch as the log keeps them: the request's own when the batch fills most
 * of the buffer it arrived in (a large produce is not copied), a copy otherwise, so that a small
 * batch in the cache does not hold on to the whole socket chunk it came in.
 */
function keepable(received: Buffer): Buffer {
  return received.byteLength * 2 >= received.buffer.byteLength ? received : Buffer.from(received);
}

/**
 * A partition folder of kafka-lab 0.1 (one `log` file and a `start-offset` file) becomes a log
 * dir of one segment, recovered on open like any segment without indexes.
 */
function migrateSingleFileLog(dir: string, storage: BrokerStorage, topic: string, partition: number): void {
  const single = path.join(dir, 'log');
  if (!fs.existsSync(single) || segmentBaseOffsets(dir).length > 0) return;
  const startFile = path.join(dir, 'start-offset');
  const start = fs.existsSync(startFile) ? Number(fs.readFileSync(startFile, 'utf8')) : 0;
  fs.renameSync(single, path.join(dir, segmentFileName(0, '.log')));
  if (Number.isSafeInteger(start) && start > 0) storage.setCheckpoint('log-start-offset-checkpoint', topic, partition, start);
  fs.rmSync(startFile, { force: true });
}
