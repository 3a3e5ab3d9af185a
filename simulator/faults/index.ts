// The one place faults are injected: brokers crashing, stopping, restarting and pausing, and the
// network splitting — between brokers, and between clients and brokers. Handlers never test for
// faults: the dispatcher waits at `gate()` while a broker is paused or cut off from its clients,
// and replication and the controller ask the network what can reach what.

import type { Cluster } from '../cluster/cluster.ts';
import { Network, type NetworkNode } from './network.ts';

export class Faults {
  readonly network = new Network();
  private readonly waiting = new Set<() => void>();

  constructor(private readonly cluster: Cluster) {
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
}
