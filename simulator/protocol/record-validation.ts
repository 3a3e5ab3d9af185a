// Produce's check of a batch's records, as Kafka's LogValidator walks them: decompressed within the
// cluster's limit, every record parsed (record-scanner.ts) as its bytes come out of the codec,
// none kept. Uncompressed batches are checked where they arrive; compressed ones in a worker thread
// of the cluster's own, so that neither inflating nor parsing millions of records stalls the event
// loop every connection shares, and so that what a flood of bombs leaves behind is garbage in a
// small heap of its own, collected within that heap's limits (WORKER_LIMITS), not whenever the
// broker's heap gets round to it. Batches inflating at once keep within a byte budget of their
// footprints (compression.ts), the rest waiting their turn.

import { Worker } from 'node:worker_threads';
import { codeModule, compiled, packagePath } from '../package-root.ts';
import { DecompressionLimitError, DEFAULT_MAX_DECOMPRESSED_BYTES, inflateFootprint, inflateInto, MAX_DECOMPRESSED_BYTES, type CompressionCodec } from './compression.ts';
import { CorruptBatchError, InvalidRecordError } from './record-errors.ts';
import { RecordScanner, type TimestampDeltaWindow, type UntimelyRecord } from './record-scanner.ts';

/** What Produce needs of a batch's records once they are known to be sound. */
export interface RecordsSummary {
  /** Records with a null key (a compacted topic takes none). */
  keyless: number;
  /** Records timestamped outside `timestampDeltas` (at most MAX_UNTIMELY_NOTED). */
  untimely: UntimelyRecord[];
}

export interface RecordsToValidate {
  codec: CompressionCodec;
  /** The batch's records as sent: compressed with `codec`. */
  payload: Buffer;
  recordCount: number;
  /** The timestamp deltas the topic takes, where it checks them (CreateTime topics). */
  timestampDeltas?: TimestampDeltaWindow;
}

/**
 * Inflates and parses a batch's records on this thread (the inflating itself off it), within
 * `limit` decompressed bytes: DecompressionLimitError past it, InvalidRecordError or
 * CorruptBatchError for records or a payload that are not sound.
 */
export async function validateRecords({ codec, payload, recordCount, timestampDeltas }: RecordsToValidate, limit: number): Promise<RecordsSummary> {
  const scanner = new RecordScanner(recordCount, { limit: { bytes: limit, codec }, timestampDeltas });
  try {
    await inflateInto(codec, payload, limit, (piece) => scanner.feed(piece));
  } catch (error) {
    if (error instanceof DecompressionLimitError || error instanceof CorruptBatchError) throw error;
    throw new CorruptBatchError(`cannot decompress ${codec} batch: ${(error as Error).message}`);
  }
  scanner.end();
  return { keyless: scanner.keyless, untimely: scanner.untimely };
}

// ------------------------------------------------------------------ the worker

/** A request to the worker and its answer; errors cross as their class name and message. */
export interface WorkerRequest extends RecordsToValidate {
  id: number;
  limit: number;
}
export type WorkerAnswer = { id: number; summary: RecordsSummary } | { id: number; error: { name: string; message: string } };

/**
 * The worker's heap: small, so that the inflated pieces it drops are collected within a few MB
 * (its young generation fills, or its old generation reaches its limit) whatever the broker's
 * own heap is doing. Nothing in it outlives one batch.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 24 };

const WORKER_MODULE = codeModule(packagePath('simulator', 'protocol', 'validation-worker.ts'));

/** Rebuilds the error a worker reported, as this thread's classes. */
function workerError({ name, message }: { name: string; message: string }, codec: CompressionCodec, limit: number): Error {
  if (name === 'DecompressionLimitError') return new DecompressionLimitError(codec, limit);
  if (name === 'InvalidRecordError') return new InvalidRecordError(message);
  return new CorruptBatchError(message);
}

/**
 * Produce's record validation for one cluster: bounded per batch (`maxBytes` decompressed), all
 * compressed batches being checked at once within `budgetBytes` of their footprints, in a worker
 * started with the first compressed batch and stopped with the cluster.
 */
export class RecordValidator {
  private inUse = 0;
  private running = 0;
  private readonly waiting: { bytes: number; go: () => void }[] = [];
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (summary: RecordsSummary) => void; reject: (error: Error) => void; codec: CompressionCodec }>();

  constructor(
    readonly maxBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
    readonly budgetBytes: number = maxBytes,
  ) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1 || maxBytes > MAX_DECOMPRESSED_BYTES) {
      throw new Error(`the decompressed batch limit must be 1 to ${MAX_DECOMPRESSED_BYTES} bytes, not ${maxBytes}`);
    }
  }

  /** How many compressed batches are being checked now. */
  get inflating(): number {
    return this.running;
  }

  async validate(records: RecordsToValidate): Promise<RecordsSummary> {
    if (records.codec === 'none') return validateRecords(records, this.maxBytes);
    const bytes = Math.max(1, Math.min(this.budgetBytes, inflateFootprint(records.codec, records.payload, this.maxBytes)));
    await this.reserve(bytes);
    this.running++;
    try {
      return await this.inWorker(records);
    } finally {
      this.running--;
      this.release(bytes);
    }
  }

  /** Stops the worker; batches it was checking fail as corrupt (their producers retry elsewhere). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private inWorker(records: RecordsToValidate): Promise<RecordsSummary> {
    const worker = (this.worker ??= this.startWorker());
    const id = this.nextId++;
    // A copy of just these bytes, handed over: a view would clone the whole request frame.
    const payload = new Uint8Array(records.payload);
    const request: WorkerRequest = { id, codec: records.codec, payload: payload as Buffer, recordCount: records.recordCount, timestampDeltas: records.timestampDeltas, limit: this.maxBytes };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, codec: records.codec });
      worker.postMessage(request, [payload.buffer]);
    });
  }

  private startWorker(): Worker {
    // None of the process's flags (a worker refuses V8's); from the sources, tsx to run TypeScript.
    const execArgv = compiled ? [] : ['--import', import.meta.resolve('tsx')];
    const worker = new Worker(new URL(WORKER_MODULE), { execArgv, resourceLimits: WORKER_LIMITS });
    worker.unref();
    worker.on('message', (answer: WorkerAnswer) => {
      const waiter = this.pending.get(answer.id);
      if (!waiter) return;
      this.pending.delete(answer.id);
      if ('summary' in answer) waiter.resolve(answer.summary);
      else waiter.reject(workerError(answer.error, waiter.codec, this.maxBytes));
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiter] of this.pending) {
        this.pending.delete(id);
        waiter.reject(new CorruptBatchError(`the ${waiter.codec} batch could not be checked: ${why}`));
      }
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`the validation worker stopped (${code})`));
    return worker;
  }

  private reserve(bytes: number): Promise<void> | void {
    if (this.waiting.length === 0 && this.inUse + bytes <= this.budgetBytes) {
      this.inUse += bytes;
      return;
    }
    return new Promise((go) => this.waiting.push({ bytes, go }));
  }

  private release(bytes: number): void {
    this.inUse -= bytes;
    while (this.waiting.length > 0 && this.inUse + this.waiting[0].bytes <= this.budgetBytes) {
      const next = this.waiting.shift()!;
      this.inUse += next.bytes;
      next.go();
    }
  }
}
