// TCP listeners and framing: 4-byte size-prefixed frames, handled one at a time per connection
// so responses leave in request order (Kafka mutes a connection while a request is in flight).
// Knows nothing of Kafka beyond the frame, and of logging in only whether a connection has.
//
// What a client may make the broker hold is bounded before it is read: a size prefix above the
// connection's frame limit (sasl.server.max.receive.size before login, socket.request.max.bytes
// after) closes the connection at once; every frame's size is reserved from the cluster's request
// memory (queued.max.request.bytes) at its prefix, and a connection whose frame does not fit is
// not read until it does (or, not logged in yet, closed); a connection that has not logged in is
// not read past one frame. Too many
// connections (max.connections, max.connections.per.ip) are closed as they come, idle ones after
// connections.max.idle.ms.

import net from 'node:net';
import type { AuthSession } from '../security/session.ts';
import { DEFAULT_CONNECTION_LIMITS, RequestMemory, type ConnectionLimits } from './limits.ts';

export interface Connection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly connectedAt: number;
  /** The client id of the latest request, for introspection. */
  clientId: string | null;
  /** Who the client is and where its SASL exchange stands. */
  auth: AuthSession | null;
  close(): void;
  /** Closes the connection once the response being prepared has been written (Kafka's reply-then-close). */
  closeAfterResponse(): void;
  /**
   * Calls `done` once the response being prepared has been written out (at once if it gets none;
   * never if the connection closes first): buffers lent to the response can be taken back then.
   */
  afterResponse(done: () => void): void;
}

/**
 * Returns the response frame body — one buffer, or pieces written back to back (a fetch's stored
 * batches, uncopied) — or null when the request gets no response (acks=0 Produce).
 */
export type FrameHandler = (frame: Buffer, connection: Connection) => Promise<FrameBody | null> | FrameBody | null;
type FrameBody = Buffer | readonly Buffer[];

export interface ListenerHooks {
  onConnect?(connection: Connection): void;
  onClose?(connection: Connection): void;
  /** A frame or connection the listener would not take, and why; the connection is closed after this. */
  onBadFrame?(connection: Connection, reason: string): void;
}

export interface ListenerOptions extends ListenerHooks {
  limits?: ConnectionLimits;
  /** Shared by every listener of a cluster. */
  memory?: RequestMemory;
  /**
   * The largest frame this connection may send now, and whether it has logged in (default: every
   * connection open, at socket.request.max.bytes).
   */
  frameLimit?(connection: Connection): { maxBytes: number; authenticated: boolean };
}

export interface Listener {
  readonly port: number;
  readonly connections: ReadonlySet<Connection>;
  close(): Promise<void>;
}

/** Pipelined requests held per logged-in connection before it is not read further. */
const MAX_QUEUED_FRAMES = 64;

let nextConnectionId = 1;

