// A bare Kafka client connection over a real socket: send any bytes, read back size-prefixed response
// frames, and see when the broker closes the connection. For tests that must send what no client
// library would, and for timing the first response without a client's own start-up work.

import net from 'node:net';
import { API_BY_KEY } from '../apis/index.ts';
import { inRange } from '../protocol/schema.ts';
import { Reader, Writer } from '../protocol/wire.ts';

export interface RequestFrameOptions {
  apiKey: number;
  version: number;
  correlationId: number;
  body: Buffer;
  clientId?: string | null;
  /** Request header v2 (a tagged-field section after the client id) for flexible versions. */
  flexible?: boolean;
}

/** A whole request frame: size prefix, request header v1 or v2, body. */
export function requestFrame({ apiKey, version, correlationId, body, clientId = 'raw', flexible = false }: RequestFrameOptions): Buffer {
  const id = clientId === null ? null : Buffer.from(clientId, 'utf8');
  const header = Buffer.alloc(10 + (id?.length ?? 0) + (flexible ? 1 : 0));
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(id === null ? -1 : id.length, 8);
  id?.copy(header, 10);
  // An empty tagged-field section is the single byte 0, which Buffer.alloc already holds.
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length, 0);
  return Buffer.concat([size, header, body]);
}

const API_VERSIONS = 18;

export class RawConnection {
  private nextCorrelationId = 1;
  private received = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | null = null;
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      while (this.received.length >= 4 && this.received.length >= 4 + this.received.readInt32BE(0)) {
        const size = this.received.readInt32BE(0);
        this.frames.push(this.received.subarray(4, 4 + size));
        this.received = this.received.subarray(4 + size);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => socket.destroy());
  }

  static open(address: string): Promise<RawConnection> {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: Number(port), noDelay: true }, () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  private wake() {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  send(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** The next response frame (without its size prefix), or null once the broker has closed the connection; bounded generously, as a loaded machine can be slow to answer. */
  async next(timeoutMs = 30_000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.frames.length > 0) return this.frames.shift()!;
      if (this.closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response and no close within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends one request and returns its response frame, or null if the broker closed the connection instead. */
  async request(options: RequestFrameOptions, timeoutMs?: number): Promise<Buffer | null> {
    this.send(requestFrame(options));
    return this.next(timeoutMs);
  }

  /**
   * One request of any API and version, encoded and its answer decoded with the broker's own API
   * schemas; null when the broker closed the connection instead of answering.
   */
  async call(apiKey: number, version: number, body: Record<string, unknown>, { clientId = 'raw', timeoutMs = 15_000 }: { clientId?: string; timeoutMs?: number } = {}): Promise<Record<string, unknown> | null> {
    const api = API_BY_KEY.get(apiKey);
    if (!api) throw new Error(`no schema for API key ${apiKey}`);
    const flexible = inRange(api.flexible, version);
    const w = new Writer(256);
    api.request.write(w, body, { version, flexible });
    const correlationId = this.nextCorrelationId++;
    const frame = await this.request({ apiKey, version, correlationId, body: w.toBuffer(), clientId, flexible }, timeoutMs);
    if (frame === null) return null;
    const r = new Reader(frame);
    if (r.int32() !== correlationId) throw new Error('response to another request');
    // Response header v1 (flexible versions) ends in tagged fields; ApiVersions always answers with v0.
    if (flexible && apiKey !== API_VERSIONS) {
      for (let tags = r.unsignedVarint(); tags > 0; tags--) {
        r.unsignedVarint();
        r.bytesOf(r.unsignedVarint());
      }
    }
    return api.response.read(r, { version, flexible }) as Record<string, unknown>;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
