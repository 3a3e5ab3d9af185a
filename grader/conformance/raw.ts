// One request over a bare socket, encoded and the answer decoded with the simulator's own API
// schemas: for what a client library reads but does not show (the broker's error messages). Real
// Kafka decoding these requests also checks the schemas themselves.

import { API_BY_KEY } from '../../simulator/apis/index.ts';
import { inRange } from '../../simulator/protocol/schema.ts';
import { Reader, Writer } from '../../simulator/protocol/wire.ts';
import { RawConnection } from '../../simulator/net/raw-connection.ts';

let correlation = 0;

export async function rawRequest(address: string, apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const api = API_BY_KEY.get(apiKey);
  if (!api) throw new Error(`no schema for API key ${apiKey}`);
  const flexible = inRange(api.flexible, version);
  const w = new Writer(256);
  api.request.write(w, body, { version, flexible });
  const correlationId = ++correlation;
  const connection = await RawConnection.open(address);
  try {
    const frame = await connection.request({ apiKey, version, correlationId, body: w.toBuffer(), clientId: 'kafka-lab-conformance', flexible }, 15_000);
    if (frame === null) return { closedConnection: true };
    const r = new Reader(frame);
    if (r.int32() !== correlationId) throw new Error('response to another request');
    if (flexible && apiKey !== 18) {
      for (let tags = r.unsignedVarint(); tags > 0; tags--) {
        r.unsignedVarint();
        r.bytesOf(r.unsignedVarint());
      }
    }
    return api.response.read(r, { version, flexible }) as Record<string, unknown>;
  } finally {
    connection.destroy();
  }
}
