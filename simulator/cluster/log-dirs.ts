// Each broker's log directory, as DescribeLogDirs and AlterReplicaLogDirs see it (kafka-log-dirs,
// kafka-reassign-partitions, admin clients). A broker has one log dir, Kafka's log.dirs with one
// entry: its folder under the cluster's storage (logs kept in memory have none on disk, so they
// report a path of their own and an unknown volume size). Replica sizes come from the logs.

import fs from 'node:fs';
import path from 'node:path';
import type { LogStorage } from '../log/storage.ts';
import type { Topics } from './topics.ts';

export interface ReplicaInLogDir {
  topic: string;
  partition: number;
  /** Bytes of the replica's log segments. */
  size: number;
  /** How far the replica's log end is below the high watermark it knows: Kafka's offsetLag for a current log. */
  offsetLag: number;
}

export interface LogDir {
  /** The absolute path clients see. */
  path: string;
  /** The volume's size and free space in bytes; -1 when unknown (logs in memory). */
  totalBytes: number;
  usableBytes: number;
  replicas: ReplicaInLogDir[];
}

/** What memory-only brokers report as their log dir: not on disk, and said so. */
export const memoryLogDir = (brokerId: number) => `/kafka-lab/in-memory/broker-${brokerId}`;

export class LogDirs {
  constructor(
    private readonly storage: LogStorage,
    private readonly topics: Topics,
  ) {}

  /** The log dir of a broker, with every replica the broker holds. */
  of(brokerId: number): LogDir {
    const dir = this.storage.broker(brokerId).dir;
    const replicas: ReplicaInLogDir[] = [];
    for (const topic of this.topics.values()) {
      for (const partition of topic.partitions) {
        const replica = partition.replica(brokerId);
        if (!replica) continue;
        replicas.push({ topic: topic.name, partition: partition.index, size: replica.log.sizeInBytes, offsetLag: Math.max(0, replica.highWatermark - replica.logEndOffset) });
      }
    }
    return { path: dir === null ? memoryLogDir(brokerId) : path.resolve(dir), ...volume(dir), replicas };
  }
}

function volume(dir: string | null): { totalBytes: number; usableBytes: number } {
  if (dir === null) return { totalBytes: -1, usableBytes: -1 };
  try {
    // The broker's folder appears with its first log; the storage root always exists.
    const stats = fs.statfsSync(fs.existsSync(dir) ? dir : path.dirname(dir));
    return { totalBytes: stats.blocks * stats.bsize, usableBytes: stats.bavail * stats.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}
