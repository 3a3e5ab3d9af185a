// The records of `__transaction_state`, in Kafka's format: key version 0 (transactional id) and
// value version 0 (producer id and epoch, timeout, status, partitions, timestamps).

import { array, int16, int32, int64, int8, nullableArray, string, struct } from '../protocol/schema.ts';
import { Reader, Writer } from '../protocol/wire.ts';

export const TXN_STATUSES = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const;
export type TxnStatus = (typeof TXN_STATUSES)[number];

const classic = { version: 0, flexible: false };
const keySchema = struct({ transactionalId: string });
const valueSchema = struct({
  producerId: int64,
  producerEpoch: int16,
  timeoutMs: int32,
  status: int8,
  partitions: nullableArray(struct({ topic: string, partitionIds: array(int32) })),
  lastUpdateTimestampMs: int64,
  startTimestampMs: int64,
});

interface TxnRecordFields {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  status: TxnStatus;
  partitions: Map<string, Set<number>>;
  startedAt: number;
}

export function txnKey(transactionalId: string): Buffer {
  const w = new Writer(64).int16(0);
  keySchema.write(w, { transactionalId }, classic);
  return Buffer.from(w.toBuffer());
}

export function txnValue(txn: TxnRecordFields): Buffer {
  const w = new Writer(128).int16(0);
  valueSchema.write(
    w,
    {
      producerId: txn.producerId,
      producerEpoch: txn.producerEpoch,
      timeoutMs: txn.timeoutMs,
      status: TXN_STATUSES.indexOf(txn.status),
      partitions: [...txn.partitions].map(([topic, ids]) => ({ topic, partitionIds: [...ids] })),
      lastUpdateTimestampMs: Date.now(),
      startTimestampMs: txn.startedAt,
    },
    classic,
  );
  return Buffer.from(w.toBuffer());
}

export function parseTxnRecord(key: Buffer | null, value: Buffer | null): Omit<TxnRecordFields, 'startedAt'> | null {
  if (!key || !value) return null;
  const k = new Reader(key);
  const v = new Reader(value);
  if (k.int16() !== 0 || v.int16() !== 0) return null;
  const { transactionalId } = keySchema.read(k, classic);
  const saved = valueSchema.read(v, classic);
  return {
    transactionalId,
    producerId: saved.producerId,
    producerEpoch: saved.producerEpoch,
    timeoutMs: saved.timeoutMs,
    status: TXN_STATUSES[saved.status] ?? 'Empty',
    partitions: new Map((saved.partitions ?? []).map((p) => [p.topic, new Set(p.partitionIds)])),
  };
}
