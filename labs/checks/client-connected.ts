// `client-connected`: a client with this client id is connected to the cluster right now. No Kafka
// API lists a broker's connections, so this needs the embedded cluster's introspection.

import { text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass } from './check-kind.ts';

export const clientConnected = defineCheck({
  type: 'client-connected',
  needs: ['introspection'],
  passes: 'a client with that client id is connected now (needs the cluster kafka-lab runs)',
  params: { clientId: text('the client.id') },
  describe: ({ clientId }) => `a client with client.id ${clientId} is connected`,
  async run({ clientId }, { introspection }) {
    const clients = introspection!.describe().clients;
    if (clients.some((c) => c.clientId === clientId)) return pass(`${clientId} is connected`);
    const ids = [...new Set(clients.map((c) => c.clientId ?? '(none)'))];
    return fail(`no client with client.id ${clientId} is connected`, ids.length ? `client ids: ${ids.join(', ')}` : 'no clients connected', `a connection from client.id ${clientId}`);
  },
});
