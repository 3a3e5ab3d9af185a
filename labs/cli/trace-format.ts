// `kafka-lab broker --trace`: one readable line per cluster event, in columns that fit 80
// characters — who (broker, client), what (API and version, or what happened), the detail, and
// for a request its outcome and how long the broker took:
//
//   b1  kafkajs        Produce v7     sample[0] acks=-1                   NONE 0.4ms
//   b2  kafkajs        disconnected   #7 127.0.0.1:50412

import type { ClusterEvent } from '../../simulator/index.ts';

export interface TraceStyle {
  /** ANSI colours; see `shouldColor`. */
  color: boolean;
  /** The line width to fit requests in; details are cut with "…" beyond it. */
  width: number;
}

const SOURCE_WIDTH = 3; // "b1", "b16"
const CLIENT_WIDTH = 14;
const WHAT_WIDTH = 14;
const MIN_DETAIL_WIDTH = 12;

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2 } as const;
type Colour = keyof typeof ANSI;

/** Colour only for a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** "0.4ms", "13ms", "1.5s": precise where it is small, short where it is not. */
export function formatDuration(ms: number): string {
  // The bounds are where rounding would carry into the next form ("10.0ms", "1000ms").
  if (ms < 9.95) return `${ms.toFixed(1)}ms`;
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Cuts `text` to `width` characters, marking the cut with "…". */
export function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Turns cluster events into trace lines. It remembers each connection's client id, so a
 * disconnect names the client that was on it; events it has no line for give null.
 */
export class TraceFormatter {
  private readonly clients = new Map<number, string>();

  constructor(private readonly style: TraceStyle = { color: false, width: 80 }) {}

  format(event: ClusterEvent): string | null {
    switch (event.type) {
      case 'request-handled': {
        if (event.clientId) this.clients.set(event.connectionId, event.clientId);
        const failed = event.errors.some((e) => e !== 'NONE');
        const outcome = this.paint(event.errors.join(','), failed ? 'red' : 'green');
        const took = this.paint(formatDuration(event.durationMs), 'dim');
        const prefix = this.prefix(`b${event.brokerId}`, event.clientId ?? '-', `${event.api} v${event.version}`);
        const suffixWidth = 1 + event.errors.join(',').length + 1 + formatDuration(event.durationMs).length;
        const detailWidth = Math.max(MIN_DETAIL_WIDTH, this.style.width - prefix.width - suffixWidth);
        return `${prefix.text}${fit(event.summary, detailWidth).padEnd(detailWidth)} ${outcome} ${took}`;
      }
      case 'client-connected':
        return this.line(`b${event.brokerId}`, '-', 'connected', `#${event.connectionId} ${event.address}`, 'dim');
      case 'client-disconnected': {
        const client = this.clients.get(event.connectionId) ?? '-';
        this.clients.delete(event.connectionId);
        return this.line(`b${event.brokerId}`, client, 'disconnected', `#${event.connectionId} ${event.address}`, 'dim');
      }
      case 'request-rejected': {
        const client = this.clients.get(event.connectionId) ?? '-';
        return this.line(`b${event.brokerId}`, client, 'rejected', `#${event.connectionId} closed: ${event.reason}`, 'red');
      }
      case 'topic-created':
        return this.line('--', 'controller', 'topic created', `${event.topic} partitions=${event.partitions} rf=${event.replicationFactor}`, 'yellow');
      case 'topic-deleted':
        return this.line('--', 'controller', 'topic deleted', event.topic, 'yellow');
      case 'partitions-created':
        return this.line('--', 'controller', 'partitions', `${event.topic} now has ${event.partitions}`, 'yellow');
      case 'topic-config-changed': {
        const configs = Object.entries(event.configs).map(([name, value]) => `${name}=${value}`).join(' ');
        return this.line('--', 'controller', 'configs set', `${event.topic} ${configs || '(all defaults)'}`, 'yellow');
      }
      case 'records-deleted':
        return this.line('--', 'controller', 'records gone', `${event.topic}[${event.partition}] start=${event.logStartOffset}`, 'yellow');
      case 'group-changed':
        return this.line('--', 'coordinator', `group ${groupVerb(event)}`, `${event.group} ${groupDetail(event)}`, 'yellow');
      case 'broker-state-changed':
        return this.line(`b${event.brokerId}`, 'faults', event.how, `broker ${event.brokerId} is ${event.state}`, event.state === 'up' ? 'green' : 'red');
      case 'broker-fenced':
        return this.line('--', 'controller', 'fenced', `broker ${event.brokerId}`, 'red');
      case 'leader-changed':
        return this.line(
          '--',
          'controller',
          event.reason === 'unclean' ? 'unclean leader' : 'new leader',
          `${event.topic}[${event.partition}] ${event.previousLeader} -> ${event.leader} epoch=${event.leaderEpoch} isr=${event.isr.join(',')}`,
          event.reason === 'unclean' || event.leader === -1 ? 'red' : 'yellow',
        );
      case 'isr-changed':
        return this.line('--', 'controller', 'isr', `${event.topic}[${event.partition}] isr=${event.isr.join(',')}`, 'yellow');
      case 'reassignment-changed': {
        const moving = event.state === 'started' ? ` adding=${event.adding.join(',') || '-'} removing=${event.removing.join(',') || '-'}` : '';
        return this.line('--', 'controller', `reassignment ${event.state}`, `${event.topic}[${event.partition}] replicas=${event.replicas.join(',')}${moving}`, 'yellow');
      }
      case 'log-truncated':
        return this.line(`b${event.brokerId}`, 'replica', 'truncated', `${event.topic}[${event.partition}] -${event.records} from offset ${event.offset}`, 'red');
      case 'network-changed':
        return this.line('--', 'faults', 'network', event.cut.length ? `cut ${event.cut.map(([a, b]) => `${a}-${b}`).join(' ')}` : 'healed', 'yellow');
      case 'fault-fired':
        return this.line(`b${event.brokerId}`, event.clientId ?? '-', `fault ${event.fault}`, event.ruleName ?? event.source, 'red');
      case 'log-cleaned':
        return this.line('--', 'log cleaner', 'cleaned', cleanedDetail(event), 'yellow');
      case 'group-deleted':
        return this.line('--', 'coordinator', 'group deleted', event.group, 'yellow');
      case 'transaction-completed':
        return this.line('--', 'coordinator', `txn ${event.outcome}`, `${event.transactionalId} producer=${event.producerId}`, event.outcome === 'commit' ? 'green' : 'red');
      default:
        // Appends and commits are already told by their Produce and OffsetCommit lines.
        return null;
    }
  }

  private prefix(source: string, client: string, what: string): { text: string; width: number } {
    const columns = [source.padEnd(SOURCE_WIDTH), fit(client, CLIENT_WIDTH).padEnd(CLIENT_WIDTH), what.padEnd(WHAT_WIDTH)];
    const plain = `${columns.join(' ')} `;
    return { text: `${this.paint(columns[0], 'cyan')} ${columns[1]} ${columns[2]} `, width: plain.length };
  }

  private line(source: string, client: string, what: string, detail: string, colour: Colour): string {
    const prefix = this.prefix(source, client, what);
    return prefix.text + this.paint(fit(detail, Math.max(MIN_DETAIL_WIDTH, this.style.width - prefix.width)), colour);
  }

  private paint(text: string, colour: Colour): string {
    return this.style.color ? `\x1b[${ANSI[colour]}m${text}\x1b[0m` : text;
  }
}

type GroupEvent = Extract<ClusterEvent, { type: 'group-changed' }>;

function groupVerb(event: GroupEvent): string {
  switch (event.change) {
    case 'member-joined':
      return 'join';
    case 'member-left':
      return 'leave';
    case 'rebalance-started':
      return 'rebalance';
    case 'rebalance-completed':
      return 'generation';
    case 'stable':
      return 'stable';
  }
}

function groupDetail(event: GroupEvent): string {
  switch (event.change) {
    case 'member-joined':
      return `+${event.memberId}`;
    case 'member-left':
      return `-${event.memberId} (${event.reason})`;
    case 'rebalance-started':
      return event.reason;
    case 'rebalance-completed':
      return `${event.generationId}: ${event.members.length} member(s)${event.protocol ? `, ${event.protocol}` : ''}`;
    case 'stable':
      return `generation ${event.generationId}`;
  }
}

function cleanedDetail(event: Extract<ClusterEvent, { type: 'log-cleaned' }>): string {
  const removed = [
    event.deleted.records > 0 ? `-${event.deleted.records} expired` : '',
    event.compacted.records > 0 ? `-${event.compacted.records} compacted` : '',
  ].filter(Boolean);
  return `${event.topic}[${event.partition}] ${removed.join(' ')} start=${event.logStartOffset}`;
}
