// `group-left`: while the step was open, a member of the group left it — by LeaveGroup, by a
// session timeout (it stopped heartbeating: crashed, or blocked in a client that heartbeats from its
// poll loop), or by not rejoining a rebalance in time. Kafka keeps no such history, so this needs
// the lab watching the embedded cluster.

import { oneOf, text } from '../engine/lab-fields.ts';
import { defineCheck, fail, pass } from './check-kind.ts';

const REASONS = ['any', 'leave', 'session-timeout', 'rebalance-timeout'] as const;

export const groupLeft = defineCheck({
  type: 'group-left',
  needs: ['watch'],
  passes: 'a member of the group (with that client id) left it while the step was open, for `reason`',
  params: {
    group: text('the consumer group'),
    clientId: text('the client.id of the member that leaves').optional(),
    reason: oneOf(REASONS, 'leave: LeaveGroup; session-timeout: no heartbeat; rebalance-timeout: did not rejoin').default('any'),
  },
  describe: ({ group, clientId, reason }) => `a member${clientId ? ` ${clientId}` : ''} left group ${group}${reason === 'any' ? '' : ` (${reason})`}`,
  async run({ group, clientId, reason }, { step }) {
    const left = step!.groupChanges.filter((e) => e.group === group && e.change === 'member-left');
    const fits = left.filter((e) => e.change === 'member-left' && (reason === 'any' || e.reason === reason) && (!clientId || e.memberId.startsWith(`${clientId}-`)));
    const seen = left.map((e) => (e.change === 'member-left' ? `${e.memberId.slice(0, 28)} (${e.reason})` : '')).join(', ') || 'nobody left';
    const wanted = `a member${clientId ? ` with client.id ${clientId}` : ''} leaving ${group}${reason === 'any' ? '' : ` by ${reason}`}`;
    if (fits.length === 0) return fail(`no member${clientId ? ` ${clientId}` : ''} left group ${group}${reason === 'any' ? '' : ` by ${reason}`} yet`, seen, wanted);
    const first = fits[0];
    return pass(`${first.change === 'member-left' ? first.memberId.slice(0, 28) : ''} left group ${group} (${first.change === 'member-left' ? first.reason : ''})`);
  },
});