export async function listen(host: string, port: number, handle: FrameHandler, options: ListenerOptions = {}): Promise<Listener> {
  const limits = options.limits ?? DEFAULT_CONNECTION_LIMITS;
  const memory = options.memory ?? new RequestMemory(limits.queuedMaxRequestBytes);
  const frameLimit = options.frameLimit ?? (() => ({ maxBytes: limits.socketRequestMaxBytes, authenticated: true }));
  const connections = new Set<Connection>();
  const perAddress = new Map<string, number>();

  const server = net.createServer({ noDelay: true }, (socket) => {
    const connection = serve(socket, handle, { ...options, limits, memory, frameLimit });
    const address = connection.remoteAddress;
    const fromAddress = perAddress.get(address) ?? 0;
    const refused =
      connections.size >= limits.maxConnections
        ? `too many connections (max.connections=${limits.maxConnections})`
        : fromAddress >= limits.maxConnectionsPerIp
          ? `too many connections from ${address} (max.connections.per.ip=${limits.maxConnectionsPerIp})`
          : null;
    if (refused) {
      options.onBadFrame?.(connection, refused);
      socket.destroy();
      return;
    }
    connections.add(connection);
    perAddress.set(address, fromAddress + 1);
    socket.once('close', () => {
      connections.delete(connection);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
      options.onClose?.(connection);
    });
    options.onConnect?.(connection);
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

type ServeOptions = ListenerHooks & Required<Pick<ListenerOptions, 'limits' | 'memory' | 'frameLimit'>>;

function serve(socket: net.Socket, handle: FrameHandler, { limits, memory, frameLimit, onBadFrame }: ServeOptions): Connection {
  let closing = false;
  const connection: Connection = {
    id: nextConnectionId++,
    remoteAddress: (socket.remoteAddress ?? '?').replace(/^::ffff:/, ''),
    remotePort: socket.remotePort ?? 0,
    connectedAt: Date.now(),
    clientId: null,
    auth: null,
    close: () => socket.destroy(),
    closeAfterResponse: () => {
      closing = true;
    },
    afterResponse: (done) => {
      afterWritten.push(done);
    },
  };
  /** What the response being prepared calls once written (Connection.afterResponse). */
  let afterWritten: (() => void)[] = [];

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Frames read whole, each with the memory reserved for it, waiting to be handled. */
  const queue: { frame: Buffer; reserved: Reservation }[] = [];
  /** The reservation for the frame being read now, once its size prefix is in. */
  let reading: Reservation | null = null;
  let waitingForMemory: (() => void) | null = null;
  let busy = false;

  interface Reservation {
    bytes: number;
    unauthenticated: boolean;
  }
  const giveBack = (r: Reservation) => memory.release(r.bytes, r.unauthenticated);

  const fail = (reason: string) => {
    onBadFrame?.(connection, reason);
    socket.destroy();
  };

  /** Reads should stop while enough is queued, or while this connection waits for memory. */
  const paused = () => waitingForMemory !== null || queue.length >= (frameLimit(connection).authenticated ? MAX_QUEUED_FRAMES : 1);
  const readIfAllowed = () => {
    if (socket.destroyed) return;
    if (paused()) socket.pause();
    else if (socket.isPaused()) socket.resume();
  };

  const takeFrames = () => {
    while (pendingBytes >= 4 && !socket.destroyed && waitingForMemory === null) {
      if (pending[0].length < 4) pending = [Buffer.concat(pending)];
      const size = pending[0].readInt32BE(0);
      if (reading === null) {
        const { maxBytes, authenticated } = frameLimit(connection);
        // Kafka's NetworkReceive: the size alone decides, before a byte of the frame is held.
        if (size < 0 || size > maxBytes) {
          const limit = authenticated ? 'socket.request.max.bytes' : 'sasl.server.max.receive.size';
          return fail(`Invalid receive (size = ${size} larger than ${maxBytes}, ${limit})`);
        }
        const wanted: Reservation = { bytes: size, unauthenticated: !authenticated };
        const attempt = memory.reserve(size, wanted.unauthenticated, () => {
          waitingForMemory = null;
          reading = wanted;
          takeFrames();
          readIfAllowed();
          void drain();
        });
        if (attempt.outcome === 'refused') {
          return fail(`connections not logged in hold all the request memory allowed them (${memory.unauthenticatedLimit} bytes of queued.max.request.bytes); try again later`);
        }
        if (attempt.outcome === 'waiting') {
          waitingForMemory = attempt.cancel;
          socket.pause();
          return;
        }
        reading = wanted;
      }
      if (pendingBytes < 4 + size) return;
      const all = pending.length === 1 ? pending[0] : Buffer.concat(pending);
      // A small frame cut from a large chunk is copied, so it does not keep the whole chunk alive.
      const frame = all.subarray(4, 4 + size);
      queue.push({ frame: size < all.length / 2 ? Buffer.from(frame) : frame, reserved: reading });
      reading = null;
      const rest = all.subarray(4 + size);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      if (paused()) return;
    }
  };

  const drain = async () => {
    if (busy) return;
    busy = true;
    try {
      while (queue.length > 0 && !socket.destroyed && !closing) {
        const { frame, reserved } = queue.shift()!;
        let response: FrameBody | null;
        afterWritten = [];
        try {
          response = await handle(frame, connection);
        } catch (error) {
          return fail(error instanceof Error ? error.message : String(error));
        } finally {
          giveBack(reserved);
        }
        if (response !== null && !socket.destroyed) {
          const pieces = Buffer.isBuffer(response) ? [response] : response;
          const size = Buffer.allocUnsafe(4);
          size.writeInt32BE(pieces.reduce((sum, piece) => sum + piece.length, 0), 0);
          // Corked, the pieces leave in one writev: stored batches are never copied into one buffer.
          const written = afterWritten;
          socket.cork();
          socket.write(size);
          pieces.forEach((piece, i) => socket.write(piece, i < pieces.length - 1 ? undefined : (error) => !error && written.forEach((done) => done())));
          socket.uncork();
        } else if (response === null) {
          for (const done of afterWritten) done();
        }
        afterWritten = [];
        if (closing) socket.end(() => socket.destroy());
        // The request may have logged the client in, which lets more be read: look again.
        takeFrames();
      }
    } finally {
      busy = false;
      readIfAllowed();
    }
  };

  socket.on('data', (chunk) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    takeFrames();
    readIfAllowed();
    void drain();
  });
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    waitingForMemory?.();
    waitingForMemory = null;
    if (reading) giveBack(reading);
    reading = null;
    for (const { reserved } of queue.splice(0)) giveBack(reserved);
    pending = [];
    pendingBytes = 0;
  });
  if (limits.connectionsMaxIdleMs !== -1) {
    // Node's socket timeout counts time without bytes either way; a request in progress is not idleness.
    socket.setTimeout(limits.connectionsMaxIdleMs, () => {
      if (busy || queue.length > 0) return;
      fail(`idle for more than ${limits.connectionsMaxIdleMs} ms (connections.max.idle.ms)`);
    });
  }
  return connection;
}
