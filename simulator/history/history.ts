// The history checker's judgement, as pure functions over recorded data: the writes brokers
// acknowledged, the records clients say they consumed, the truncations replicas made, and each
// partition's final committed log. It finds acknowledged writes lost, duplicates, reordering within
// a partition, and records read that the log later lost. Nothing here touches a cluster, so the
// grader can feed it histories recorded against real Kafka too.
//
// Records are told apart by key and value, so a workload should give every write a unique value.

/** A key or value as text: UTF-8 when it decodes cleanly, else `hex:…`; null stays null. */
export type RecordText = string | null;

export interface AcknowledgedWrite {
  topic: string;
  partition: number;
  offset: number;
  key: RecordText;
  value: RecordText;
  /** The acks level the producer asked for; 'client' when a client reported the acknowledgement itself. */
  acks: 1 | -1 | 'client';
  clientId: string | null;
  /** The broker that acknowledged it, when known. */
  brokerId?: number;
  /** Order of observation across the whole history (acknowledgements and reads). */
  sequence: number;
  time: number;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: number;
  key: RecordText;
  value: RecordText;
  /** Who read it: a consumer group or a client name; reads are judged per consumer. */
  consumer: string;
  sequence: number;
  time: number;
}

export interface Truncation {
  topic: string;
  partition: number;
  brokerId: number;
  /** The first offset cut. */
  offset: number;
  records: number;
  time: number;
}

/**
 * A consumer's claim to be done with everything below `offset` of a partition: its committed
 * offset. Records there that it never read were skipped (at-most-once: committed, then not processed).
 */
export interface ReadPosition {
  consumer: string;
  topic: string;
  partition: number;
  offset: number;
}

export interface History {
  acknowledged: AcknowledgedWrite[];
  consumed: ConsumedRecord[];
  truncations: Truncation[];
  /** Committed positions of consumers, when skipped records are to be found (optional). */
  positions?: ReadPosition[];
}

export interface FinalRecord {
  offset: number;
  key: RecordText;
  value: RecordText;
}

/** A partition's committed log at the end of the run; `records` null while no replica can lead it. */
export interface FinalLog {
  topic: string;
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  records: FinalRecord[] | null;
}

export type FindingKind = 'lost' | 'skipped' | 'duplicate' | 'reordered' | 'read-truncated';

export interface Finding {
  kind: FindingKind;
  topic: string;
  partition: number;
  offset: number;
  key: RecordText;
  value: RecordText;
  /** What happened, in a few words. */
  detail: string;
}

export interface HistoryReport {
  /** No acknowledged write lost or skipped, nothing reordered, nothing read that the log lost. Duplicates do not count. */
  ok: boolean;
  /**
   * PASS, or FAIL with how many writes were lost, reordered or read and then truncated. Duplicates
   * (at-least-once retries and redeliveries, whose number depends on timing) are in the totals.
   */
  verdict: string;
  counts: Record<FindingKind, number>;
  acknowledged: number;
  consumed: number;
  partitions: number;
  findings: Finding[];
}

export const FINDING_KINDS: FindingKind[] = ['lost', 'skipped', 'reordered', 'read-truncated', 'duplicate'];

const partitionKey = (topic: string, partition: number) => `${topic}\0${partition}`;
const identity = (r: { key: RecordText; value: RecordText }) => `${r.key ?? '\u2400'}\0${r.value ?? '\u2400'}`;
const sameRecord = (a: { key: RecordText; value: RecordText }, b: { key: RecordText; value: RecordText }) => a.key === b.key && a.value === b.value;

/** Text of a record's key or value for a history: UTF-8 when it decodes cleanly, else hex. */
export function recordText(data: Buffer | Uint8Array | string | null | undefined): RecordText {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return data;
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const text = buffer.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buffer) ? text : `hex:${buffer.toString('hex')}`;
}

/** A value as it appears in findings: quoted, or null. */
export const shown = (text: RecordText) => (text === null ? 'null' : JSON.stringify(text));

class IndexedLog {
  readonly byOffset = new Map<number, FinalRecord>();
  readonly offsetsOf = new Map<string, number[]>();
  constructor(readonly log: FinalLog) {
    for (const record of log.records ?? []) {
      this.byOffset.set(record.offset, record);
      const id = identity(record);
      this.offsetsOf.set(id, [...(this.offsetsOf.get(id) ?? []), record.offset]);
    }
  }
  get available() {
    return this.log.records !== null;
  }
}

