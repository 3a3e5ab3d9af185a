// One connection's authentication, as Kafka's SaslServerAuthenticator runs it. On a SASL listener a
// client may first ask ApiVersions (once), then must send SaslHandshake; anything else closes the
// connection. After SaslHandshake v1 the tokens come in SaslAuthenticate requests; after v0 they
// come as raw size-prefixed frames with no request header, answered the same way. Once the
// exchange completes the connection is the user's: every API is served, with that principal.

import { CLUSTER_NAME, type AclOperation, type AclResourceType } from './acl.ts';
import { ANONYMOUS, type Requester } from './authorizer.ts';
import { SaslRejection, type SaslExchange } from './sasl-exchange.ts';
import type { Security } from './security.ts';
import type { SaslMechanism } from './users.ts';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

type State =
  /** PLAINTEXT listener, or authenticated: every request is served. */
  | { kind: 'open' }
  /** ApiVersions or SaslHandshake. */
  | { kind: 'initial' }
  /** ApiVersions answered: SaslHandshake only. */
  | { kind: 'handshake' }
  | { kind: 'authenticating'; exchange: SaslExchange; framed: boolean }
  | { kind: 'failed' };

/** Thrown for a request Kafka would not serve at this point: the connection is closed. */
export class SaslStateError extends Error {
  override name = 'SaslStateError';
}

export type HandshakeOutcome = 'NONE' | 'ILLEGAL_SASL_STATE' | 'UNSUPPORTED_SASL_MECHANISM';

export class AuthSession implements Requester {
  principal = ANONYMOUS;
  private state: State;

  constructor(
    private readonly security: Security,
    readonly host: string,
  ) {
    this.state = security.saslRequired ? { kind: 'initial' } : { kind: 'open' };
  }

  get authenticated(): boolean {
    return this.state.kind === 'open';
  }

  /** After SaslHandshake v0: the next frame is a raw SASL token, not a request. */
  get expectsRawToken(): boolean {
    return this.state.kind === 'authenticating' && !this.state.framed;
  }

  get mechanisms(): readonly SaslMechanism[] {
    return this.security.mechanisms;
  }

  /** The largest frame this connection may send before it has logged in (sasl.server.max.receive.size). */
  get maxReceiveSize(): number {
    return this.security.maxReceiveSize;
  }

  /**
   * Waits connection.failed.authentication.delay.ms after a failed login, before its answer and
   * the close: a timer, so only this connection waits.
   */
  delayFailure(): Promise<void> {
    const ms = this.security.failedAuthenticationDelayMs;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  /** May the client perform `operation` on this resource? (Always, without an authorizer.) */
  readonly authorize = (operation: AclOperation, type: AclResourceType, name: string = CLUSTER_NAME): boolean =>
    this.security.authorizer.authorize(this, operation, type, name);

  /** May the client perform `operation` on some resource of this type? */
  readonly authorizeAny = (operation: AclOperation, type: AclResourceType): boolean => this.security.authorizer.authorizeAny(this, operation, type);

  /** Refuses, by throwing, a request Kafka would not serve before authentication completes. */
  admit(apiKey: number, apiName: string, frameBytes: number): void {
    const { kind } = this.state;
    if (kind === 'open') return;
    // The listener refuses a larger size prefix before reading the frame; this is the last word.
    if (frameBytes > this.maxReceiveSize) throw new SaslStateError(`Invalid receive (size = ${frameBytes} larger than ${this.maxReceiveSize})`);
    const name = kafkaName(apiName);
    if (kind === 'initial' && (apiKey === API_VERSIONS || apiKey === SASL_HANDSHAKE)) return;
    if (kind === 'handshake' && apiKey === SASL_HANDSHAKE) return;
    if (kind === 'handshake' && apiKey === API_VERSIONS) {
      throw new SaslStateError('Unexpected ApiVersions request received during SASL authentication state HANDSHAKE_REQUEST');
    }
    if (kind === 'authenticating' && this.state.framed) {
      if (apiKey === SASL_AUTHENTICATE) return;
      throw new SaslStateError(`Unexpected Kafka request of type ${name} during SASL authentication.`);
    }
    throw new SaslStateError(`Unexpected Kafka request of type ${name} during SASL handshake.`);
  }

  apiVersionsAnswered(): void {
    if (this.state.kind === 'initial') this.state = { kind: 'handshake' };
  }

  /** SaslHandshake: starts an exchange with the mechanism, or says why not. */
  handshake(mechanism: string, framed: boolean): HandshakeOutcome {
    if (this.state.kind !== 'initial' && this.state.kind !== 'handshake') return 'ILLEGAL_SASL_STATE';
    const enabled = this.mechanisms.find((m) => m === mechanism);
    if (!enabled) {
      this.state = { kind: 'failed' };
      return 'UNSUPPORTED_SASL_MECHANISM';
    }
    this.state = { kind: 'authenticating', exchange: this.security.exchange(enabled), framed };
    return 'NONE';
  }

  /** Whether SaslAuthenticate requests carry this connection's tokens now. */
  get expectsAuthenticate(): boolean {
    return this.state.kind === 'authenticating' && this.state.framed;
  }

  /**
   * After SaslHandshake v0: a whole frame is the client's next token, and the answer is the reply
   * frame. A failed login gets no answer: the connection closes, after the failure delay.
   */
  async answerRawToken(frame: Buffer): Promise<Buffer> {
    if (frame.length > this.maxReceiveSize) throw new SaslStateError(`Invalid receive (size = ${frame.length} larger than ${this.maxReceiveSize})`);
    try {
      return this.evaluate(frame);
    } catch (error) {
      if (error instanceof SaslRejection) await this.delayFailure();
      throw error;
    }
  }

  /** Answers one client token; throws SaslRejection when authentication fails. */
  evaluate(token: Buffer): Buffer {
    if (this.state.kind !== 'authenticating') throw new SaslStateError('no SASL exchange in progress');
    const { exchange } = this.state;
    try {
      const reply = exchange.evaluate(token);
      if (exchange.user !== null) {
        this.principal = `User:${exchange.user}`;
        this.state = { kind: 'open' };
      }
      return reply;
    } catch (error) {
      this.state = { kind: 'failed' };
      if (error instanceof SaslRejection) throw error;
      throw new SaslRejection(`Authentication failed during authentication due to invalid credentials with SASL mechanism ${exchange.mechanism}`, String(error));
    }
  }
}

/** "ListOffsets" as Kafka's ApiKeys enum names it: "LIST_OFFSETS". */
const kafkaName = (apiName: string) => apiName.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
