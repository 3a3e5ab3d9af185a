// SaslHandshake (17): the client names a SASL mechanism. On a SASL listener the answer lists the
// enabled mechanisms; an unknown one gets UNSUPPORTED_SASL_MECHANISM and the connection is closed.
// v0 means the tokens that follow are raw frames; v1 sends them in SaslAuthenticate requests.
// On a PLAINTEXT listener, or once authenticated, Kafka answers ILLEGAL_SASL_STATE.

import { ErrorCode } from '../protocol/errors.ts';
import { SaslHandshakeRequest } from '../protocol/messages/SaslHandshakeRequest.ts';
import { SaslHandshakeResponse } from '../protocol/messages/SaslHandshakeResponse.ts';
import { defineApi } from './api.ts';

export const saslHandshake = defineApi({
  request: SaslHandshakeRequest,
  response: SaslHandshakeResponse,
  versions: '0-1',
  handle(req, { session, connection, version }) {
    const outcome = session.handshake(req.mechanism, version >= 1);
    if (outcome === 'ILLEGAL_SASL_STATE') return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    if (outcome === 'UNSUPPORTED_SASL_MECHANISM') connection.closeAfterResponse();
    return { errorCode: ErrorCode[outcome], mechanisms: session.mechanisms };
  },
  describe: (req) => req.mechanism,
});
