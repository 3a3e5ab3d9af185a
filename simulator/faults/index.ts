// The one place faults are injected: brokers crashing, stopping, restarting and pausing, the
// network splitting (between brokers, and between clients and brokers), added latency, dropped
// connections, full disks, throttling, and per-request fault rules. Handlers never test for
// faults: the dispatcher waits at `gate()` while a broker is paused or cut off from its clients
// and asks `intercept()` what to do with each decoded request; replication and the controller ask
// the network what can reach what, and whether a broker's disk takes writes.

import type { Api, RequestContext } from '../apis/api.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { Random } from '../cluster/random.ts';
import type { FaultsSnapshot } from '../introspection/snapshot.ts';
import type { Connection } from '../net/listener.ts';
import { ErrorCode } from '../protocol/errors.ts';
import { Interception } from './interception.ts';
import { Network, type NetworkNode } from './network.ts';
import { FaultRules, mixSeed, namedParts, partKey, type Decision, type FaultRuleInput, type Firing } from './rules.ts';

export interface LatencyOptions {
  /** One broker; every broker without it (a broker's own setting wins over this). */
  brokerId?: number;
  ms: number;
  /** Up to this much more, drawn from a stream seeded by the cluster's seed. */
  jitterMs?: number;
}

export interface ThrottleOptions {
  brokerId?: number;
  /** throttle_time_ms for every response; 0 ends throttling. */
  ms: number;
}

/** Where a fault came from: a rule, or a setting of the broker. */
export type FaultSource = 'rule' | 'latency' | 'throttle' | 'disk-full';

const PRODUCE = 0;
const EVERY_BROKER = 0;

/**
 * The fault methods of the cluster handle (README "Replication and failures", "Faults"): the
 * Cluster takes them from its Faults, bound, rather than forwarding each by hand.
 */
export const FAULT_CONTROLS = [
  'killBroker',
  'stopBroker',
  'restartBroker',
  'pauseBroker',
  'resumeBroker',
  'partition',
  'heal',
  'addFaultRule',
  'removeFaultRule',
  'clearFaultRules',
  'latency',
  'clearLatency',
  'dropConnections',
  'diskFull',
  'throttle',
] as const satisfies readonly (keyof Faults)[];

export type FaultControls = Pick<Faults, (typeof FAULT_CONTROLS)[number]>;

/** The fault controls of `faults`, bound to it, to be mixed into the cluster handle. */
export function faultControls(faults: Faults): FaultControls {
  return Object.fromEntries(FAULT_CONTROLS.map((name) => [name, faults[name].bind(faults)])) as unknown as FaultControls;
}

export class Faults {
  readonly network = new Network();
  readonly rules: FaultRules;
  private readonly waiting = new Set<() => void>();
  /** Per broker (0: every broker). */
  private readonly latencies = new Map<number, { ms: number; jitterMs: number }>();
  private readonly throttles = new Map<number, number>();
  private readonly fullDisks = new Set<number>();
  /** Latency jitter: one seeded stream per broker and API, so the n-th Fetch to broker 2 waits as long in every run. */
  private readonly jitter = new Map<string, Random>();
  /** Connections muted after a throttled response, until this time. */
  private readonly mutedUntil = new WeakMap<Connection, number>();

  constructor(private readonly cluster: Cluster) {
    this.rules = new FaultRules(cluster.random.seed);
    this.network.onChange(() => {
      this.cluster.events.emit({ type: 'network-changed', cut: this.network.cutLinks });
      this.cluster.tick();
      this.release();
    });
  }

  private broker(id: number) {
    const broker = this.cluster.brokers.get(id);
    if (!broker) throw new Error(`no broker ${id}: brokers are ${[...this.cluster.brokers.keys()].join(', ')}`);
    return broker;
  }

  /** A crash: connections drop, nothing is handed over; the controller fences the broker at once. */
  async killBroker(id: number): Promise<void> {
    const broker = this.broker(id);
    if (broker.state === 'down') return;
    await broker.stop();
    this.cluster.events.emit({ type: 'broker-state-changed', brokerId: id, state: 'down', how: 'killed' });
    this.cluster.controller.brokerDown(id);
    this.release();
  }

  /** A graceful stop: leadership moves to other in-sync replicas first (controlled shutdown). */
  async stopBroker(id: number): Promise<void> {
    const broker = this.broker(id);
    if (broker.state === 'down') return;
    this.cluster.controller.beforeControlledShutdown(id);
    await broker.stop();
    this.cluster.events.emit({ type: 'broker-state-changed', brokerId: id, state: 'down', how: 'stopped' });
    this.cluster.controller.brokerDown(id);
    this.release();
  }

