// What each group gets from the TA: a text to read and a JSON file for its programs. The lab's
// programs read the JSON as `verifier.json` (or $VERIFIER_HANDOUT): the same code runs against the
// lab's practice server and the TA's, only this file differs.

import { CODE_MEANINGS, ALL_CODES } from './codes.ts';
import { groupPrefix, resultTopicFor, type AssignmentConfig, type GroupState, type SaslMechanism, type Topics } from './state.ts';

export interface Handout {
  assignment: string;
  group: string;
  vid: string;
  token: string;
  bootstrap: string;
  /** How to log in, or null on a cluster without SASL. */
  sasl: { mechanism: SaslMechanism; username: string; password: string } | null;
  topics: Topics;
  /** Consumer group ids and transactional ids must start with this (ACLs allow no other). */
  groupPrefix: string;
  consumerGroup: string;
  transactionalId: string;
  deadline: string | null;
}

export function handoutFor(config: AssignmentConfig, group: GroupState): Handout {
  const prefix = groupPrefix(group.vid);
  return {
    assignment: config.id,
    group: group.name,
    vid: group.vid,
    token: group.token,
    bootstrap: config.bootstrap,
    sasl: config.sasl && group.login ? { mechanism: config.sasl.mechanism, ...group.login } : null,
    topics: { ...config.topics, result: resultTopicFor(config, group.vid) },
    groupPrefix: prefix,
    consumerGroup: `${prefix}verifier`,
    transactionalId: `${prefix}verifier`,
    deadline: config.deadline ?? null,
  };
}

export function handoutText(config: AssignmentConfig, group: GroupState): string {
  const h = handoutFor(config, group);
  const login = h.sasl
    ? [`  login      SASL_PLAINTEXT, ${h.sasl.mechanism.toUpperCase()}, user ${h.sasl.username}, password ${h.sasl.password}`]
    : [];
  const lines = [
    `Transaction verifier: the handout of group "${group.name}"`,
    `Members: ${group.members.map((m) => m.text).join(', ')}`,
    '',
    `  vid        ${h.vid}`,
    `  token      ${h.token}`,
    '             keep it secret: it signs your submissions, and anyone with it',
    '             can submit as your group',
    `  bootstrap  ${h.bootstrap}`,
    ...login,
    `  topics     read ${h.topics.transaction}, write ${h.topics.submit}, read ${h.topics.result}`,
    `  group ids  consumer groups and transactional ids start with "${h.groupPrefix}",`,
    `             for instance ${h.consumerGroup}`,
    ...(h.deadline ? [`  deadline   ${h.deadline}: later submissions get code 408`] : []),
    '',
    'What to do',
    `  Read each transaction (schemas/transaction.avsc) from ${h.topics.transaction}, sign it with`,
    '  gen_signature and your token, and send {vid, txid, signature} (schemas/submit.avsc)',
    `  to ${h.topics.submit}. The server answers on ${h.topics.result} (schemas/result.avsc) with`,
    '  your vid, the txid and a code; it counts every transaction accepted (200) once.',
    '',
    '  With the kafka-lab workspace: save the JSON handout next to this one as',
    '  verifier.json at the root of your workspace, then run your verifier, e.g.',
    '    python3 transaction-verifier/python/verifier.py',
    '    node transaction-verifier/typescript/verifier.ts',
    '',
    'Codes',
    ...ALL_CODES.map((code) => `  ${code}  ${CODE_MEANINGS[code]}`),
    '',
  ];
  return lines.join('\n');
}
