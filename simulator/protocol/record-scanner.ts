// The records of a v2 batch (Kafka's DefaultRecord), parsed as their bytes arrive. Produce validates
// a batch while it inflates, chunk by chunk, as Kafka's LogValidator walks a decompressing stream:
// every length and field is checked and the records counted, but keys, values and headers are
// skipped, not kept, so a batch that inflates to gigabytes holds no more than the chunk at hand,
// and a record that declares a length past the limit is refused before a byte more is inflated.
// Reading records back from the log runs the same parser over a whole body, keeping the fields.
//
//   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint
//   keyLength varint | key | valueLength varint | value | headerCount varint
//   headerCount × (headerKeyLength varint | headerKey | headerValueLength varint | headerValue)

import { DecompressionLimitError, type CompressionCodec } from './compression.ts';
import { InvalidRecordError } from './record-errors.ts';

/** One record's fields as the batch holds them (deltas from the batch's base offset and timestamp). */
export interface ScannedRecord {
  timestampDelta: number;
  offsetDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface RecordScannerOptions {
  /** Keep each record's fields and hand them here; without it they are skipped. */
  onRecord?: (record: ScannedRecord) => void;
  /** The most the records may take, decompressed: a record declared to end past it is refused at once. */
  limit?: { bytes: number; codec: CompressionCodec };
  /** The timestamp deltas records may have (Kafka's message.timestamp.before/after.max.ms); the others are noted. */
  timestampDeltas?: TimestampDeltaWindow;
}

/** Timestamp deltas from a batch's base timestamp: those in [min, max] are in time, `none` means the record has no timestamp. */
export interface TimestampDeltaWindow {
  min: number;
  max: number;
  none: number;
}

/** A record whose timestamp is outside the window: its index in the batch and its delta. */
export interface UntimelyRecord {
  index: number;
  timestampDelta: number;
}

/** Untimely records noted per batch, at most: each becomes one of Produce's record errors. */
export const MAX_UNTIMELY_NOTED = 1000;

// What the next bytes are. Varint steps take a byte at a time; byte steps take what the chunk has.
const LENGTH = 0;
const ATTRIBUTES = 1;
const TIMESTAMP_DELTA = 2;
const OFFSET_DELTA = 3;
const KEY_LENGTH = 4;
const KEY = 5;
const VALUE_LENGTH = 6;
const VALUE = 7;
const HEADER_COUNT = 8;
const HEADER_KEY_LENGTH = 9;
const HEADER_KEY = 10;
const HEADER_VALUE_LENGTH = 11;
const HEADER_VALUE = 12;

const VARINT_BYTES = 5;
const VARLONG_BYTES = 10;

export class RecordScanner {
  /** Records read whole so far. */
  count = 0;
  /** Records whose key is null (a compacted topic refuses them). */
  keyless = 0;
  /** Records outside the timestamp window, the first MAX_UNTIMELY_NOTED of them. */
  readonly untimely: UntimelyRecord[] = [];
  /** Bytes of records taken so far. */
  position = 0;

  private step = LENGTH;
  private recordLength = 0;
  private recordEnd = 0;
  // The varint being read: its value so far (exact below 2^53), next shift, bytes read.
  private raw = 0;
  private shift = 0;
  private varBytes = 0;
  // The byte field being read: bytes still to come, and the pieces kept of it.
  private need = 0;
  private pieces: Buffer[] = [];
  /** The step after the byte field. */
  private next = LENGTH;
  private headersLeft = 0;
  private record: ScannedRecord | undefined;
  private headerKey = '';

  constructor(
    private readonly expectedCount: number,
    private readonly options: RecordScannerOptions = {},
  ) {}

  /** Takes the next bytes of the records; throws InvalidRecordError (or a limit error) as soon as they cannot be right. */
  feed(chunk: Buffer): void {
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      if (this.step === ATTRIBUTES) {
        i++;
        this.position++;
        this.step = TIMESTAMP_DELTA;
        this.withinRecord();
      } else if (this.step === KEY || this.step === VALUE || this.step === HEADER_KEY || this.step === HEADER_VALUE) {
        const take = Math.min(this.need, length - i);
        if (this.record) this.pieces.push(chunk.subarray(i, i + take));
        i += take;
        this.position += take;
        this.need -= take;
        if (this.need === 0) this.bytesDone();
      } else {
        if (this.step === LENGTH && this.varBytes === 0 && this.count === this.expectedCount) {
          throw new InvalidRecordError(`batch claims ${this.expectedCount} records but holds more`);
        }
        const byte = chunk[i++];
        this.position++;
        this.raw += (byte & 0x7f) * 2 ** this.shift;
        this.shift += 7;
        this.varBytes++;
        const long = this.step === TIMESTAMP_DELTA;
        if (byte & 0x80) {
          if (this.varBytes === (long ? VARLONG_BYTES : VARINT_BYTES)) throw new InvalidRecordError(`malformed record: ${long ? 'varlong longer than 10' : 'varint longer than 5'} bytes`);
          continue;
        }
        // Zig-zag: an int32 as Java truncates it, a long as a double (timestamp deltas stay far below 2^53).
        const raw = long ? this.raw : this.raw % 2 ** 32;
        const value = long ? (raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2) : (raw >>> 1) ^ -(raw & 1);
        this.raw = this.shift = this.varBytes = 0;
        this.varintDone(value);
      }
    }
  }

