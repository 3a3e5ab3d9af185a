// Where a cluster's logs and metadata live. Three kinds:
//
//   temporary (the default)  segment files under a fresh folder in the OS temp dir, removed on stop;
//                            nothing else is written, since nothing is read back
//   data dir (`dataDir`)     segment files, indexes and checkpoints, kept: a restart loses nothing
//                            acknowledged, and a crash is recovered from
//   memory (`inMemory`)      every batch in memory, nothing on disk (small labs and tests)
//
// A data dir holds `cluster.json` (topics, configs, leaders, ACLs) and one folder per broker, laid
// out as a Kafka log dir: a folder per partition (`orders-0/`, file-segment.ts) beside Kafka's
// checkpoint files (`recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`,
// `cleaner-offset-checkpoint`) and, after a clean stop, `.kafka_cleanshutdown`.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchCache } from './batch-cache.ts';
import { OpenFiles } from './open-files.ts';

export interface StorageOptions {
  /** Keep everything here (created if missing). */
  dataDir?: string;
  /** Keep logs in memory instead of on disk. */
  inMemory?: boolean;
  /** Bytes of recent batches each broker keeps in memory (disk logs only). */
  cacheBytes: number;
}

const CLEAN_SHUTDOWN = '.kafka_cleanshutdown';
const METADATA = 'cluster.json';
/** Marks a temporary folder with the pid of its process, so a later run may remove it if that process died. */
const OWNER = '.kafka-lab-owner';
const TEMPORARY_PREFIX = 'kafka-lab-';

export class LogStorage {
  private readonly brokers = new Map<number, BrokerStorage>();
  readonly files = new OpenFiles();

  private constructor(
    /** Null for memory storage. */
    readonly root: string | null,
    /** Whether what is written is read again after a restart (a data dir). */
    readonly persistent: boolean,
    readonly cacheBytes: number,
  ) {}

