// The users SASL clients log in as. PLAIN checks the password itself, as Kafka's JAAS-configured
// PLAIN users are checked: fixed when the cluster starts. SCRAM never sees a password, only the
// credential Kafka stores per user *and mechanism* (RFC 5802): a salt, an iteration count, and the
// stored and server keys derived from the salted password with PBKDF2. A user may have a
// SCRAM-SHA-256 credential and no SCRAM-SHA-512 one, or both with their own salts, iterations and
// passwords; AlterUserScramCredentials changes them at run time, as in KRaft, where they live in
// the cluster metadata (and here too: a data dir keeps the changes across restarts).

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export type ScramMechanism = Exclude<SaslMechanism, 'PLAIN'>;
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** Kafka's ScramMechanism type ids, as AlterUserScramCredentials and DescribeUserScramCredentials carry them. */
export const SCRAM_MECHANISM_TYPE: Readonly<Record<ScramMechanism, number>> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
export const scramMechanismOfType = (type: number): ScramMechanism | undefined => SCRAM_MECHANISMS.find((m) => SCRAM_MECHANISM_TYPE[m] === type);

/** The iterations kafka-configs uses by default, and the fewest Kafka accepts for either mechanism. */
export const SCRAM_ITERATIONS = 4096;
/** The most iterations Kafka's controller accepts (ScramControlManager's MAX_ITERATIONS). */
export const SCRAM_MAX_ITERATIONS = 16384;

/** A SCRAM credential of its own: the password and iteration count for one mechanism. */
export interface ScramCredentialInput {
  password: string;
  /** 4096 (the default) to 16384. */
  iterations?: number;
}

/**
 * A user the cluster accepts. `password` serves every mechanism in `mechanisms` (default all three);
 * `scram` gives a SCRAM mechanism a password and iteration count of its own, and is how a user gets
 * a SCRAM credential without a PLAIN password.
 */
