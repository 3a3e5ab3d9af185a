// File descriptors of segment files, opened when first used and kept while recently used: a
// cluster with thousands of partitions and segments holds a bounded number of descriptors (a
// laptop's limit may be 256), and reopens a file that was let go when it is needed again.

import fs from 'node:fs';

export class OpenFiles {
  /** path → fd, least recently used first. */
  private readonly fds = new Map<string, number>();

  constructor(private readonly max = 128) {}

  fd(path: string): number {
    let fd = this.fds.get(path);
    if (fd !== undefined) {
      this.fds.delete(path);
    } else {
      fd = fs.openSync(path, 'r+');
      if (this.fds.size >= this.max) {
        const [oldest, oldestFd] = this.fds.entries().next().value!;
        this.fds.delete(oldest);
        fs.closeSync(oldestFd);
      }
    }
    this.fds.set(path, fd);
    return fd;
  }

  /** Forgets a file (before it is deleted, truncated or replaced). */
  close(path: string): void {
    const fd = this.fds.get(path);
    if (fd === undefined) return;
    this.fds.delete(path);
    fs.closeSync(fd);
  }

  closeAll(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }
}
