// What is wrong with a produced batch, as Kafka tells the producer: CORRUPT_MESSAGE or INVALID_RECORD.

export class CorruptBatchError extends Error {
  override name = 'CorruptBatchError';
}

/**
 * A batch whose CRC and size are sound but whose structure is not: Kafka answers these with
 * INVALID_RECORD (InvalidRecordException) rather than CORRUPT_MESSAGE (CorruptRecordException).
 */
export class InvalidRecordError extends CorruptBatchError {
  override name = 'InvalidRecordError';
}
