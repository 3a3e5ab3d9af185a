// Where partition logs and cluster metadata live: in memory (the default), or on disk under
// `--data-dir` so that a stopped and restarted cluster keeps every acknowledged record.

import fs from 'node:fs';
import path from 'node:path';

export interface PartitionStore {
  load(): { batches: Buffer[]; startOffset: number };
  append(batch: Buffer): void;
  setStartOffset(offset: number): void;
  delete(): void;
}

export interface Store {
  partition(topic: string, partition: number): PartitionStore;
  loadMetadata<T>(): T | null;
  saveMetadata(metadata: unknown): void;
  close(): void;
}

const memoryPartition: PartitionStore = {
  load: () => ({ batches: [], startOffset: 0 }),
  append() {},
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

/** One folder per partition holding `log` (batches back to back) and `start-offset`. */
export function diskStore(dataDir: string): Store {
  fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const metadataFile = path.join(dataDir, 'cluster.json');
  const open = new Set<number>();

  return {
    partition(topic, partition) {
      const dir = path.join(dataDir, 'logs', `${topic}-${partition}`);
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
          // A batch cut short by a crash mid-write was never acknowledged: stop before it.
          while (at + LENGTH_PREFIX <= data.length) {
            const end = at + LENGTH_PREFIX + data.readInt32BE(at + 8);
            if (end > data.length) break;
            batches.push(Buffer.from(data.subarray(at, end)));
            at = end;
          }
          if (at < data.length) fs.truncateSync(logFile, at);
          const startOffset = fs.existsSync(startFile) ? Number(fs.readFileSync(startFile, 'utf8')) : 0;
          return { batches, startOffset };
        },
        append(batch) {
          fs.writeSync(fd, batch);
        },
        setStartOffset(offset) {
          fs.writeFileSync(startFile, String(offset));
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