  static open({ dataDir, inMemory, cacheBytes }: StorageOptions): LogStorage {
    if (dataDir && inMemory) throw new Error('dataDir and inMemory exclude each other: a data dir is on disk');
    if (inMemory) return new LogStorage(null, false, cacheBytes);
    if (dataDir) {
      fs.mkdirSync(dataDir, { recursive: true });
      return new LogStorage(path.resolve(dataDir), true, cacheBytes);
    }
    removeAbandonedTemporaryDirs();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), TEMPORARY_PREFIX));
    fs.writeFileSync(path.join(root, OWNER), String(process.pid));
    return new LogStorage(root, false, cacheBytes);
  }

  get kind(): 'memory' | 'temporary' | 'data-dir' {
    return this.root === null ? 'memory' : this.persistent ? 'data-dir' : 'temporary';
  }

  broker(id: number): BrokerStorage {
    let broker = this.brokers.get(id);
    if (!broker) {
      broker = new BrokerStorage(this, id, this.root === null ? null : path.join(this.root, `broker-${id}`));
      this.brokers.set(id, broker);
    }
    return broker;
  }

  loadMetadata<T>(): T | null {
    if (!this.persistent) return null;
    const file = path.join(this.root!, METADATA);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : null;
  }

  saveMetadata(metadata: unknown): void {
    if (this.persistent) writeAtomically(path.join(this.root!, METADATA), JSON.stringify(metadata, null, 2), false);
  }

  /** Every log has been opened: from here on a crash is an unclean shutdown. */
  loaded(): void {
    for (const broker of this.brokers.values()) broker.loaded();
  }

  /** After every log closed: marks each broker's clean shutdown (data dir), or removes the temporary folder. */
  close(): void {
    this.files.closeAll();
    if (this.root === null) return;
    if (this.persistent) for (const broker of this.brokers.values()) broker.markCleanShutdown();
    else fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** One broker's share: its log dir, its checkpoints and its cache of recent batches. */
export class BrokerStorage {
  /** Null for memory storage. */
  readonly cache: BatchCache | null;
  /** The broker stopped cleanly last time: logs need no recovery. */
  readonly hadCleanShutdown: boolean;
  private readonly checkpoints = new Map<CheckpointName, Map<string, number>>();

  constructor(
    private readonly storage: LogStorage,
    readonly brokerId: number,
    readonly dir: string | null,
  ) {
    this.cache = dir === null ? null : new BatchCache(storage.cacheBytes);
    this.hadCleanShutdown = dir !== null && fs.existsSync(path.join(dir, CLEAN_SHUTDOWN));
  }

  get persistent(): boolean {
    return this.storage.persistent;
  }

  get files(): OpenFiles {
    return this.storage.files;
  }

  partitionDir(topic: string, partition: number): string | null {
    return this.dir === null ? null : path.join(this.dir, `${topic}-${partition}`);
  }

  /** A checkpointed offset of a partition (recovery point, log start, cleaner's first dirty offset), if saved. */
  checkpoint(name: CheckpointName, topic: string, partition: number): number | undefined {
    return this.load(name).get(`${topic} ${partition}`);
  }

  setCheckpoint(name: CheckpointName, topic: string, partition: number, offset: number | undefined): void {
    if (!this.persistent) return;
    const offsets = this.load(name);
    const key = `${topic} ${partition}`;
    if (offsets.get(key) === offset) return;
    if (offset === undefined) offsets.delete(key);
    else offsets.set(key, offset);
    fs.mkdirSync(this.dir!, { recursive: true });
    writeAtomically(path.join(this.dir!, name), formatCheckpoint([...offsets].map(([k, v]) => `${k} ${v}`)), false);
  }

  /** A deleted partition leaves the checkpoints. */
  forget(topic: string, partition: number): void {
    for (const name of CHECKPOINTS) this.setCheckpoint(name, topic, partition, undefined);
  }

  private load(name: CheckpointName): Map<string, number> {
    let offsets = this.checkpoints.get(name);
    if (!offsets) {
      offsets = new Map();
      const file = this.dir && this.persistent ? path.join(this.dir, name) : null;
      for (const line of file && fs.existsSync(file) ? parseCheckpoint(fs.readFileSync(file, 'utf8')) : []) {
        const match = /^(\S+) (\d+) (-?\d+)$/.exec(line);
        if (match) offsets.set(`${match[1]} ${match[2]}`, Number(match[3]));
      }
      this.checkpoints.set(name, offsets);
    }
    return offsets;
  }

  loaded(): void {
    if (this.dir) fs.rmSync(path.join(this.dir, CLEAN_SHUTDOWN), { force: true });
  }

  markCleanShutdown(): void {
    if (!this.dir) return;
    fs.mkdirSync(this.dir, { recursive: true });
    writeAtomically(path.join(this.dir, CLEAN_SHUTDOWN), '', true);
  }
}

export type CheckpointName = 'recovery-point-offset-checkpoint' | 'log-start-offset-checkpoint' | 'cleaner-offset-checkpoint';
const CHECKPOINTS: CheckpointName[] = ['recovery-point-offset-checkpoint', 'log-start-offset-checkpoint', 'cleaner-offset-checkpoint'];

/** Kafka's checkpoint files: a version line (0), a count line, then one entry per line. */
export function formatCheckpoint(lines: string[]): string {
  return `0\n${lines.length}\n${lines.map((line) => `${line}\n`).join('')}`;
}

export function parseCheckpoint(text: string): string[] {
  const [version, count, ...lines] = text.split('\n');
  if (version !== '0' || !/^\d+$/.test(count ?? '')) return [];
  return lines.slice(0, Number(count));
}

/** Written aside and renamed over, so a crash leaves the old file or the new one. */
export function writeAtomically(file: string, content: string | Buffer, durable: boolean): void {
  const temporary = `${file}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    if (durable) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

let sweptTemporaryDirs = false;

/** Temporary folders whose process died without stopping its cluster (a crash, kill -9) are removed by the next run. */
function removeAbandonedTemporaryDirs(): void {
  if (sweptTemporaryDirs) return;
  sweptTemporaryDirs = true;
  const tmp = os.tmpdir();
  let names: string[];
  try {
    names = fs.readdirSync(tmp).filter((name) => name.startsWith(TEMPORARY_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const dir = path.join(tmp, name);
    try {
      const pid = Number(fs.readFileSync(path.join(dir, OWNER), 'utf8'));
      if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Not ours, or already gone.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
