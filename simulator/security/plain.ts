// SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer checks it: one token, "authzid NUL user NUL
// password", answered with an empty token. Kafka's own messages: a wrong password is "Invalid
// username or password"; a malformed token gets the generic invalid-credentials message.

import { invalidCredentials, SaslRejection, type SaslExchange } from './sasl-exchange.ts';
import type { UserStore } from './users.ts';

export class PlainExchange implements SaslExchange {
  readonly mechanism = 'PLAIN';
  user: string | null = null;

  constructor(private readonly users: UserStore) {}

  evaluate(token: Buffer): Buffer {
    if (this.user !== null) throw invalidCredentials(this.mechanism, 'SASL/PLAIN expects a single token');
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) throw invalidCredentials(this.mechanism, `Invalid SASL/PLAIN response: expected 3 tokens, got ${parts.length}`);
    const [authorizationId, username, password] = parts;
    if (username === '') throw invalidCredentials(this.mechanism, 'Authentication failed: username not specified');
    if (password === '') throw invalidCredentials(this.mechanism, 'Authentication failed: password not specified');
    if (!this.users.checkPassword(username, password)) {
      throw new SaslRejection('Authentication failed: Invalid username or password', `Authentication failed: Invalid username or password (user "${username}")`);
    }
    if (authorizationId !== '' && authorizationId !== username) {
      throw new SaslRejection('Authentication failed: Client requested an authorization id that is different from username');
    }
    this.user = username;
    return Buffer.alloc(0);
  }
}