/** Judges a history against the final logs of its partitions. */
export function checkHistory(history: History, finalLogs: FinalLog[]): HistoryReport {
  const logs = new Map(finalLogs.map((log) => [partitionKey(log.topic, log.partition), new IndexedLog(log)]));
  const findings: Finding[] = [];
  const acknowledged = distinctWrites(history.acknowledged);
  const lost = new Set<AcknowledgedWrite>();

  for (const write of acknowledged) {
    const log = logs.get(partitionKey(write.topic, write.partition));
    if (log && write.offset < log.log.logStartOffset) continue; // removed by retention or DeleteRecords, not lost
    const now = log?.byOffset.get(write.offset);
    if (now && sameRecord(now, write)) continue;
    lost.add(write);
    findings.push({ ...pick(write), kind: 'lost', detail: lostDetail(write, log, history.truncations) });
  }

  findings.push(...skippedRecords(history, logs), ...storedDuplicates(history, logs), ...repeatedReads(history.consumed));
  findings.push(...reorderedWrites(acknowledged, lost), ...reorderedReads(history.consumed));

  for (const read of history.consumed) {
    const log = logs.get(partitionKey(read.topic, read.partition));
    if (!log?.available || read.offset < log.log.logStartOffset) continue;
    const now = log.byOffset.get(read.offset);
    if (now && sameRecord(now, read)) continue;
    const where = now ? `offset now holds ${shown(now.value)}` : 'no longer in the log';
    findings.push({ ...pick(read), kind: 'read-truncated', detail: [`read by ${read.consumer}`, where, truncatedBy(read, history.truncations)].filter(Boolean).join('; ') });
  }

  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, findings.filter((f) => f.kind === kind).length])) as Record<FindingKind, number>;
  const ok = counts.lost + counts.skipped + counts.reordered + counts['read-truncated'] === 0;
  const partitions = new Set([...history.acknowledged, ...history.consumed].map((r) => partitionKey(r.topic, r.partition))).size;
  return {
    ok,
    verdict: verdictLine(ok, counts),
    counts,
    acknowledged: acknowledged.length,
    consumed: history.consumed.length,
    partitions,
    findings: sortFindings(findings),
  };
}

const pick = (r: { topic: string; partition: number; offset: number; key: RecordText; value: RecordText }) => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  key: r.key,
  value: r.value,
});

/** One entry per write: a retried batch acknowledged twice at the same offset is one write. */
function distinctWrites(writes: AcknowledgedWrite[]): AcknowledgedWrite[] {
  const seen = new Set<string>();
  return [...writes]
    .sort((a, b) => a.sequence - b.sequence || a.offset - b.offset)
    .filter((w) => {
      const id = `${partitionKey(w.topic, w.partition)}\0${w.offset}\0${identity(w)}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

function lostDetail(write: AcknowledgedWrite, log: IndexedLog | undefined, truncations: Truncation[]): string {
  const by = write.brokerId === undefined ? '' : ` by broker ${write.brokerId}`;
  const parts = [write.acks === 'client' ? `acknowledged${by}` : `acks=${write.acks === -1 ? 'all' : write.acks}${by}`];
  if (!log) parts.push('partition not read');
  else if (!log.available) parts.push('partition offline');
  else {
    const now = log.byOffset.get(write.offset);
    parts.push(now ? `offset now holds ${shown(now.value)}` : 'no longer in the log');
    const elsewhere = (log.offsetsOf.get(identity(write)) ?? []).filter((o) => o !== write.offset);
    if (elsewhere.length > 0) parts.push(`found at ${elsewhere.join(', ')}`);
  }
  const cut = truncatedBy(write, truncations);
  if (cut) parts.push(cut);
  return parts.join('; ');
}

/** Which replica truncations cut this offset, if any: "truncated on broker 2". */
function truncatedBy(record: { topic: string; partition: number; offset: number }, truncations: Truncation[]): string {
  const brokers = truncations
    .filter((t) => t.topic === record.topic && t.partition === record.partition && t.offset <= record.offset && record.offset < t.offset + t.records)
    .map((t) => t.brokerId);
  const distinct = [...new Set(brokers)].sort((a, b) => a - b);
  return distinct.length === 0 ? '' : `truncated on broker${distinct.length > 1 ? 's' : ''} ${distinct.join(', ')}`;
}

/** Records below a consumer's committed position that it never read. */
function skippedRecords(history: History, logs: Map<string, IndexedLog>): Finding[] {
  const findings: Finding[] = [];
  const read = new Set(history.consumed.map((r) => `${r.consumer}\0${partitionKey(r.topic, r.partition)}\0${r.offset}`));
  for (const position of history.positions ?? []) {
    const log = logs.get(partitionKey(position.topic, position.partition));
    for (const record of log?.log.records ?? []) {
      if (record.offset >= position.offset || read.has(`${position.consumer}\0${partitionKey(position.topic, position.partition)}\0${record.offset}`)) continue;
      findings.push({ topic: position.topic, partition: position.partition, offset: record.offset, key: record.key, value: record.value, kind: 'skipped', detail: `below ${position.consumer}'s committed offset ${position.offset}, never read by it` });
    }
  }
  return findings;
}