  /** Starts a stopped broker again on its port, with the logs it had; it catches up and rejoins the ISR. */
  async restartBroker(id: number): Promise<void> {
    const broker = this.broker(id);
    if (broker.state === 'paused') return this.resumeBroker(id);
    if (broker.state === 'up') return;
    await this.cluster.startBroker(broker);
    this.cluster.events.emit({ type: 'broker-state-changed', brokerId: id, state: 'up', how: 'restarted' });
    this.cluster.controller.brokerUp(id);
    this.cluster.tick();
  }

  /** Like SIGSTOP: connections are accepted, nothing is answered, heartbeats stop (fenced after the session timeout). */
  pauseBroker(id: number): void {
    const broker = this.broker(id);
    if (broker.state !== 'up') return;
    broker.state = 'paused';
    this.cluster.events.emit({ type: 'broker-state-changed', brokerId: id, state: 'paused', how: 'paused' });
  }

  resumeBroker(id: number): void {
    const broker = this.broker(id);
    if (broker.state !== 'paused') return;
    broker.state = 'up';
    this.cluster.events.emit({ type: 'broker-state-changed', brokerId: id, state: 'up', how: 'resumed' });
    this.cluster.tick();
    this.release();
  }

  /** Cuts the network between two groups of nodes: broker ids, or 'clients' for every client. */
  partition(sideA: NetworkNode[], sideB: NetworkNode[]): void {
    for (const node of [...sideA, ...sideB]) if (node !== 'clients') this.broker(node);
    this.network.split(sideA, sideB);
  }

  heal(): void {
    this.network.heal();
  }

  /** Resolves once broker `id` may answer its clients: not paused, and reachable from them. */
  gate(id: number): Promise<void> | void {
    if (this.open(id)) return;
    return new Promise<void>((resolve) => {
      const retry = () => {
        if (!this.open(id) && this.cluster.brokers.get(id)?.state !== 'down') return;
        this.waiting.delete(retry);
        resolve();
      };
      this.waiting.add(retry);
    });
  }

  private open(id: number): boolean {
    return this.cluster.brokers.get(id)?.state === 'up' && this.network.canReach('clients', id);
  }

  /** Lets held requests go where their broker is open again (or gone: their connection is closed anyway). */
  release(): void {
    for (const retry of [...this.waiting]) retry();
  }

  // ---------------------------------------------------------------- per-request faults

  /** Adds a fault rule; returns its id. Throws, naming every problem, if the rule is not valid. */
  addFaultRule(rule: FaultRuleInput): number {
    return this.rules.add(rule);
  }

  /** Removes a rule by id (or name); false if there was none. */
  removeFaultRule(idOrName: number | string): boolean {
    return this.rules.remove(idOrName);
  }

  clearFaultRules(): void {
    this.rules.clear();
  }

  /** Delays every request to a broker (or to all) before it is handled; `ms: 0` without jitter ends it. */
  latency({ brokerId, ms, jitterMs = 0 }: LatencyOptions): void {
    if (brokerId !== undefined) this.broker(brokerId);
    for (const [name, value] of [['ms', ms], ['jitterMs', jitterMs]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`latency ${name} must be whole milliseconds, 0 or more, not ${value}`);
    }
    const key = brokerId ?? EVERY_BROKER;
    if (ms === 0 && jitterMs === 0) this.latencies.delete(key);
    else this.latencies.set(key, { ms, jitterMs });
    // Setting latency starts its jitter streams afresh: a replay from here draws the same delays.
    for (const stream of [...this.jitter.keys()]) if (key === EVERY_BROKER || stream.startsWith(`${key}:`)) this.jitter.delete(stream);
  }

  clearLatency(): void {
    this.latencies.clear();
    this.jitter.clear();
  }

  /** Sets throttle_time_ms on every response of a broker (or all) and mutes each connection that long after answering. */
  throttle({ brokerId, ms }: ThrottleOptions): void {
    if (brokerId !== undefined) this.broker(brokerId);
    if (!Number.isInteger(ms) || ms < 0) throw new Error(`throttle ms must be whole milliseconds, 0 or more, not ${ms}`);
    if (ms === 0) this.throttles.delete(brokerId ?? EVERY_BROKER);
    else this.throttles.set(brokerId ?? EVERY_BROKER, ms);
  }

