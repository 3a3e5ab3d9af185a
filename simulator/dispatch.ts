// From a frame to a response: decode the header, pick the API module, decode the body with that
// API's schema, run its handler against the cluster, encode the answer, and tell the event stream.
// A frame that cannot be understood throws, and the listener closes the connection, as Kafka does.
// On a SASL listener the connection's session first decides whether a request may be served yet,
// and after SaslHandshake v0 whole frames are SASL tokens rather than requests.
// Injected faults (simulator/faults) see each decoded request first and may delay, fail, drop or
// throttle it; the handler itself never knows.

import { NO_RESPONSE, type RequestContext, type RequestServices } from './apis/api.ts';
import { API_BY_KEY } from './apis/index.ts';
import { unsupportedVersionResponse } from './apis/18_api_versions.ts';
import { addTopicIds, resolveTopicIds } from './apis/topic-ids.ts';
import type { Broker } from './cluster/broker.ts';
import type { Faults } from './faults/index.ts';
import type { Connection } from './net/listener.ts';
import { errorName } from './protocol/errors.ts';
import { readClientIdAndTags, readRequestPrefix, writeResponseHeader } from './protocol/headers.ts';
import { inRange } from './protocol/schema.ts';
import { MalformedFrameError, Reader, Writer } from './protocol/wire.ts';

const API_VERSIONS_KEY = 18;

/** The response as the pieces to write back to back (stored record batches among them, uncopied), or null for none. */
export async function handleFrame(services: RequestServices, faults: Faults, broker: Broker, frame: Buffer, connection: Connection): Promise<Buffer | Buffer[] | null> {
  const { events, security } = services;
  // A paused broker, or one cut off from its clients, holds every request until that ends.
  const held = faults.gate(broker.id);
  if (held) {
    events.emit({ type: 'request-held', brokerId: broker.id, connectionId: connection.id });
    await held;
  }
  const session = (connection.auth ??= security.session(connection.remoteAddress));
  if (session.expectsRawToken) return session.answerRawToken(frame);
  const r = new Reader(frame);
  const prefix = readRequestPrefix(r);
  const api = API_BY_KEY.get(prefix.apiKey);
  if (!api) throw new MalformedFrameError(`unknown API key ${prefix.apiKey}`);
  session.admit(api.key, api.name, frame.length);
  if (!inRange(api.versions, prefix.apiVersion)) {
    // Kafka answers an ApiVersions it cannot parse with v0 + UNSUPPORTED_VERSION so the client can
    // retry with a version we list; any other unsupported request closes the connection.
    if (api.key === API_VERSIONS_KEY) return unsupportedVersionResponse(prefix.correlationId);
    throw new MalformedFrameError(`${api.name} v${prefix.apiVersion} is not supported (this broker serves v${api.versions.min}-${api.versions.max})`);
  }

  const version = prefix.apiVersion;
  const flexible = inRange(api.flexible, version);
  const clientId = readClientIdAndTags(r, flexible);
  connection.clientId = clientId;
  // Bytes after the last field are ignored, as Apache Kafka 4.3.1 ignores them.
  const request = api.request.read(r, { version, flexible });
  resolveTopicIds(request, services.topics);

  const { authorize, authorizeAny } = session;
  const context: RequestContext = { ...services, broker, connection, version, header: { ...prefix, clientId }, session, authorize, authorizeAny };
  const started = performance.now();
  const fault = faults.intercept(api, request, context);
  const response = fault ? await fault.answer((narrowed) => api.handle(narrowed, context)) : await api.handle(request, context);
  if (fault?.dropped) return null; // closed or swallowed: its fault-fired event tells it
  if (api.key === API_VERSIONS_KEY) session.apiVersionsAnswered();
  events.emit({
    type: 'request-handled',
    brokerId: broker.id,
    connectionId: connection.id,
    clientId,
    api: api.name,
    apiKey: api.key,
    version,
    summary: api.describe?.(request) ?? '',
    errors: response === NO_RESPONSE ? ['NONE'] : errorsIn(response),
    durationMs: performance.now() - started,
  });
  if (response === NO_RESPONSE) return null;
  addTopicIds(response, services.topics);

  const w = new Writer(1024);
  // ApiVersions always answers with header v0, whatever its version, so any client can read it.
  writeResponseHeader(w, prefix.correlationId, flexible && api.key !== API_VERSIONS_KEY);
  api.response.write(w, response, { version, flexible });
  return w.toChunks();
}

/** The distinct error names in a response (every `errorCode` field, at any depth). */
function errorsIn(response: unknown): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'errorCode' && typeof inner === 'number') found.add(errorName(inner));
        else visit(inner);
      }
    }
  };
  visit(response);
  if (found.size > 1) found.delete('NONE');
  return found.size > 0 ? [...found] : ['NONE'];
}
