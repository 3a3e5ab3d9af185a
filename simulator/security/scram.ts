// The server side of SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677), with the message
// grammar Kafka's ScramMessages accepts (gs2 header "n" only: no channel binding):
//
//   client-first  n,[a=authzid],n=user,r=client-nonce[,ext...]
//   server-first  r=client-nonce+server-nonce,s=salt,i=iterations
//   client-final  c=biws,r=client-nonce+server-nonce[,ext...],p=proof
//   server-final  v=server-signature
//
// The client proves it knows the salted password without sending it: ClientProof = ClientKey XOR
// HMAC(StoredKey, AuthMessage), and the server checks H(ClientKey) against the stored key.
// As in Kafka, every failure is answered with the same generic message.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalidCredentials, SaslRejection, type SaslExchange } from './sasl-exchange.ts';
import { hmac, scramHash, type ScramCredential, type ScramMechanism, type UserStore } from './users.ts';

// Kafka's character classes: ASCII only; ',' separates attributes and '=' escapes in names.
const SASLNAME = '(?:[\\x01-\\x2B\\x2D-\\x3C\\x3E-\\x7F]|=2C|=3D)+';
const VALUE = '[\\x01-\\x2B\\x2D-\\x7F]+';
const PRINTABLE = '[\\x21-\\x2B\\x2D-\\x7E]+';
const BASE64 = '(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)?';
const EXTENSIONS = `(?:,[A-Za-z]+=${VALUE})*`;

const CLIENT_FIRST = new RegExp(`^n,(?:a=(?<authzid>${SASLNAME}))?,(?<bare>(?:m=${VALUE},)?n=(?<saslname>${SASLNAME}),r=(?<nonce>${PRINTABLE})${EXTENSIONS})$`);
const CLIENT_FINAL = new RegExp(`^(?<withoutProof>c=${BASE64},r=(?<nonce>${PRINTABLE})${EXTENSIONS}),p=(?<proof>${BASE64})$`);

/** "=2C" and "=3D" are how a SCRAM name writes ',' and '='. */
const username = (saslname: string) => saslname.replace(/=2C/g, ',').replace(/=3D/g, '=');

type State =
  | { step: 'client-first' }
  | { step: 'client-final'; clientFirstBare: string; serverFirst: string; clientNonce: string; nonce: string; user: string; credential: ScramCredential }
  | { step: 'complete' };

export class ScramExchange implements SaslExchange {
  user: string | null = null;
  private state: State = { step: 'client-first' };

  constructor(
    private readonly users: UserStore,
    readonly mechanism: ScramMechanism,
  ) {}

  evaluate(token: Buffer): Buffer {
    const message = token.toString('utf8');
    switch (this.state.step) {
      case 'client-first':
        return this.clientFirst(message);
      case 'client-final':
        return this.clientFinal(message, this.state);
      default:
        throw invalidCredentials(this.mechanism, `Unexpected challenge in Sasl server state COMPLETE`);
    }
  }

  private clientFirst(message: string): Buffer {
    const parsed = CLIENT_FIRST.exec(message)?.groups;
    if (!parsed) throw invalidCredentials(this.mechanism, `Invalid SCRAM client first message format: ${printable(message)}`);
    const user = username(parsed.saslname);
    const credential = this.users.scramCredential(user, this.mechanism);
    if (!credential) throw invalidCredentials(this.mechanism, `Authentication failed: Invalid user credentials (no ${this.mechanism} credential for user "${user}")`);
    if (parsed.authzid !== undefined && username(parsed.authzid) !== user) {
      throw new SaslRejection('Authentication failed: Client requested an authorization id that is different from username');
    }
    const nonce = parsed.nonce + randomBytes(18).toString('base64url');
    const serverFirst = `r=${nonce},s=${credential.salt.toString('base64')},i=${credential.iterations}`;
    this.state = { step: 'client-final', clientFirstBare: parsed.bare, serverFirst, clientNonce: parsed.nonce, nonce, user, credential };
    return Buffer.from(serverFirst, 'utf8');
  }

  private clientFinal(message: string, state: Extract<State, { step: 'client-final' }>): Buffer {
    // Whatever happens now, this exchange is over: a second client-final is not a retry.
    this.state = { step: 'complete' };
    const parsed = CLIENT_FINAL.exec(message)?.groups;
    if (!parsed) throw invalidCredentials(this.mechanism, `Invalid SCRAM client final message format: ${printable(message)}`);
    // librdkafka before 2.6.1 (kcat, confluent-kafka) repeats its own nonce in front of the one the
    // server sent (librdkafka#4895). Kafka 3.8.1 to 3.9 let that through (endsWith) and Kafka 4
    // refuses it; accepting it lets those clients log in with SCRAM, as they did on Kafka 3.
    if (parsed.nonce !== state.nonce && parsed.nonce !== state.clientNonce + state.nonce) {
      throw invalidCredentials(this.mechanism, 'Invalid client nonce in the final client message.');
    }
    const hash = scramHash(this.mechanism);
    const authMessage = `${state.clientFirstBare},${state.serverFirst},${parsed.withoutProof}`;
    const clientSignature = hmac(hash, state.credential.storedKey, authMessage);
    const proof = Buffer.from(parsed.proof, 'base64');
    if (proof.length !== clientSignature.length) throw invalidCredentials(this.mechanism, `Invalid client credentials (a proof of ${proof.length} bytes)`);
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]));
    if (!timingSafeEqual(createHash(hash).update(clientKey).digest(), state.credential.storedKey)) {
      throw invalidCredentials(this.mechanism, `Invalid client credentials (wrong password for user "${state.user}")`);
    }
    this.user = state.user;
    return Buffer.from(`v=${hmac(hash, state.credential.serverKey, authMessage).toString('base64')}`, 'utf8');
  }
}

/** A client's message for a trace line: short, with control bytes shown as escapes. */
const printable = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
