// The cluster's event stream: everything that happens, as typed events, for labs' live views,
// checks, the chaos screen, the history checker and the grader.

import type { ConsumerGroupState } from '../groups/consumer-group.ts';
import type { GroupChange, GroupState } from '../groups/group.ts';
import type { PartitionCleaning } from '../log/cleaner.ts';

export type ClusterEvent =
  | {
      type: 'request-handled';
      brokerId: number;
      connectionId: number;
      clientId: string | null;
      api: string;
      apiKey: number;
      version: number;
      /** Topics and partitions the request named, readable: "sample[0,1]". */
      summary: string;
      /** Error names found in the response, or ["NONE"]. */
      errors: string[];
      durationMs: number;
    }
  | { type: 'request-rejected'; brokerId: number; connectionId: number; reason: string }
  | { type: 'client-connected'; brokerId: number; connectionId: number; address: string }
  | { type: 'client-disconnected'; brokerId: number; connectionId: number; address: string }
  | { type: 'topic-created'; topic: string; partitions: number; replicationFactor: number }
  | { type: 'topic-deleted'; topic: string }
  | { type: 'partitions-created'; topic: string; partitions: number }
  | { type: 'topic-config-changed'; topic: string; configs: Record<string, string> }
  | {
      type: 'records-appended';
      topic: string;
      partition: number;
      brokerId: number;
      baseOffset: number;
      lastOffset: number;
      recordCount: number;
      bytes: number;
      producerId: number;
    }
  /**
   * A broker acknowledged a produce to one partition (acks 1 or -1; acks=0 is never acknowledged):
   * the offsets the client is told hold its records. Emitted as the response is made.
   */
  | {
      type: 'produce-acknowledged';
      brokerId: number;
      connectionId: number;
      clientId: string | null;
      topic: string;
      partition: number;
      acks: 1 | -1;
      baseOffset: number;
      recordCount: number;
    }
  | { type: 'records-deleted'; topic: string; partition: number; logStartOffset: number }
  /**
   * A replica's log held damaged bytes (found by recovery at start, or by a read) and was cut before
   * them: where, why, how much, and whether a healthy replica holds what it lost (it copies it back).
   */
  | {
      type: 'log-damaged';
      brokerId: number;
      topic: string;
      partition: number;
      /** The first offset the damaged replica no longer holds. */
      offset: number;
      bytesCut: number;
      /** The segment file and the byte position in it where the damage begins. */
      segment: string;
      position: number;
      reason: string;
      found: 'recovery' | 'read';
      /** The replica it copies the lost records back from, or null when none holds them. */
      recoveringFrom: number | null;
      /** Acknowledged records no replica holds any more (known for damage found while running). */
      acknowledgedLost: number | null;
      /** The warning, as printed. */
      message: string;
    }
  /** Retention or compaction removed records from a partition (what, and where the log now starts). */
  | ({ type: 'log-cleaned' } & PartitionCleaning)
  | ({ type: 'group-changed'; group: string; state: GroupState | ConsumerGroupState; generationId: number } & GroupChange)
  | { type: 'group-deleted'; group: string }
  | { type: 'offsets-committed'; group: string; topic: string; partition: number; offset: number }
  | { type: 'broker-state-changed'; brokerId: number; state: 'up' | 'paused' | 'down'; how: 'killed' | 'stopped' | 'restarted' | 'paused' | 'resumed' }
  | { type: 'request-held'; brokerId: number; connectionId: number }
  /**
   * A fault changed a request: a fault rule fired (ruleId, and how many times it has fired so far),
   * or a broker setting applied (latency, throttle, a full disk). An error names the parts it failed.
   */
  | {
      type: 'fault-fired';
      source: 'rule' | 'latency' | 'throttle' | 'disk-full';
      ruleId: number | null;
      ruleName: string | null;
      fired: number | null;
      fault: 'error' | 'delay' | 'close' | 'swallow' | 'throttle';
      brokerId: number;
      connectionId: number;
      clientId: string | null;
      api: string;
      errorCode?: number;
      delayMs?: number;
      throttleMs?: number;
      /** The topics or partitions an error failed ("orders[0]"); absent when it failed the whole request. */
      parts?: string[];
    }
  | { type: 'broker-fenced'; brokerId: number }
  | { type: 'broker-unfenced'; brokerId: number }
  | { type: 'controller-changed'; controllerId: number; previousControllerId: number }
  | { type: 'network-changed'; cut: [string, string][] }
  | {
      type: 'leader-changed';
      topic: string;
      partition: number;
      leader: number;
      previousLeader: number;
      leaderEpoch: number;
      isr: number[];
      reason: 'leader-failed' | 'controlled-shutdown' | 'replica-returned' | 'unclean' | 'replica-damaged' | 'preferred' | 'reassigned';
    }
  | { type: 'isr-changed'; topic: string; partition: number; isr: number[] }
  /** A partition reassignment started (replicas being added and removed), completed, or was cancelled. */
  | { type: 'reassignment-changed'; topic: string; partition: number; replicas: number[]; adding: number[]; removing: number[]; state: 'started' | 'completed' | 'cancelled' }
  | { type: 'log-truncated'; topic: string; partition: number; brokerId: number; offset: number; records: number }
  | { type: 'transaction-completed'; transactionalId: string; producerId: number; outcome: 'commit' | 'abort' };

export type ClusterEventType = ClusterEvent['type'];
export type EventOf<T extends ClusterEventType> = Extract<ClusterEvent, { type: T }>;
export type TimedEvent = ClusterEvent & { time: number };

type Listener = (event: TimedEvent) => void;

export class EventStream {
  private listeners = new Set<Listener>();
  private history: TimedEvent[] = [];

  constructor(private readonly historySize = 500) {}

  emit(event: ClusterEvent): void {
    const timed = { ...event, time: Date.now() } as TimedEvent;
    this.history.push(timed);
    if (this.history.length > this.historySize) this.history.shift();
    for (const listener of this.listeners) {
      try {
        listener(timed);
      } catch {
        // A faulty observer must never break the broker.
      }
    }
  }

  /** Every event; returns the function that unsubscribes. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events of one type. */
  on<T extends ClusterEventType>(type: T, listener: (event: EventOf<T> & { time: number }) => void): () => void {
    return this.subscribe((event) => {
      if (event.type === type) listener(event as EventOf<T> & { time: number });
    });
  }

  /** The most recent events, oldest first. */
  recent(limit = this.historySize): TimedEvent[] {
    return this.history.slice(-limit);
  }

  /** Resolves with the first event matching `predicate` (e.g. in tests and checks), or rejects after `timeoutMs`. */
  waitFor<T extends ClusterEventType>(
    type: T,
    predicate: (event: EventOf<T>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<EventOf<T> & { time: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no ${type} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.on(type, (event) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(event);
      });
    });
  }
}
