// SaslHandshake (17): the client names a SASL mechanism. On a SASL listener the answer lists the
// enabled mechanisms; an unknown one gets UNSUPPORTED_SASL_MECHANISM and the connection is closed.
// v0 means the tokens that follow are raw frames; v1 sends them in SaslAuthenticate requests.
// On a PLAINTEXT listener, or once authenticated, Kafka answers ILLEGAL_SASL_STATE.

import { ErrorCode } from '../protocol/errors.ts';
import { array, int16, string, struct } from '../protocol/schema.ts';
import { defineApi } from './api.ts';

const request = struct({ mechanism: string });

const response = struct({
  errorCode: int16,
  mechanisms: array(string),
});

export const saslHandshake = defineApi({
  key: 17,
  name: 'SaslHandshake',
  versions: '0-1',
  request,
  response,
  handle(req, { session, connection, version }) {
    const outcome = session.handshake(req.mechanism, version >= 1);
    if (outcome === 'ILLEGAL_SASL_STATE') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    if (outcome === 'UNSUPPORTED_SASL_MECHANISM') connection.closeAfterResponse();
    return { errorCode: ErrorCode[outcome], mechanisms: session.mechanisms };
  },
  describe: (req) => req.mechanism,
});
