// What a SASL mechanism's server side does: take the client's tokens one at a time and answer each,
// until the exchange completes with an authenticated user or fails.

export interface SaslExchange {
  readonly mechanism: string;
  /** The user, once the exchange has completed. */
  readonly user: string | null;
  /** Answers one client token; throws SaslRejection when authentication fails. */
  evaluate(token: Buffer): Buffer;
}

/**
 * A failed authentication. `clientMessage` is what Kafka tells the client (often deliberately vague,
 * so as not to reveal whether a user exists); the error's own message says what was wrong, for --trace.
 */
export class SaslRejection extends Error {
  override name = 'SaslRejection';
  constructor(
    readonly clientMessage: string,
    detail: string = clientMessage,
  ) {
    super(detail);
  }
}

/** Kafka's answer to a SaslException: the same words whatever went wrong. */
export const invalidCredentials = (mechanism: string, detail: string) =>
  new SaslRejection(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`, detail);
