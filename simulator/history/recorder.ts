// Records a history on a running cluster: every produce a broker acknowledges (from the
// 'produce-acknowledged' event, reading the acknowledged records from that broker's log at that
// moment), every replica truncation ('log-truncated'), and what clients under test report they
// consumed. `check()` then reads each partition's final committed log and judges the history.
//
//   const history = recordHistory(cluster, { topics: ['orders'] });
//   ... produce; for each record consumed: history.consumed({ topic, partition, offset, key, value })
//   ... heal, restart, let the replicas catch up
//   printReport(history.check());

import type { ClusterHandle } from '../index.ts';
import { checkHistory, recordText, type AcknowledgedWrite, type FinalLog, type History, type HistoryReport } from './history.ts';

type RecordData = Buffer | Uint8Array | string | null | undefined;

export interface RecordHistoryOptions {
  /** The topics to watch (default: every topic whose name does not start with "__"). */
  topics?: string[] | ((topic: string) => boolean);
  /** Only acknowledgements to these client ids (default: every client). */
  clientIds?: string[];
}

export interface ConsumedInput {
  topic: string;
  partition: number;
  /** A number, or the decimal string kafkajs hands out. */
  offset: number | string;
  key?: RecordData;
  value: RecordData;
  /** Who read it (default "consumer"): reads are judged per consumer. */
  consumer?: string;
}

export interface AcknowledgedInput {
  topic: string;
  partition: number;
  offset: number | string;
  key?: RecordData;
  value: RecordData;
  clientId?: string;
}

type Observed = Pick<ClusterHandle, 'events' | 'describe' | 'readPartition'>;

export class HistoryRecorder {
  private readonly data: History = { acknowledged: [], consumed: [], truncations: [] };
  private sequence = 0;
  private readonly unsubscribe: () => void;
  private readonly watches: (topic: string) => boolean;

  constructor(
    private readonly cluster: Observed,
    options: RecordHistoryOptions = {},
  ) {
    const { topics, clientIds } = options;
    this.watches = typeof topics === 'function' ? topics : Array.isArray(topics) ? (t) => topics.includes(t) : (t) => !t.startsWith('__');
    this.unsubscribe = cluster.events.subscribe((event) => {
      if (event.type === 'produce-acknowledged' && this.watches(event.topic) && (!clientIds || clientIds.includes(event.clientId ?? ''))) {
        // The broker's own log holds exactly what it acknowledged, right now (a zombie leader's too).
        const records = cluster.readPartition(event.topic, event.partition, { brokerId: event.brokerId, from: event.baseOffset, to: event.baseOffset + event.recordCount });
        const sequence = this.sequence++;
        for (const record of records) {
          this.data.acknowledged.push({
            topic: event.topic,
            partition: event.partition,
            offset: record.offset,
            key: recordText(record.key),
            value: recordText(record.value),
            acks: event.acks,
            clientId: event.clientId,
            brokerId: event.brokerId,
            sequence,
            time: event.time,
          });
        }
      } else if (event.type === 'log-truncated' && this.watches(event.topic)) {
        const { topic, partition, brokerId, offset, records, time } = event;
        this.data.truncations.push({ topic, partition, brokerId, offset, records, time });
      }
    });
  }

  /** Tells the recorder a client under test consumed a record. */
  consumed(record: ConsumedInput): void {
    this.data.consumed.push({
      topic: record.topic,
      partition: record.partition,
      offset: Number(record.offset),
      key: recordText(record.key),
      value: recordText(record.value),
      consumer: record.consumer ?? 'consumer',
      sequence: this.sequence++,
      time: Date.now(),
    });
  }

  /** Adds an acknowledgement a client saw itself (for clients whose produce acknowledgement the broker cannot tell apart). */
  acknowledged(write: AcknowledgedInput): void {
    this.data.acknowledged.push({
      topic: write.topic,
      partition: write.partition,
      offset: Number(write.offset),
      key: recordText(write.key),
      value: recordText(write.value),
      acks: 'client',
      clientId: write.clientId ?? null,
      sequence: this.sequence++,
      time: Date.now(),
    } satisfies AcknowledgedWrite);
  }

  /** What was recorded so far (a copy). */
  get history(): History {
    return { acknowledged: [...this.data.acknowledged], consumed: [...this.data.consumed], truncations: [...this.data.truncations] };
  }

  /** Each recorded partition's committed log now: its leader's records below the high watermark. */
  finalLogs(): FinalLog[] {
    const snapshot = this.cluster.describe();
    const touched = new Map<string, { topic: string; partition: number }>();
    for (const r of [...this.data.acknowledged, ...this.data.consumed]) touched.set(`${r.topic}\0${r.partition}`, r);
    return [...touched.values()].map(({ topic, partition }) => {
      const p = snapshot.topics.find((t) => t.name === topic)?.partitions[partition];
      if (!p) return { topic, partition, logStartOffset: 0, highWatermark: 0, records: [] };
      const records = p.leader < 0 ? null : this.cluster.readPartition(topic, partition).map((r) => ({ offset: r.offset, key: recordText(r.key), value: recordText(r.value) }));
      return { topic, partition, logStartOffset: p.logStartOffset, highWatermark: p.highWatermark, records };
    });
  }

  /** Judges the history against the final logs. Heal and restart first, and let the replicas settle. */
  check(): HistoryReport {
    return checkHistory(this.data, this.finalLogs());
  }

  /** Stops recording; what was recorded stays. */
  stop(): void {
    this.unsubscribe();
  }
}

export function recordHistory(cluster: Observed, options: RecordHistoryOptions = {}): HistoryRecorder {
  return new HistoryRecorder(cluster, options);
}
