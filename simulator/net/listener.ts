// TCP listeners and framing: 4-byte size-prefixed frames, handled one at a time per connection
// so responses leave in request order (Kafka mutes a connection while a request is in flight).
// Knows nothing of Kafka beyond the frame.

import net from 'node:net';
import type { AuthSession } from '../security/session.ts';

/** Kafka's socket.request.max.bytes default: larger frames close the connection. */
export const MAX_FRAME_BYTES = 100 * 1024 * 1024;

export interface Connection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly connectedAt: number;
  /** The client id of the latest request, for introspection. */
  clientId: string | null;
  /** Who the client is and where its SASL exchange stands; set by the first request. */
  auth: AuthSession | null;
  close(): void;
  /** Closes the connection once the response being prepared has been written (Kafka's reply-then-close). */
  closeAfterResponse(): void;
}

/** Returns the response frame body, or null when the request gets no response (acks=0 Produce). */
export type FrameHandler = (frame: Buffer, connection: Connection) => Promise<Buffer | null> | Buffer | null;

export interface ListenerHooks {
  onConnect?(connection: Connection): void;
  onClose?(connection: Connection): void;
  /** A frame that could not be handled; the connection is closed after this. */
  onBadFrame?(connection: Connection, reason: string): void;
}

export interface Listener {
  readonly port: number;
  readonly connections: ReadonlySet<Connection>;
  close(): Promise<void>;
}

/** Pipelined requests held per connection before we stop reading from it. */
const MAX_QUEUED_FRAMES = 64;

let nextConnectionId = 1;

export async function listen(host: string, port: number, handle: FrameHandler, hooks: ListenerHooks = {}): Promise<Listener> {
  const connections = new Set<Connection>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    const connection = serve(socket, handle, hooks);
    connections.add(connection);
    socket.once('close', () => {
      connections.delete(connection);
      hooks.onClose?.(connection);
    });
    hooks.onConnect?.(connection);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    port: (server.address() as net.AddressInfo).port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) connection.close();
        server.close(() => resolve());
      }),
  };
}

function serve(socket: net.Socket, handle: FrameHandler, hooks: ListenerHooks): Connection {
  let closing = false;
  const connection: Connection = {
    id: nextConnectionId++,
    remoteAddress: socket.remoteAddress ?? '?',
    remotePort: socket.remotePort ?? 0,
    connectedAt: Date.now(),
    clientId: null,
    auth: null,
    close: () => socket.destroy(),
    closeAfterResponse: () => {
      closing = true;
    },
  };

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const queue: Buffer[] = [];
  let busy = false;

  const fail = (reason: string) => {
    hooks.onBadFrame?.(connection, reason);
    socket.destroy();
  };

  const takeFrames = () => {
    while (pendingBytes >= 4) {
      if (pending[0].length < 4) pending = [Buffer.concat(pending)];
      const size = pending[0].readInt32BE(0);
      if (size < 0 || size > MAX_FRAME_BYTES) return fail(`frame size ${size} outside 0..${MAX_FRAME_BYTES}`);
      if (pendingBytes < 4 + size) return;
      const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      queue.push(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
  };

  const drain = async () => {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !socket.destroyed && !closing) {
        const frame = queue.shift()!;
        let response: Buffer | null;
        try {
          response = await handle(frame, connection);
        } catch (error) {
          return fail(error instanceof Error ? error.message : String(error));
        }
        if (response !== null && !socket.destroyed) {
          const size = Buffer.allocUnsafe(4);
          size.writeInt32BE(response.length, 0);
          socket.cork();
          socket.write(size);
          socket.write(response);
          socket.uncork();
        }
        if (closing) socket.end(() => socket.destroy());
      }
    } finally {
      busy = false;
      if (socket.isPaused()) socket.resume();
    }
  };

  socket.on('data', (chunk) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    takeFrames();
    if (queue.length > MAX_QUEUED_FRAMES) socket.pause();
    void drain();
  });
  socket.on('error', () => socket.destroy());
  return connection;
}