  /** The records are all there: throws if the last is cut short or the batch's count is not what it holds. */
  end(): void {
    if (this.step !== LENGTH || this.varBytes > 0) throw new InvalidRecordError(`record length ${this.recordLength} overruns its batch`);
    if (this.count !== this.expectedCount) throw new InvalidRecordError(`batch claims ${this.expectedCount} records but holds ${this.count}`);
  }

  private varintDone(value: number): void {
    switch (this.step) {
      case LENGTH: {
        if (value < 0) throw new InvalidRecordError(`record length ${value} overruns its batch`);
        this.recordLength = value;
        this.recordEnd = this.position + value;
        const { limit } = this.options;
        if (limit && this.recordEnd > limit.bytes) throw new DecompressionLimitError(limit.codec, limit.bytes);
        if (this.options.onRecord) this.record = { timestampDelta: 0, offsetDelta: 0, key: null, value: null, headers: [] };
        this.step = ATTRIBUTES;
        return;
      }
      case TIMESTAMP_DELTA:
        this.withinRecord();
        if (this.record) this.record.timestampDelta = value;
        this.checkTimestamp(value);
        this.step = OFFSET_DELTA;
        return;
      case OFFSET_DELTA:
        this.withinRecord();
        if (this.record) this.record.offsetDelta = value;
        this.step = KEY_LENGTH;
        return;
      case KEY_LENGTH:
        if (value === -1) this.keyless++;
        this.bytesOf(value, KEY, VALUE_LENGTH);
        return;
      case VALUE_LENGTH:
        this.bytesOf(value, VALUE, HEADER_COUNT);
        return;
      case HEADER_COUNT:
        this.withinRecord();
        if (value < 0 || value > this.recordEnd - this.position) throw new InvalidRecordError(`bad header count ${value}`);
        this.headersLeft = value;
        if (value === 0) this.recordDone();
        else this.step = HEADER_KEY_LENGTH;
        return;
      case HEADER_KEY_LENGTH:
        if (value === -1) throw new InvalidRecordError('null header key');
        this.bytesOf(value, HEADER_KEY, HEADER_VALUE_LENGTH);
        return;
      case HEADER_VALUE_LENGTH:
        this.bytesOf(value, HEADER_VALUE, HEADER_KEY_LENGTH);
        return;
    }
  }

  /** A length read: -1 is null, else that many bytes of `field` follow, within the record. */
  private bytesOf(length: number, field: number, after: number): void {
    this.withinRecord();
    if (length < -1) throw new InvalidRecordError(`negative length ${length}`);
    if (length > this.recordEnd - this.position) throw new InvalidRecordError(`record length ${this.recordLength} does not match its fields`);
    this.step = field;
    this.next = after;
    this.need = length;
    if (length <= 0) this.fieldDone(length === -1 ? null : Buffer.alloc(0));
  }

  private bytesDone(): void {
    if (!this.record) return this.fieldDone(null);
    const data = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces);
    this.pieces = [];
    this.fieldDone(data);
  }

  /** A byte field read whole: kept if records are, then on to the next field. */
  private fieldDone(data: Buffer | null): void {
    this.keep(data);
    this.step = this.next;
    if (this.step === HEADER_KEY_LENGTH && --this.headersLeft === 0) this.recordDone();
  }

  /** Puts a byte field just read (this.step) into the record being kept. */
  private keep(data: Buffer | null): void {
    const record = this.record;
    if (!record) return;
    if (this.step === KEY) record.key = data;
    else if (this.step === VALUE) record.value = data;
    else if (this.step === HEADER_KEY) this.headerKey = data!.toString('utf8');
    else record.headers.push({ key: this.headerKey, value: data });
  }

  private recordDone(): void {
    if (this.position !== this.recordEnd) throw new InvalidRecordError(`record length ${this.recordLength} does not match its fields`);
    this.count++;
    if (this.record) this.options.onRecord!(this.record);
    this.record = undefined;
    this.step = LENGTH;
  }

  private checkTimestamp(delta: number): void {
    const window = this.options.timestampDeltas;
    if (!window || delta === window.none || (delta >= window.min && delta <= window.max)) return;
    if (this.untimely.length < MAX_UNTIMELY_NOTED) this.untimely.push({ index: this.count, timestampDelta: delta });
  }

  /** A field read so far must lie within the record's declared length. */
  private withinRecord(): void {
    if (this.position > this.recordEnd) throw new InvalidRecordError(`record length ${this.recordLength} does not match its fields`);
  }
}
