// The simulated network between brokers, and between clients and brokers: links that a split
// cuts and `heal()` restores. Replication, the controller's view of brokers and clients' requests
// all ask it whether two nodes can reach each other.

/** A broker id, or every client at once. */
export type NetworkNode = number | 'clients';

const linkKey = (a: NetworkNode, b: NetworkNode) => [String(a), String(b)].sort().join('|');

export class Network {
  private readonly cut = new Set<string>();
  private readonly listeners = new Set<() => void>();

  canReach(a: NetworkNode, b: NetworkNode): boolean {
    return a === b || !this.cut.has(linkKey(a, b));
  }

  /** Cuts every link between a node of one side and a node of the other. */
  split(sideA: NetworkNode[], sideB: NetworkNode[]): void {
    for (const a of sideA) for (const b of sideB) if (a !== b) this.cut.add(linkKey(a, b));
    this.changed();
  }

  heal(): void {
    this.cut.clear();
    this.changed();
  }

  /** The cut links, as pairs, for introspection. */
  get cutLinks(): [string, string][] {
    return [...this.cut].map((key) => key.split('|') as [string, string]);
  }

  /** Calls `listener` whenever links change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
