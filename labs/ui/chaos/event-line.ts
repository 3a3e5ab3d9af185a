// The chaos screen's event feed: one short line per event that changes the picture — brokers
// going and coming, the controller, the network, leaders, ISRs, truncations, groups. Requests,
// appends and connections are left out (the trace of `kafka-lab broker --trace` has those), and
// so are Kafka's own topics, whose fifty partitions would drown everything else.

import type { TimedEvent } from '../../../simulator/index.ts';

export type Tone = 'ok' | 'bad' | 'warn' | 'accent' | 'muted';

export interface FeedLine {
  time: number;
  text: string;
  tone?: Tone;
}

const internal = (topic: string) => topic.startsWith('__');
const list = (ids: number[]) => (ids.length === 0 ? 'none' : ids.join(','));

/** "12:03:04" in local time. */
export function clock(time: number): string {
  const d = new Date(time);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** "1–2, clients–3" from the network's cut links: clients first, brokers in id order. */
export function cutText(cut: [string, string][]): string {
  const rank = (node: string) => (node === 'clients' ? -1 : Number(node));
  return cut
    .map((pair) => [...pair].sort((a, b) => rank(a) - rank(b)))
    .sort(([a1, b1], [a2, b2]) => rank(a1) - rank(a2) || rank(b1) - rank(b2))
    .map(([a, b]) => `${a}–${b}`)
    .join(', ');
}

export function feedLine(event: TimedEvent): FeedLine | null {
  const line = (text: string, tone?: Tone): FeedLine => ({ time: event.time, text, tone });
  switch (event.type) {
    case 'broker-state-changed':
      return line(`broker ${event.brokerId} ${event.how}`, event.state === 'up' ? 'ok' : event.state === 'paused' ? 'warn' : 'bad');
    case 'broker-fenced':
      return line(`broker ${event.brokerId} fenced by the controller`, 'warn');
    case 'broker-unfenced':
      return line(`broker ${event.brokerId} back in the cluster`, 'ok');
    case 'controller-changed':
      return line(event.controllerId < 0 ? 'no controller: every broker is down' : `controller is now broker ${event.controllerId}`, 'accent');
    case 'network-changed':
      return event.cut.length === 0 ? line('network healed', 'ok') : line(`links cut: ${cutText(event.cut)}`, 'warn');
    case 'leader-changed': {
      if (internal(event.topic)) return null;
      const where = `${event.topic}[${event.partition}]`;
      if (event.leader < 0) return line(`${where} OFFLINE: no in-sync replica can lead`, 'bad');
      const from = event.previousLeader < 0 ? 'offline' : String(event.previousLeader);
      const why = event.reason === 'unclean' ? 'UNCLEAN election' : event.reason.replace('-', ' ');
      return line(`${where} leader ${from} → ${event.leader} (${why}, epoch ${event.leaderEpoch})`, event.reason === 'unclean' ? 'bad' : 'accent');
    }
    case 'isr-changed':
      return internal(event.topic) ? null : line(`${event.topic}[${event.partition}] ISR now ${list(event.isr)}`, 'warn');
    case 'log-truncated':
      return internal(event.topic)
        ? null
        : line(`${event.topic}[${event.partition}] broker ${event.brokerId} truncated ${event.records} record${event.records === 1 ? '' : 's'} from offset ${event.offset}`, 'bad');
    case 'topic-created':
      return internal(event.topic) ? null : line(`topic ${event.topic} created: ${event.partitions} partition${event.partitions === 1 ? '' : 's'}, replication factor ${event.replicationFactor}`);
    case 'topic-deleted':
      return line(`topic ${event.topic} deleted`);
    case 'group-changed':
      return line(`group ${event.group} ${groupChange(event)}`, event.change === 'member-left' ? 'warn' : undefined);
    default:
      return null;
  }
}

function groupChange(event: Extract<TimedEvent, { type: 'group-changed' }>): string {
  switch (event.change) {
    case 'member-joined':
      return `+ ${event.clientId}`;
    case 'member-left':
      return `- ${event.memberId} (${event.reason})`;
    case 'rebalance-started':
      return 'rebalancing';
    case 'rebalance-completed':
      return `generation ${event.generationId}: ${event.members.length} member${event.members.length === 1 ? '' : 's'}`;
    case 'stable':
      return 'stable';
  }
}
