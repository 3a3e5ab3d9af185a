// The users SASL clients log in as. PLAIN checks the password itself; SCRAM never sees it, only the
// credential Kafka stores per user and mechanism (RFC 5802): a salt, an iteration count (4096, the
// minimum Kafka accepts and the one kafka-configs uses by default), and the stored and server keys
// derived from the salted password with PBKDF2.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export type ScramMechanism = Exclude<SaslMechanism, 'PLAIN'>;

export const SCRAM_ITERATIONS = 4096;

/** A user the cluster accepts; `mechanisms` defaults to all three. */
export interface SaslUser {
  name: string;
  password: string;
  mechanisms?: SaslMechanism[];
}

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export const scramHash = (mechanism: ScramMechanism) => (mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');

export const hmac = (hash: string, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();

/** Derives a SCRAM credential from a password, as kafka-configs --add-config 'SCRAM-SHA-256=[password=…]' does. */
export function scramCredential(mechanism: ScramMechanism, password: string, salt = randomBytes(16), iterations = SCRAM_ITERATIONS): ScramCredential {
  const hash = scramHash(mechanism);
  const saltedPassword = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hash === 'sha256' ? 32 : 64, hash);
  const clientKey = hmac(hash, saltedPassword, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: createHash(hash).update(clientKey).digest(),
    serverKey: hmac(hash, saltedPassword, 'Server Key'),
  };
}

interface StoredUser {
  passwordDigest: Buffer;
  mechanisms: ReadonlySet<SaslMechanism>;
  scram: Map<ScramMechanism, ScramCredential>;
}

const digest = (password: string) => createHash('sha256').update(password, 'utf8').digest();

export class UserStore {
  private readonly users = new Map<string, StoredUser>();
  /** The mechanisms the broker enables: those any user may log in with, in a fixed order. */
  readonly mechanisms: readonly SaslMechanism[];

  constructor(users: readonly SaslUser[]) {
    for (const user of users) {
      const problem = invalidUser(user);
      if (problem) throw new Error(problem);
      if (this.users.has(user.name)) throw new Error(`user "${user.name}" is listed twice`);
      const mechanisms = new Set(user.mechanisms ?? SASL_MECHANISMS);
      const scram = new Map<ScramMechanism, ScramCredential>();
      for (const mechanism of mechanisms) if (mechanism !== 'PLAIN') scram.set(mechanism, scramCredential(mechanism, user.password));
      this.users.set(user.name, { passwordDigest: digest(user.password), mechanisms, scram });
    }
    this.mechanisms = SASL_MECHANISMS.filter((m) => [...this.users.values()].some((u) => u.mechanisms.has(m)));
  }

  get names(): string[] {
    return [...this.users.keys()];
  }

  /** PLAIN: is this the user's password (and may the user log in with PLAIN)? */
  checkPassword(name: string, password: string): boolean {
    const user = this.users.get(name);
    // Compare digests, so the time taken says nothing about the password's length or prefix.
    const matches = timingSafeEqual(user?.passwordDigest ?? digest(''), digest(password));
    return !!user && user.mechanisms.has('PLAIN') && matches;
  }

  /** The user's credential for a SCRAM mechanism, or undefined when there is none. */
  scramCredential(name: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(name)?.scram.get(mechanism);
  }
}

function invalidUser(user: SaslUser): string | null {
  if (typeof user?.name !== 'string' || user.name === '') return 'every user needs a non-empty name';
  if (typeof user.password !== 'string' || user.password === '') return `user "${user.name}" needs a non-empty password`;
  if (user.name.includes('\0') || user.password.includes('\0')) return `user "${user.name}": names and passwords cannot contain NUL`;
  if (user.mechanisms !== undefined) {
    if (!Array.isArray(user.mechanisms) || user.mechanisms.length === 0) return `user "${user.name}": mechanisms must be a non-empty list`;
    const unknown = user.mechanisms.filter((m) => !(SASL_MECHANISMS as readonly string[]).includes(m));
    if (unknown.length > 0) return `user "${user.name}": unknown SASL mechanism ${unknown.join(', ')} (known: ${SASL_MECHANISMS.join(', ')})`;
  }
  return null;
}
