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
  const login = h.sasl ? [`  login      SASL_PLAINTEXT, ${h.sasl.mechanism.toUpperCase()}`, `             user ${h.sasl.username}, password ${h.sasl.password}`] : [];
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
    ...wrap(
      `Read each transaction (schemas/transaction.avsc) from ${h.topics.transaction}, sign it with gen_signature and your token, and send {vid, txid, signature} (schemas/submit.avsc) to ${h.topics.submit}. The server answers on ${h.topics.result} (schemas/result.avsc) with your vid, the txid and a code; it counts every transaction accepted (200) once.`,
      76,
    ).map((line) => `  ${line}`),
    '',
    ...wrap(`With a kafka-lab workspace (npx kafka-lab init): save ${h.vid}.json, the other file of this handout, as verifier.json at the root of the workspace, then run your verifier, e.g.`, 76).map((line) => `  ${line}`),
    '    python3 transaction-verifier/python/verifier.py',
    '    node transaction-verifier/typescript/verifier.ts',
    '',
    '  Read results read_committed (kafka-python: isolation_level=\'read_committed\'),',
    '  and keep those with your vid and txid.',
    '',
    'gen_signature (Python; in TypeScript: gen-signature.ts of the kafka-lab lab)',
    '  import base64, hashlib, hmac, json',
    '  def gen_signature(txid, payer, payee, amount, token):',
    '      canonical = json.dumps(',
    "          {'txid': txid, 'payer': payer, 'payee': payee, 'amount': amount},",
    "          sort_keys=True, separators=(',', ':'))",
    '      digest = hmac.new(token.encode(), canonical.encode(),',
    '                        hashlib.sha256).digest()',
    '      return base64.b64encode(digest).decode()',
    '',
    'Codes',
    ...ALL_CODES.flatMap((code) => wrap(CODE_MEANINGS[code], 72).map((line, i) => `  ${i === 0 ? code : '   '}  ${line}`)),
    '',
  ];
  return lines.join('\n');
}

/** Words on lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