  /** Closes clients' connections now (to one broker, and of one client id, if given); returns how many. */
  dropConnections({ brokerId, clientId }: { brokerId?: number; clientId?: string } = {}): number {
    const brokers = brokerId === undefined ? [...this.cluster.brokers.values()] : [this.broker(brokerId)];
    let dropped = 0;
    for (const broker of brokers) {
      for (const connection of broker.connections) {
        if (clientId !== undefined && connection.clientId !== clientId) continue;
        connection.close();
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * A full disk: the broker refuses Produce to the partitions it leads with KAFKA_STORAGE_ERROR, and
   * as a follower copies nothing (so it leaves ISRs); reads go on. `on: false` frees the disk.
   */
  diskFull(brokerId: number, on = true): void {
    this.broker(brokerId);
    if (on) this.fullDisks.add(brokerId);
    else this.fullDisks.delete(brokerId);
  }

  /** Whether a broker's disk takes writes (replication asks before a follower copies). */
  canWrite(brokerId: number): boolean {
    return !this.fullDisks.has(brokerId);
  }

  /**
   * What to do with a decoded request: null to handle it as usual, or an Interception that waits,
   * drops, fails or throttles it. Rules fire (and use up their budget) here, in arrival order.
   */
  intercept(api: Api, request: unknown, context: RequestContext): Interception | null {
    const { broker, connection } = context;
    const mutedMs = (this.mutedUntil.get(connection) ?? 0) - Date.now();
    const latency = this.latencies.get(broker.id) ?? this.latencies.get(EVERY_BROKER);
    const throttleMs = this.throttles.get(broker.id) ?? this.throttles.get(EVERY_BROKER) ?? 0;
    const diskFull = api.key === PRODUCE && this.fullDisks.has(broker.id);
    if (mutedMs <= 0 && !latency && throttleMs === 0 && !diskFull && this.rules.size === 0) return null;

    const decision: Decision = { waitMs: Math.max(0, mutedMs), throttleMs, drop: null, wholeError: null, partErrors: new Map() };
    const names = api.names?.(request) ?? {};
    const fired: (Omit<Firing, 'rule'> & { source: FaultSource; rule?: Firing['rule'] })[] = [];
    if (latency) {
      const delayMs = latency.ms + (latency.jitterMs > 0 ? this.jitterStream(broker.id, api.key).int(latency.jitterMs + 1) : 0);
      decision.waitMs += delayMs;
      fired.push({ source: 'latency', kind: 'delay', delayMs });
    }
    if (throttleMs > 0) fired.push({ source: 'throttle', kind: 'throttle', throttleMs });
    if (diskFull) {
      const led = namedParts(names).filter((p) => this.cluster.topics.partition(p.topic, p.partition!)?.isLedBy(broker.id));
      for (const p of led) decision.partErrors.set(partKey(p.topic, p.partition), ErrorCode.KAFKA_STORAGE_ERROR);
      if (led.length > 0) fired.push({ source: 'disk-full', kind: 'error', errorCode: ErrorCode.KAFKA_STORAGE_ERROR, parts: led.map((p) => `${p.topic}[${p.partition}]`) });
    }
    for (const firing of this.rules.decide({ api, brokerId: broker.id, clientId: context.header.clientId, names }, decision)) fired.push({ ...firing, source: 'rule' });
    for (const { source, rule, kind, ...detail } of fired) {
      this.cluster.events.emit({
        type: 'fault-fired',
        source,
        ruleId: rule?.id ?? null,
        ruleName: rule?.name ?? null,
        fired: rule?.fired ?? null,
        fault: kind,
        brokerId: broker.id,
        connectionId: connection.id,
        clientId: context.header.clientId,
        api: api.name,
        ...detail,
      });
    }
    return new Interception(api, request, context, decision, (ms) => this.mutedUntil.set(connection, Date.now() + ms));
  }

  private jitterStream(brokerId: number, apiKey: number): Random {
    const key = `${brokerId}:${apiKey}`;
    let stream = this.jitter.get(key);
    if (!stream) this.jitter.set(key, (stream = new Random(mixSeed(this.cluster.random.seed, brokerId, apiKey, 0x1a7e))));
    return stream;
  }

  describe(): FaultsSnapshot {
    const brokerOf = (key: number) => (key === EVERY_BROKER ? null : key);
    return {
      rules: this.rules.list(),
      latency: [...this.latencies].map(([key, l]) => ({ brokerId: brokerOf(key), ...l })),
      throttle: [...this.throttles].map(([key, ms]) => ({ brokerId: brokerOf(key), ms })),
      diskFull: [...this.fullDisks].sort((a, b) => a - b),
    };
  }
}
