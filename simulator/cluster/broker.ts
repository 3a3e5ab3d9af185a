// One broker: its id, its listener (on the listen host, telling clients the advertised host), and
// the connections its clients hold.

import { listen, type Connection, type FrameHandler, type Listener } from '../net/listener.ts';
import type { ConnectionLimits, RequestMemory } from '../net/limits.ts';
import type { EventStream } from '../introspection/events.ts';
import type { AuthSession } from '../security/session.ts';
import { hostPort, type BrokerPlace } from './broker-layout.ts';

/** What every broker's listener shares: the limits, the request memory, and where sessions come from. */
export interface BrokerNetwork {
  limits: ConnectionLimits;
  memory: RequestMemory;
  /** A new connection's authentication session, from the client's address. */
  session(remoteAddress: string): AuthSession;
}

/** up: serving; paused: accepts connections and answers nothing (SIGSTOP); down: stopped or crashed. */
export type BrokerState = 'up' | 'paused' | 'down';

export class Broker {
  state: BrokerState = 'down';
  private listener: Listener | null = null;

  readonly id: number;
  /** The host clients are told (Metadata, FindCoordinator): Kafka's advertised.listeners. */
  readonly host: string;
  /** The address the listener binds: Kafka's listeners. */
  readonly listenHost: string;
  port: number;

  constructor({ id, advertisedHost, listenHost, port }: BrokerPlace) {
    this.id = id;
    this.host = advertisedHost;
    this.listenHost = listenHost;
    this.port = port;
  }

  /** host:port as clients connect to it. */
  get address(): string {
    return hostPort(this.host, this.port);
  }

  get connections() {
    return [...(this.listener?.connections ?? [])];
  }

  async start(handle: FrameHandler, events: EventStream, network: BrokerNetwork): Promise<void> {
    const { limits, memory } = network;
    // Before logging in a client may send frames of sasl.server.max.receive.size at most.
    const frameLimit = (c: Connection) =>
      c.auth && !c.auth.authenticated ? { maxBytes: c.auth.maxReceiveSize, authenticated: false } : { maxBytes: limits.socketRequestMaxBytes, authenticated: true };
    this.listener = await listen(this.listenHost, this.port, handle, {
      limits,
      memory,
      frameLimit,
      onConnect: (c) => {
        c.auth = network.session(c.remoteAddress);
        events.emit({ type: 'client-connected', brokerId: this.id, connectionId: c.id, address: `${c.remoteAddress}:${c.remotePort}` });
      },
      onClose: (c) => events.emit({ type: 'client-disconnected', brokerId: this.id, connectionId: c.id, address: `${c.remoteAddress}:${c.remotePort}` }),
      onBadFrame: (c, reason) => events.emit({ type: 'request-rejected', brokerId: this.id, connectionId: c.id, reason }),
    });
    this.port = this.listener.port;
    this.state = 'up';
  }

  async stop(): Promise<void> {
    this.state = 'down';
    await this.listener?.close();
    this.listener = null;
  }
}
