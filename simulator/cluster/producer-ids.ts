// Producer ids are handed out in blocks, as Kafka's controller does (AllocateProducerIds): the end
// of the current block is saved with the cluster metadata before any id of it is given out, so a
// restart starts a fresh block and never reuses an id.

const BLOCK_SIZE = 1000;

export class ProducerIds {
  private next: number;
  private end: number;
  private readonly blockTaken: () => void;

  /** `blockTaken` saves the metadata once `blockEnd` has moved. */
  constructor(savedBlockEnd: number, blockTaken: () => void) {
    this.next = savedBlockEnd;
    this.end = savedBlockEnd;
    this.blockTaken = blockTaken;
  }

  get blockEnd(): number {
    return this.end;
  }

  take(): number {
    if (this.next >= this.end) {
      this.end += BLOCK_SIZE;
      this.blockTaken();
    }
    return this.next++;
  }
}
