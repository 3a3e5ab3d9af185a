// Files in the student's workspace, for the file checks: paths resolved inside the workspace, and a
// cache of what was computed from a file, kept while its size and modification time stay the same
// (a lab re-runs its checks every second; an 80,000-record Avro file should be read once).

import fs from 'node:fs';
import path from 'node:path';

export function inWorkspace(workspaceDir: string, file: string): string {
  return path.resolve(workspaceDir, file);
}

export function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

const cache = new Map<string, { signature: string; value: unknown }>();

/** `compute(file)`, or its cached result while the file is unchanged. */
export async function perFileVersion<T>(kind: string, file: string, stat: fs.Stats, compute: () => Promise<T>): Promise<T> {
  const key = `${kind}:${file}`;
  const signature = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
  const hit = cache.get(key);
  if (hit && hit.signature === signature) return hit.value as T;
  const value = await compute();
  cache.set(key, { signature, value });
  return value;
}

/** "24.89 MB", "512 B". Megabytes are 10^6 bytes, as the course's figures are. */
export function formatSize(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