export interface SaslUser {
  name: string;
  password?: string;
  mechanisms?: SaslMechanism[];
  scram?: Partial<Record<ScramMechanism, ScramCredentialInput>>;
}

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export const scramHash = (mechanism: ScramMechanism) => (mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512');

export const hmac = (hash: string, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();

/** Kafka's ScramFormatter.hi: the salted password PBKDF2 derives from a password. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const hash = scramHash(mechanism);
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, hash === 'sha256' ? 32 : 64, hash);
}

/** The credential stored for a salted password (what AlterUserScramCredentials sends): its stored and server keys. */
export function credentialFromSaltedPassword(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  const hash = scramHash(mechanism);
  const clientKey = hmac(hash, salted, 'Client Key');
  return { salt, iterations, storedKey: createHash(hash).update(clientKey).digest(), serverKey: hmac(hash, salted, 'Server Key') };
}

/** Derives a SCRAM credential from a password, as kafka-configs --add-config 'SCRAM-SHA-256=[password=…]' does. */
export function scramCredential(mechanism: ScramMechanism, password: string, salt = randomBytes(16), iterations = SCRAM_ITERATIONS): ScramCredential {
  return credentialFromSaltedPassword(mechanism, saltedPassword(mechanism, password, salt, iterations), salt, iterations);
}

/** A user's SCRAM credentials as DescribeUserScramCredentials lists them: mechanisms and iterations, never keys. */
export interface ScramCredentialInfo {
  mechanism: ScramMechanism;
  iterations: number;
}

/** A credential changed at run time, as the cluster metadata keeps it (null: deleted). */
export interface SavedScramCredential {
  name: string;
  mechanism: ScramMechanism;
  credential: { salt: string; iterations: number; storedKey: string; serverKey: string } | null;
}

const digest = (password: string) => createHash('sha256').update(password, 'utf8').digest();

export class UserStore {
  /** PLAIN users: name → digest of the password. */
  private readonly plain = new Map<string, Buffer>();
  /** SCRAM credentials: name → mechanism → credential. */
  private readonly scram = new Map<string, Map<ScramMechanism, ScramCredential>>();
  /** Credentials changed at run time, by "mechanism name": what a restart replays over the users given. */
  private readonly changes = new Map<string, SavedScramCredential>();
  /** The mechanisms the broker enables (Kafka's sasl.enabled.mechanisms): those the users given start with, in a fixed order. */
  readonly mechanisms: readonly SaslMechanism[];

  constructor(
    users: readonly SaslUser[],
    saved: readonly SavedScramCredential[] = [],
    private readonly onChange: () => void = () => {},
  ) {
    const enabled = new Set<SaslMechanism>();
    for (const user of users) {
      const problem = invalidUser(user);
      if (problem) throw new Error(problem);
      if (this.plain.has(user.name) || this.scram.has(user.name)) throw new Error(`user "${user.name}" is listed twice`);
      for (const [mechanism, credential] of credentialsOf(user)) {
        enabled.add(mechanism);
        if (mechanism === 'PLAIN') this.plain.set(user.name, digest(user.password!));
        else this.credentialsFor(user.name).set(mechanism, credential!);
      }
    }
    this.mechanisms = SASL_MECHANISMS.filter((m) => enabled.has(m));
    for (const change of saved) this.apply(change);
  }

  /** Every user with a PLAIN password or a SCRAM credential. */
  get names(): string[] {
    return [...new Set([...this.plain.keys(), ...this.scram.keys()])];
  }

  /** PLAIN: is this the user's password (and may the user log in with PLAIN)? */
  checkPassword(name: string, password: string): boolean {
    const stored = this.plain.get(name);
    // Compare digests, so the time taken says nothing about the password's length or prefix.
    const matches = timingSafeEqual(stored ?? digest(''), digest(password));
    return stored !== undefined && matches;
  }

  /** The user's credential for a SCRAM mechanism, or undefined when there is none. */
  scramCredential(name: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.scram.get(name)?.get(mechanism);
  }

  /** The user's SCRAM credentials, by mechanism (SCRAM-SHA-256 first); empty when there are none. */
  scramCredentialInfo(name: string): ScramCredentialInfo[] {
    const credentials = this.scram.get(name);
    return SCRAM_MECHANISMS.flatMap((mechanism) => {
      const credential = credentials?.get(mechanism);
      return credential ? [{ mechanism, iterations: credential.iterations }] : [];
    });
  }

  /** Users with at least one SCRAM credential. */
  get scramUsers(): string[] {
    return [...this.scram.keys()];
  }

  /** Sets (or replaces) a user's credential for one mechanism, as an AlterUserScramCredentials upsertion does. */
  upsertScram(name: string, mechanism: ScramMechanism, credential: ScramCredential): void {
    this.record({ name, mechanism, credential: savedCredential(credential) });
  }

  /** Removes a user's credential for one mechanism; false when there was none. */
  deleteScram(name: string, mechanism: ScramMechanism): boolean {
    if (!this.scramCredential(name, mechanism)) return false;
    this.record({ name, mechanism, credential: null });
    return true;
  }

  /** The run-time changes, for the cluster metadata. */
  savedChanges(): SavedScramCredential[] {
    return [...this.changes.values()];
  }

  private record(change: SavedScramCredential): void {
    this.apply(change);
    this.onChange();
  }

  private apply(change: SavedScramCredential): void {
    this.changes.set(`${change.mechanism} ${change.name}`, change);
    if (change.credential) {
      const { salt, iterations, storedKey, serverKey } = change.credential;
      this.credentialsFor(change.name).set(change.mechanism, { salt: Buffer.from(salt, 'base64'), iterations, storedKey: Buffer.from(storedKey, 'base64'), serverKey: Buffer.from(serverKey, 'base64') });
      return;
    }
    const credentials = this.scram.get(change.name);
    credentials?.delete(change.mechanism);
    if (credentials?.size === 0) this.scram.delete(change.name);
  }

  private credentialsFor(name: string): Map<ScramMechanism, ScramCredential> {
    let credentials = this.scram.get(name);
    if (!credentials) this.scram.set(name, (credentials = new Map()));
    return credentials;
  }
}

const savedCredential = (c: ScramCredential) => ({ salt: c.salt.toString('base64'), iterations: c.iterations, storedKey: c.storedKey.toString('base64'), serverKey: c.serverKey.toString('base64') });

/** A valid user's mechanisms, each with its SCRAM credential (undefined for PLAIN). */
function credentialsOf(user: SaslUser): [SaslMechanism, ScramCredential | undefined][] {
  const fromPassword = user.password === undefined ? [] : (user.mechanisms ?? SASL_MECHANISMS);
  const own = user.scram ?? {};
  const mechanisms = SASL_MECHANISMS.filter((m) => fromPassword.includes(m) || (m !== 'PLAIN' && own[m]));
  return mechanisms.map((mechanism) => {
    if (mechanism === 'PLAIN') return [mechanism, undefined];
    const given = own[mechanism];
    return [mechanism, given ? scramCredential(mechanism, given.password, undefined, given.iterations ?? SCRAM_ITERATIONS) : scramCredential(mechanism, user.password!)];
  });
}

/** What is wrong with a user as given, or null. */
export function invalidUser(user: SaslUser): string | null {
  if (typeof user?.name !== 'string' || user.name === '') return 'every user needs a non-empty name';
  const who = `user "${user.name}"`;
  if (user.name.includes('\0')) return `${who}: names cannot contain NUL`;
  if (user.password !== undefined && (typeof user.password !== 'string' || user.password === '')) return `${who} needs a non-empty password`;
  if (user.password?.includes('\0')) return `${who}: passwords cannot contain NUL`;
  if (user.mechanisms !== undefined) {
    if (!Array.isArray(user.mechanisms) || user.mechanisms.length === 0) return `${who}: mechanisms must be a non-empty list`;
    const unknown = user.mechanisms.filter((m) => !(SASL_MECHANISMS as readonly string[]).includes(m));
    if (unknown.length > 0) return `${who}: unknown SASL mechanism ${unknown.join(', ')} (known: ${SASL_MECHANISMS.join(', ')})`;
    if (user.password === undefined) return `${who}: mechanisms ${user.mechanisms.join(', ')} need a password`;
  }
  if (user.scram !== undefined) {
    if (user.scram === null || typeof user.scram !== 'object' || Array.isArray(user.scram)) return `${who}: scram must be an object like {"SCRAM-SHA-256": {"password": "…", "iterations": 8192}}`;
    for (const [mechanism, credential] of Object.entries(user.scram) as [string, ScramCredentialInput | undefined][]) {
      if (!(SCRAM_MECHANISMS as readonly string[]).includes(mechanism)) return `${who}: unknown SCRAM mechanism ${mechanism} (known: ${SCRAM_MECHANISMS.join(', ')})`;
      if (typeof credential?.password !== 'string' || credential.password === '') return `${who}: ${mechanism} needs a non-empty password`;
      const { iterations } = credential;
      if (iterations !== undefined && (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS || iterations > SCRAM_MAX_ITERATIONS)) {
        return `${who}: ${mechanism} iterations must be a whole number from ${SCRAM_ITERATIONS} to ${SCRAM_MAX_ITERATIONS}, as Kafka accepts, not ${iterations}`;
      }
    }
  }
  if (user.password === undefined && Object.keys(user.scram ?? {}).length === 0) return `${who} needs a password, or a SCRAM credential in scram`;
  return null;
}
