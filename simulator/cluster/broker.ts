// One broker: its id, its listener on 127.0.0.1, and the connections its clients hold.

import { listen, type FrameHandler, type Listener } from '../net/listener.ts';
import type { EventStream } from '../introspection/events.ts';

/** up: serving; paused: accepts connections and answers nothing (SIGSTOP); down: stopped or crashed. */
export type BrokerState = 'up' | 'paused' | 'down';

export class Broker {
  state: BrokerState = 'down';
  private listener: Listener | null = null;

  constructor(
    readonly id: number,
    readonly host: string,
    public port: number,
  ) {}

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get connections() {
    return [...(this.listener?.connections ?? [])];
  }

  async start(handle: FrameHandler, events: EventStream): Promise<void> {
    this.listener = await listen(this.host, this.port, handle, {
      onConnect: (c) => events.emit({ type: 'client-connected', brokerId: this.id, connectionId: c.id, address: `${c.remoteAddress}:${c.remotePort}` }),
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