/** A record (of those written or read) that the final log holds at more than one offset. */
function storedDuplicates(history: History, logs: Map<string, IndexedLog>): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const record of [...history.acknowledged, ...history.consumed]) {
    if (record.value === null) continue;
    const pk = partitionKey(record.topic, record.partition);
    const id = `${pk}\0${identity(record)}`;
    if (reported.has(id)) continue;
    reported.add(id);
    const offsets = logs.get(pk)?.offsetsOf.get(identity(record)) ?? [];
    if (offsets.length < 2) continue;
    findings.push({ ...pick(record), offset: offsets[0], kind: 'duplicate', detail: `stored at offsets ${offsets.join(', ')}` });
  }
  return findings;
}

/** An offset one consumer was handed more than once (at-least-once redelivery). */
function repeatedReads(consumed: ConsumedRecord[]): Finding[] {
  const times = new Map<string, { read: ConsumedRecord; count: number }>();
  for (const read of consumed) {
    const id = `${read.consumer}\0${partitionKey(read.topic, read.partition)}\0${read.offset}`;
    const entry = times.get(id);
    if (entry) entry.count++;
    else times.set(id, { read, count: 1 });
  }
  return [...times.values()]
    .filter((e) => e.count > 1)
    .map(({ read, count }) => ({ ...pick(read), kind: 'duplicate' as const, detail: `read ${count} times by ${read.consumer}` }));
}

/**
 * Per client and partition, writes acknowledged one after another must sit in the log in that
 * order. (A client that sends to a partition one request at a time, as idempotent producers and
 * awaited sends do; concurrent sends have no order to keep.)
 */
function reorderedWrites(acknowledged: AcknowledgedWrite[], lost: Set<AcknowledgedWrite>): Finding[] {
  const highest = new Map<string, number>();
  const findings: Finding[] = [];
  for (const write of acknowledged) {
    if (lost.has(write)) continue;
    const stream = `${write.clientId}\0${partitionKey(write.topic, write.partition)}`;
    const before = highest.get(stream) ?? -1;
    if (write.offset < before) {
      findings.push({ ...pick(write), kind: 'reordered', detail: `acknowledged after offset ${before} (${write.clientId ?? 'no client id'}) but stored before it` });
    }
    highest.set(stream, Math.max(before, write.offset));
  }
  return findings;
}

/** Per consumer and partition, a record first read after a later offset was read skipped ahead and came back. */
function reorderedReads(consumed: ConsumedRecord[]): Finding[] {
  const highest = new Map<string, number>();
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const read of [...consumed].sort((a, b) => a.sequence - b.sequence)) {
    const stream = `${read.consumer}\0${partitionKey(read.topic, read.partition)}`;
    const id = `${stream}\0${read.offset}`;
    const before = highest.get(stream) ?? -1;
    if (read.offset < before && !seen.has(id)) {
      findings.push({ ...pick(read), kind: 'reordered', detail: `read by ${read.consumer} after offset ${before}` });
    }
    seen.add(id);
    highest.set(stream, Math.max(before, read.offset));
  }
  return findings;
}

const KIND_ORDER = new Map(FINDING_KINDS.map((kind, i) => [kind, i]));

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) => KIND_ORDER.get(a.kind)! - KIND_ORDER.get(b.kind)! || a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset,
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function verdictLine(ok: boolean, counts: Record<FindingKind, number>): string {
  if (ok) return 'PASS: no acknowledged write lost, nothing reordered, nothing read was truncated';
  const problems = [
    counts.lost > 0 && `${plural(counts.lost, 'acknowledged write', 'acknowledged writes')} lost`,
    counts.skipped > 0 && `${plural(counts.skipped, 'record', 'records')} skipped`,
    counts.reordered > 0 && `${plural(counts.reordered, 'record', 'records')} reordered`,
    counts['read-truncated'] > 0 && `${plural(counts['read-truncated'], 'record', 'records')} read and then truncated`,
  ].filter(Boolean);
  return `FAIL: ${problems.join(', ')}`;
}
