// Where partition logs and cluster metadata live: in memory (the default), or on disk under
// `--data-dir` so that a stopped and restarted cluster keeps every acknowledged record.

import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { BATCH_OVERHEAD, readBatchHeader } from '../protocol/records.ts';

export interface PartitionStore {
  load(): { batches: Buffer[]; startOffset: number };
  append(batch: Buffer): void;
  /** Replaces the whole log with `batches` (what the log cleaner kept). */
  rewrite(batches: Buffer[]): void;
  setStartOffset(offset: number): void;
  delete(): void;
}

export interface Store {
  /** The log of one replica: broker `brokerId`'s copy of the partition. */
  partition(topic: string, partition: number, brokerId: number): PartitionStore;
  loadMetadata<T>(): T | null;
  saveMetadata(metadata: unknown): void;
  close(): void;
}

const memoryPartition: PartitionStore = {
  load: () => ({ batches: [], startOffset: 0 }),
  append() {},
  rewrite() {},
  setStartOffset() {},
  delete() {},
};

export const memoryStore: Store = {
  partition: () => memoryPartition,
  loadMetadata: () => null,
  saveMetadata() {},
  close() {},
};

const LENGTH_PREFIX = 12; // a batch's base offset and length field, which its length does not count
const CRC_AT = 17; // the CRC-32C covers the batch from its attributes (byte 21) to its end
const ATTRIBUTES_AT = 21;

/**
 * Where the whole, intact batch starting at `at` ends, or -1 if the bytes there are not one: cut
 * short, zeroed, garbage, a CRC that does not match, or offsets that go backwards. What a crash
 * mid-write leaves; as Kafka's log recovery does, the log is cut before it.
 */
function intactBatchEnd(data: Buffer, at: number, nextOffset: number): number {
  if (data.length - at < BATCH_OVERHEAD) return -1;
  const end = at + LENGTH_PREFIX + data.readInt32BE(at + 8);
  if (end < at + BATCH_OVERHEAD || end > data.length) return -1;
  const batch = data.subarray(at, end);
  const header = readBatchHeader(batch);
  if (header.magic !== 2 || header.lastOffsetDelta < 0 || header.baseOffset < nextOffset) return -1;
  return batch.readUInt32BE(CRC_AT) === crc32c(batch.subarray(ATTRIBUTES_AT)) ? end : -1;
}

/** One folder per broker and partition, `broker-N/topic-P/`, holding `log` (batches back to back) and `start-offset`. */
export function diskStore(dataDir: string): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const metadataFile = path.join(dataDir, 'cluster.json');
  const open = new Set<number>();

  return {
    partition(topic, partition, brokerId) {
      const dir = path.join(dataDir, `broker-${brokerId}`, `${topic}-${partition}`);
      const logFile = path.join(dir, 'log');
      const startFile = path.join(dir, 'start-offset');
      fs.mkdirSync(dir, { recursive: true });
      let fd = fs.openSync(logFile, 'a');
      open.add(fd);
      return {
        load() {
          const data = fs.readFileSync(logFile);
          const batches: Buffer[] = [];
          let at = 0;
          let nextOffset = 0;
          for (;;) {
            const end = intactBatchEnd(data, at, nextOffset);
            if (end === -1) break;
            const batch = Buffer.from(data.subarray(at, end));
            const header = readBatchHeader(batch);
            batches.push(batch);
            nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
            at = end;
          }
          // What follows the last intact batch was being written when the broker died: drop it,
          // so new batches are not appended after it.
          if (at < data.length) fs.truncateSync(logFile, at);
          const saved = fs.existsSync(startFile) ? Number(fs.readFileSync(startFile, 'utf8')) : 0;
          return { batches, startOffset: Number.isSafeInteger(saved) && saved > 0 ? saved : 0 };
        },
        append(batch) {
          fs.writeSync(fd, batch);
        },
        rewrite(batches) {
          // Written aside and renamed over the log, so a crash leaves the old log or the new one;
          // appends then go to the new file.
          fs.writeFileSync(`${logFile}.tmp`, Buffer.concat(batches));
          fs.renameSync(`${logFile}.tmp`, logFile);
          fs.closeSync(fd);
          open.delete(fd);
          fd = fs.openSync(logFile, 'a');
          open.add(fd);
        },
        setStartOffset(offset) {
          // Written aside and renamed, so a crash leaves the old start offset or the new one.
          fs.writeFileSync(`${startFile}.tmp`, String(offset));
          fs.renameSync(`${startFile}.tmp`, startFile);
        },
        delete() {
          fs.closeSync(fd);
          open.delete(fd);
          fd = -1;
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    loadMetadata<T>() {
      return fs.existsSync(metadataFile) ? (JSON.parse(fs.readFileSync(metadataFile, 'utf8')) as T) : null;
    },
    saveMetadata(metadata) {
      const temporary = `${metadataFile}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(metadata, null, 2));
      fs.renameSync(temporary, metadataFile);
    },
    close() {
      for (const fd of open) fs.closeSync(fd);
      open.clear();
    },
  };
}
