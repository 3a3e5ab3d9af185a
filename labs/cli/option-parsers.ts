// Parsers for flag values, shared by the subcommands. They throw commander's InvalidArgumentError,
// which commander reports as one line naming the flag, and exits with code 1.

import fs from 'node:fs';
import net from 'node:net';
import { InvalidArgumentError } from 'commander';
import { invalidUser, type SaslUser } from '../../simulator/security/users.ts';

/** A whole number in min..max, written in decimal ("8", not "8.0", "0x8" or "8k"). */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const number = Number(text);
    if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

/** A user for `--users`, as the cluster takes it. */
export type UserEntry = SaslUser;

/**
 * `--users FILE`: either a JSON array of {"name", "password"?, "mechanisms"?, "scram"?} objects, or
 * one `name:password` per line (the password is everything after the first colon; blank lines and
 * lines starting with # are skipped).
 */
export function usersFile(path: string): UserEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const users = text.trimStart().startsWith('[') ? usersFromJson(text, path) : usersFromLines(text, path);
  if (users.length === 0) throw new InvalidArgumentError(`${path} lists no users.`);
  const seen = new Set<string>();
  for (const user of users) {
    if (seen.has(user.name)) throw new InvalidArgumentError(`${path} lists user "${user.name}" twice.`);
    seen.add(user.name);
  }
  return users;
}

function usersFromLines(text: string, path: string): UserEntry[] {
  const users: UserEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0 || colon === line.length - 1) throw new InvalidArgumentError(`${path} line ${i + 1}: expected name:password.`);
    users.push({ name: line.slice(0, colon), password: line.slice(colon + 1) });
  });
  return users;
}

function usersFromJson(text: string, path: string): UserEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${path} is not valid JSON: ${(error as Error).message}.`);
  }
  return (parsed as unknown[]).map((entry, i) => {
    const user = entry as SaslUser | null;
    // The cluster's own check, so the file and startCluster's users agree on what a user is.
    const problem = user === null || typeof user !== 'object' || Array.isArray(user) ? 'expected an object like {"name": "…", "password": "…"}' : invalidUser(user);
    if (problem) throw new InvalidArgumentError(`${path} entry ${i + 1}: ${problem}.`);
    const { name, password, mechanisms, scram } = user!;
    return { name, ...(password !== undefined && { password }), ...(mechanisms && { mechanisms }), ...(scram && { scram }) };
  });
}

/** A comma-separated list of user names ("alice" or "User:alice"). */
export function nameList(value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new InvalidArgumentError('Expected comma-separated names, like alice,bob.');
  return names;
}

/** A scenario file for `--scenario`: its path and text, read now so a missing file is a flag error. */
export interface ScenarioFile {
  path: string;
  text: string;
}

export function scenarioFile(path: string): ScenarioFile {
  try {
    return { path, text: fs.readFileSync(path, 'utf8') };
  } catch (error) {
    throw new InvalidArgumentError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

/** A comma-separated list of ports ("9092,9093,19094"), each 0 to 65535. */
export function portList(value: string): number[] {
  const port = integerIn(0, 65535);
  const items = value.split(',').map((p) => p.trim());
  if (items.some((p) => p === '')) throw new InvalidArgumentError('Expected comma-separated ports, like 9092,9093,19094.');
  try {
    return items.map(port);
  } catch {
    throw new InvalidArgumentError(`Expected comma-separated ports from 0 to 65535, like 9092,9093,19094; got "${value}".`);
  }
}

/** A host name or IP address to listen on or advertise ("localhost", "10.88.0.1", "0.0.0.0", "::1"). */
export function hostName(value: string): string {
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (host === '' || /[\s/,]/.test(host) || (host.includes(':') && !net.isIPv6(host))) {
    throw new InvalidArgumentError(`Expected a host name or an IP address without a port, like localhost or 10.88.0.1; got "${value}".`);
  }
  return host;
}
