// Where your cluster is, for every program of this workspace (kafka-lab writes this file).
// $KAFKA_BOOTSTRAP wins; otherwise kafka-lab.json at the root of the workspace says.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// kafkajs 2.2.4 re-arms its request-queue timer with a delay of -1 - Date.now() once a queued
// request has gone out (it starts "throttled until -1"), and Node 23+ prints a
// TimeoutNegativeWarning for it. The timer is harmless (Node runs it after 1 ms), the broker's
// throttle_time_ms has nothing to do with it, and it would only clutter your terminal: it is muted.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  if (type === 'TimeoutNegativeWarning' || (warning instanceof Error && warning.name === 'TimeoutNegativeWarning')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

function findWorkspace(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'kafka-lab.json'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const found = findWorkspace(path.dirname(fileURLToPath(import.meta.url)));

/** The workspace folder: where kafka-lab.json, schemas/ and data/ are. */
export const workspaceDir: string = found ?? process.cwd();

const config = found ? (JSON.parse(fs.readFileSync(path.join(found, 'kafka-lab.json'), 'utf8')) as { bootstrap?: string }) : {};

/** host:port of the brokers, for `new Kafka({ brokers: bootstrapServers })`. */
export const bootstrapServers: string[] = (process.env.KAFKA_BOOTSTRAP || config.bootstrap || '127.0.0.1:9092').split(',');

/** A path inside the workspace: inWorkspace('schemas', 'sample.avsc'). */
export function inWorkspace(...parts: string[]): string {
  return path.join(workspaceDir, ...parts);
}
