// AlterUserScramCredentials (51): adds, replaces and deletes SCRAM credentials per user and
// mechanism while the cluster runs (kafka-configs --alter --entity-type users, an admin client's
// alter_user_scram_credentials). The client sends the salt and the salted password; the broker
// keeps only the stored and server keys derived from it, as Kafka's controller does. Kafka's rules:
// a user altered twice in one request is DUPLICATE_RESOURCE, an empty name or an iteration count
// outside 4096..16384 UNACCEPTABLE_CREDENTIAL, an unknown mechanism UNSUPPORTED_SASL_MECHANISM, a
// deletion of a credential that does not exist RESOURCE_NOT_FOUND. Needs ALTER on the cluster.

import { ErrorCode } from '../protocol/errors.ts';
import { AlterUserScramCredentialsRequest } from '../protocol/messages/AlterUserScramCredentialsRequest.ts';
import { AlterUserScramCredentialsResponse } from '../protocol/messages/AlterUserScramCredentialsResponse.ts';
import { credentialFromSaltedPassword, SCRAM_ITERATIONS, SCRAM_MAX_ITERATIONS, scramMechanismOfType, type ScramMechanism, type UserStore } from '../security/users.ts';
import { clusterDenied, SUCCESS, type Outcome } from './admin.ts';
import { defineApi } from './api.ts';

const refused = (errorCode: number, errorMessage: string): Outcome => ({ errorCode, errorMessage });

/** The mechanism a deletion or upsertion names, or why it cannot be altered. */
function checkedMechanism(name: string, type: number): ScramMechanism | Outcome {
  if (name === '') return refused(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
  return scramMechanismOfType(type) ?? refused(ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
}

export const alterUserScramCredentials = defineApi({
  request: AlterUserScramCredentialsRequest,
  response: AlterUserScramCredentialsResponse,
  versions: '0',
  handle(req, context) {
    const denied = clusterDenied(context, 'AlterUserScramCredentials', 'ALTER');
    if (denied) {
      const users = [...new Set([...req.deletions, ...req.upsertions].map((a) => a.name))].sort();
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, ...denied })) };
    }
    const store: UserStore = context.security.users;
    const errors = new Map<string, Outcome>();
    const deletions = new Map<string, ScramMechanism>();
    const upsertions = new Map<string, { mechanism: ScramMechanism; iterations: number; salt: Buffer; saltedPassword: Buffer }>();
    const twice = refused(ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
    for (const deletion of req.deletions) {
      if (errors.has(deletion.name)) continue;
      if (deletions.delete(deletion.name)) {
        errors.set(deletion.name, twice);
        continue;
      }
      const mechanism = checkedMechanism(deletion.name, deletion.mechanism);
      if (typeof mechanism !== 'string') errors.set(deletion.name, mechanism);
      else if (!store.scramCredential(deletion.name, mechanism)) errors.set(deletion.name, refused(ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist'));
      else deletions.set(deletion.name, mechanism);
    }
    for (const upsertion of req.upsertions) {
      const { name, iterations } = upsertion;
      if (errors.has(name)) continue;
      if (deletions.delete(name) || upsertions.delete(name)) {
        errors.set(name, twice);
        continue;
      }
      const mechanism = checkedMechanism(name, upsertion.mechanism);
      if (typeof mechanism !== 'string') errors.set(name, mechanism);
      else if (iterations < SCRAM_ITERATIONS) errors.set(name, refused(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations'));
      else if (iterations > SCRAM_MAX_ITERATIONS) errors.set(name, refused(ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations'));
      else upsertions.set(name, { mechanism, iterations, salt: upsertion.salt, saltedPassword: upsertion.saltedPassword });
    }
    for (const [name, mechanism] of deletions) store.deleteScram(name, mechanism);
    for (const [name, u] of upsertions) store.upsertScram(name, u.mechanism, credentialFromSaltedPassword(u.mechanism, u.saltedPassword, Buffer.from(u.salt), u.iterations));
    const results = [
      ...[...deletions.keys(), ...upsertions.keys()].map((user) => ({ user, ...SUCCESS })),
      ...[...errors].map(([user, outcome]) => ({ user, ...outcome })),
    ];
    return { throttleTimeMs: 0, results };
  },
  describe: (req) =>
    [...req.deletions.map((d) => `-${d.name}:${scramMechanismOfType(d.mechanism) ?? d.mechanism}`), ...req.upsertions.map((u) => `+${u.name}:${scramMechanismOfType(u.mechanism) ?? u.mechanism}`)].join(' '),
});
