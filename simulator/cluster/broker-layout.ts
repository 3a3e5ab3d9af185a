// Where each broker lives: its node id, the address its listener binds (Kafka's `listeners`), the
// address it tells clients in Metadata and FindCoordinator (Kafka's `advertised.listeners`) and its
// port. Course docker-compose files and client test suites expect layouts such as node ids from 0,
// `localhost`, or ports 9092, 9093, 19094; a grader in a network namespace needs a listener on a
// bridge address that is also what clients are told.

import net from 'node:net';

export interface BrokerLayoutOptions {
  /** Number of brokers (default 1). */
  brokers?: number;
  /** Kafka's node.id of the first broker (default 1); the others follow: first, first + 1, ... */
  firstNodeId?: number;
  /** Port of the first broker; broker i listens on port + i. 0 (default) picks free ports. */
  port?: number;
  /** One port per broker, in node id order (0 picks a free one); instead of `port`. */
  ports?: number[];
  /**
   * The address the listeners bind (default 127.0.0.1): a host name, an IP address, or 0.0.0.0 / ::
   * for every interface.
   */
  listenHost?: string;
  /**
   * The host clients are told to connect to (default: the listen host). A listener on every
   * interface needs one, as in Kafka: 0.0.0.0 is no address a client can reach.
   */
  advertisedHost?: string;
}

export interface BrokerPlace {
  id: number;
  listenHost: string;
  advertisedHost: string;
  port: number;
}

export const DEFAULT_HOST = '127.0.0.1';
const MAX_PORT = 65535;
/** Kafka's node.id is an int32; the highest id leaves room for every broker after the first. */
const MAX_NODE_ID = 2 ** 31 - 1;

export class BrokerLayoutError extends Error {
  override name = 'BrokerLayoutError';
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::';
const notAHost = (host: string) => host === '' || /[\s/]/.test(host);

/** The brokers' places, or a BrokerLayoutError saying which option is wrong and why. */
export function layBrokers(options: BrokerLayoutOptions): BrokerPlace[] {
  const count = options.brokers ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new BrokerLayoutError(`brokers must be a positive integer, not ${count}`);
  const first = options.firstNodeId ?? 1;
  if (!Number.isInteger(first) || first < 0 || first + count - 1 > MAX_NODE_ID) {
    throw new BrokerLayoutError(`firstNodeId must be a whole number from 0 to ${MAX_NODE_ID - count + 1}, not ${first}`);
  }
  const ports = portsOf(options, count);
  const listenHost = options.listenHost ?? DEFAULT_HOST;
  if (notAHost(listenHost)) throw new BrokerLayoutError(`listenHost "${listenHost}" is not a host name or an IP address`);
  const advertisedHost = options.advertisedHost ?? (isWildcard(listenHost) ? undefined : listenHost);
  if (advertisedHost === undefined) {
    throw new BrokerLayoutError(
      `listening on every interface (${listenHost}) needs an advertisedHost: clients cannot connect to the non-routable address ${listenHost} (Kafka refuses it in advertised.listeners too)`,
    );
  }
  if (notAHost(advertisedHost) || isWildcard(advertisedHost)) {
    throw new BrokerLayoutError(`advertisedHost "${advertisedHost}" is not an address clients can connect to`);
  }
  return ports.map((port, i) => ({ id: first + i, listenHost, advertisedHost, port }));
}

function portsOf(options: BrokerLayoutOptions, count: number): number[] {
  const validPort = (port: number) => Number.isInteger(port) && port >= 0 && port <= MAX_PORT;
  if (options.ports !== undefined) {
    if (options.port !== undefined && options.port !== 0) throw new BrokerLayoutError('give either port or ports, not both');
    const { ports } = options;
    if (ports.length !== count) throw new BrokerLayoutError(`ports lists ${ports.length} port(s) for ${count} broker(s); give one per broker`);
    const bad = ports.find((p) => !validPort(p));
    if (bad !== undefined) throw new BrokerLayoutError(`ports: ${bad} is not a port (0 to ${MAX_PORT})`);
    const taken = ports.filter((p) => p !== 0);
    const twice = taken.find((p, i) => taken.indexOf(p) !== i);
    if (twice !== undefined) throw new BrokerLayoutError(`ports: ${twice} is listed twice`);
    return [...ports];
  }
  const port = options.port ?? 0;
  if (!validPort(port)) throw new BrokerLayoutError(`port must be 0 to ${MAX_PORT}, not ${port}`);
  if (port !== 0 && port + count - 1 > MAX_PORT) {
    throw new BrokerLayoutError(`port ${port} with ${count} brokers needs ports up to ${port + count - 1}; the highest is ${MAX_PORT}`);
  }
  return Array.from({ length: count }, (_, i) => (port === 0 ? 0 : port + i));
}

/** host:port as clients write it, with an IPv6 address in brackets. */
export const hostPort = (host: string, port: number) => (net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);
