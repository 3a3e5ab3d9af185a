// The cluster's security setup: who may log in (SASL users), what they may do (ACLs and the
// authorizer that reads them), and a session per connection. Without users every listener is
// PLAINTEXT and every client is User:ANONYMOUS; with users every listener is SASL_PLAINTEXT.

import { AclStore, validAcl, type AclBindingInput } from './acl.ts';
import { Authorizer } from './authorizer.ts';
import { PlainExchange } from './plain.ts';
import type { SaslExchange } from './sasl-exchange.ts';
import { ScramExchange } from './scram.ts';
import { AuthSession } from './session.ts';
import { UserStore, type SaslMechanism, type SaslUser, type SavedScramCredential } from './users.ts';

export interface SecurityOptions {
  /**
   * SASL users: when given, clients must log in (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512). Each has a
   * password for every mechanism, or SCRAM credentials of its own per mechanism (SaslUser.scram).
   */
  users?: SaslUser[];
  /** Users ("alice" or "User:alice") that bypass ACLs: Kafka's super.users. */
  superUsers?: string[];
  /** ACLs the cluster starts with. */
  acls?: AclBindingInput[];
  /**
   * Enforce ACLs (Kafka's authorizer.class.name); default: on exactly when users are given. Without
   * users every client is User:ANONYMOUS, so ACLs must name that principal (or User:*).
   */
  authorizer?: boolean;
  /** Kafka's allow.everyone.if.no.acl.found (default false): a resource without ACLs is open to all. */
  allowEveryoneIfNoAclFound?: boolean;
  /** Kafka's sasl.server.max.receive.size (default 524288): the largest frame a client may send before it has logged in. */
  saslServerMaxReceiveSize?: number;
  /**
   * Kafka's connection.failed.authentication.delay.ms (default 100): how long the answer to a
   * failed login (and the close after it) waits, so passwords cannot be guessed at full speed.
   * The wait holds only that connection.
   */
  failedAuthenticationDelayMs?: number;
}

/** "alice" is short for the principal "User:alice". */
export const principalOf = (user: string) => (/^[A-Za-z]+:/.test(user) ? user : `User:${user}`);

export class Security {
  /**
   * The users and their credentials. A cluster without `users` has an empty store: SCRAM credentials
   * may still be added (Kafka keeps them in its metadata whatever the listeners), but no listener asks
   * for a login.
   */
  readonly users: UserStore;
  readonly saslRequired: boolean;
  readonly maxReceiveSize: number;
  readonly failedAuthenticationDelayMs: number;
  readonly acls: AclStore;
  readonly authorizer: Authorizer;

  /** `onChange`: ACLs or SCRAM credentials changed (the cluster saves its metadata); `savedScram`: the changes a data dir kept. */
  constructor(options: SecurityOptions, onChange: () => void = () => {}, savedScram: readonly SavedScramCredential[] = []) {
    this.saslRequired = options.users !== undefined;
    this.users = new UserStore(options.users ?? [], savedScram, onChange);
    if (this.saslRequired && this.users.mechanisms.length === 0) throw new Error('users is empty: give at least one user, or leave users out for a PLAINTEXT cluster');
    this.maxReceiveSize = options.saslServerMaxReceiveSize ?? 524_288;
    this.failedAuthenticationDelayMs = options.failedAuthenticationDelayMs ?? 100;
    if (!Number.isSafeInteger(this.maxReceiveSize) || this.maxReceiveSize < 1) throw new Error(`saslServerMaxReceiveSize must be a whole number of bytes, at least 1, not ${this.maxReceiveSize}`);
    if (!Number.isSafeInteger(this.failedAuthenticationDelayMs) || this.failedAuthenticationDelayMs < 0) {
      throw new Error(`failedAuthenticationDelayMs must be a whole number of milliseconds, 0 or more, not ${this.failedAuthenticationDelayMs}`);
    }
    this.acls = new AclStore((options.acls ?? []).map(validAcl), onChange);
    this.authorizer = new Authorizer(this.acls, {
      enabled: options.authorizer ?? this.saslRequired,
      superUsers: (options.superUsers ?? []).map(principalOf),
      allowEveryoneIfNoAclFound: options.allowEveryoneIfNoAclFound ?? false,
    });
  }

  /** Kafka's sasl.enabled.mechanisms: empty when the listeners are PLAINTEXT. */
  get mechanisms(): readonly SaslMechanism[] {
    return this.saslRequired ? this.users.mechanisms : [];
  }

  /** The server side of a SASL exchange, for a mechanism this cluster enables. */
  exchange(mechanism: SaslMechanism): SaslExchange {
    if (!this.saslRequired) throw new Error('SASL is not enabled');
    return mechanism === 'PLAIN' ? new PlainExchange(this.users) : new ScramExchange(this.users, mechanism);
  }

  /** A new connection's session, from the client's address. */
  session(remoteAddress: string): AuthSession {
    return new AuthSession(this, remoteAddress.replace(/^::ffff:/, ''));
  }
}
