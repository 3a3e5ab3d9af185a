// SaslAuthenticate (36): one SASL token each way, after SaslHandshake v1. A failed authentication
// is answered SASL_AUTHENTICATION_FAILED with Kafka's message after connection.failed.authentication
// .delay.ms, then the connection is closed.
// Once authenticated (or on a PLAINTEXT listener) Kafka answers ILLEGAL_SASL_STATE.

import { ErrorCode } from '../protocol/errors.ts';
import { SaslAuthenticateRequest } from '../protocol/messages/SaslAuthenticateRequest.ts';
import { SaslAuthenticateResponse } from '../protocol/messages/SaslAuthenticateResponse.ts';
import { SaslRejection } from '../security/sasl-exchange.ts';
import { defineApi } from './api.ts';

export const saslAuthenticate = defineApi({
  request: SaslAuthenticateRequest,
  response: SaslAuthenticateResponse,
  versions: '0-2',
  async handle(req, { session, connection }) {
    const failed = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage, authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 });
    if (!session.expectsAuthenticate) return failed(ErrorCode.ILLEGAL_SASL_STATE, 'SaslAuthenticate request received after successful authentication');
    try {
      // Session lifetime 0: no re-authentication (Kafka's connections.max.reauth.ms default).
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: session.evaluate(req.authBytes), sessionLifetimeMs: 0 };
    } catch (error) {
      if (!(error instanceof SaslRejection)) throw error;
      await session.delayFailure();
      connection.closeAfterResponse();
      return failed(ErrorCode.SASL_AUTHENTICATION_FAILED, error.clientMessage);
    }
  },
  // Never the token itself: a PLAIN token carries the password.
  describe: (req) => `${req.authBytes.length} bytes`,
});
