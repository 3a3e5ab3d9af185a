// One request over a bare socket, encoded and the answer decoded with the simulator's own API
// schemas: for what a client library reads but does not show (the broker's error messages). Real
// Kafka decoding these requests also checks the schemas themselves.

import { RawConnection } from '../../simulator/net/raw-connection.ts';

export async function rawRequest(address: string, apiKey: number, version: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const connection = await RawConnection.open(address);
  try {
    return (await connection.call(apiKey, version, body, { clientId: 'kafka-lab-conformance' })) ?? { closedConnection: true };
  } finally {
    connection.destroy();
  }
}
