import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../../simulator/index.ts';
import { fit, formatDuration, shouldColor, TraceFormatter } from '../cli/trace-format.ts';

const request = (overrides: Partial<Extract<ClusterEvent, { type: 'request-handled' }>> = {}): ClusterEvent => ({
  type: 'request-handled',
  brokerId: 1,
  connectionId: 7,
  clientId: 'kafkajs',
  api: 'Produce',
  apiKey: 0,
  version: 7,
  summary: 'sample[0] acks=-1',
  errors: ['NONE'],
  durationMs: 0.42,
  ...overrides,
});

const ESC = '\x1b[';

describe('trace lines', () => {
  it('puts broker, client, API and version, summary, outcome and time on one 80-column line', () => {
    const line = new TraceFormatter().format(request())!;
    expect(line).toMatch(/^b1  kafkajs        Produce v7     sample\[0\] acks=-1 +NONE 0\.4ms$/);
    expect(line).toHaveLength(80);
  });

  it('cuts a long summary and a long client id with an ellipsis to stay within the width', () => {
    const summary = Array.from({ length: 30 }, (_, i) => `topic-${i}[0,1,2]`).join(' ');
    const line = new TraceFormatter().format(request({ summary, clientId: 'a-very-long-client-id-indeed', api: 'Fetch', version: 12 }))!;
    expect(line).toHaveLength(80);
    expect(line).toMatch(/^b1  a-very-long-c… Fetch v12      topic-0\[0,1,2\] .*… NONE 0\.4ms$/);
  });

  it('names every error in the response and shows a missing client id as "-"', () => {
    const line = new TraceFormatter().format(request({ clientId: null, errors: ['NOT_LEADER_OR_FOLLOWER', 'UNKNOWN_TOPIC_OR_PARTITION'], durationMs: 12.6 }))!;
    expect(line).toMatch(/^b1  -  +Produce v7 +sa.* NOT_LEADER_OR_FOLLOWER,UNKNOWN_TOPIC_OR_PARTITION 13ms$/);
  });

  it('colours outcomes only when asked to', () => {
    const failed = request({ errors: ['CORRUPT_MESSAGE'] });
    expect(new TraceFormatter({ color: false, width: 80 }).format(failed)).not.toContain(ESC);
    const coloured = new TraceFormatter({ color: true, width: 80 }).format(failed)!;
    expect(coloured).toContain(`${ESC}31mCORRUPT_MESSAGE${ESC}0m`);
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toHaveLength(80);
  });

  it('names the client of a connection when it disconnects, learnt from its requests', () => {
    const formatter = new TraceFormatter();
    expect(formatter.format({ type: 'client-connected', brokerId: 2, connectionId: 9, address: '127.0.0.1:5000' })).toMatch(
      /^b2  -  +connected +#9 127\.0\.0\.1:5000$/,
    );
    formatter.format(request({ brokerId: 2, connectionId: 9, clientId: 'rdkafka' }));
    expect(formatter.format({ type: 'client-disconnected', brokerId: 2, connectionId: 9, address: '127.0.0.1:5000' })).toMatch(
      /^b2  rdkafka +disconnected +#9 127\.0\.0\.1:5000$/,
    );
  });

  it('tells of rejected frames and topic changes, and leaves appends to their Produce line', () => {
    const formatter = new TraceFormatter();
    expect(formatter.format({ type: 'request-rejected', brokerId: 1, connectionId: 3, reason: 'unknown API key 999' })).toMatch(
      /^b1  -  +rejected +#3 closed: unknown API key 999$/,
    );
    expect(formatter.format({ type: 'topic-created', topic: 'orders', partitions: 3, replicationFactor: 2 })).toMatch(
      /^-- +controller +topic created +orders partitions=3 rf=2$/,
    );
    const appended: ClusterEvent = { type: 'records-appended', topic: 'orders', partition: 0, brokerId: 1, baseOffset: 0, lastOffset: 4, recordCount: 5, bytes: 100, producerId: -1 };
    expect(formatter.format(appended)).toBeNull();
  });
});

describe('trace helpers', () => {
  it.each([
    [0.42, '0.4ms'],
    [9.96, '10ms'],
    [999.7, '1.0s'],
    [12.6, '13ms'],
    [1500, '1.5s'],
  ])('formats %f ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('fits text to a width, marking a cut', () => {
    expect(fit('short', 10)).toBe('short');
    expect(fit('exactly-10', 10)).toBe('exactly-10');
    expect(fit('longer than ten', 10)).toBe('longer th…');
  });

  it('colours only a terminal, and never when NO_COLOR is set', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    // https://no-color.org: only a non-empty NO_COLOR turns colour off.
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
});

describe('group and transaction lines', () => {
  const formatter = new TraceFormatter({ color: false, width: 80 });

  it('tells a rebalance in the group coordinator', () => {
    const line = formatter.format({
      type: 'group-changed',
      group: 'my-group',
      state: 'CompletingRebalance',
      generationId: 3,
      change: 'rebalance-completed',
      protocol: 'range',
      members: ['a', 'b'],
    });
    expect(line).toContain('group generation');
    expect(line).toContain('my-group 3: 2 member(s), range');
    expect(line!.length).toBeLessThanOrEqual(80);
  });

  it('names a member that timed out', () => {
    const line = formatter.format({ type: 'group-changed', group: 'g', state: 'PreparingRebalance', generationId: 1, change: 'member-left', memberId: 'consumer-1', reason: 'session-timeout' });
    expect(line).toContain('-consumer-1 (session-timeout)');
  });

  it('tells how a transaction ended', () => {
    expect(formatter.format({ type: 'transaction-completed', transactionalId: 'tx-1', producerId: 4, outcome: 'abort' })).toContain('txn abort');
  });
});

describe('log cleaner lines', () => {
  it('say what retention and compaction removed and where the log now starts', () => {
    const line = new TraceFormatter({ color: false, width: 80 }).format({
      type: 'log-cleaned',
      topic: 'sensors',
      partition: 2,
      deleted: { segments: 1, records: 3, bytes: 200, reasons: ['retention.ms'] },
      compacted: { records: 4, bytes: 300, tombstones: 1 },
      logStartOffset: 3,
      logEndOffset: 20,
      sizeInBytes: 900,
      segments: 2,
    });
    expect(line).toContain('sensors[2] -3 expired -4 compacted start=3');
  });
});

describe('failure lines', () => {
  const formatter = new TraceFormatter({ color: false, width: 80 });

  it('tell an unclean election with the old and new leader', () => {
    const line = formatter.format({ type: 'leader-changed', topic: 'orders', partition: 0, leader: 2, previousLeader: 1, leaderEpoch: 3, isr: [2], reason: 'unclean' });
    expect(line).toContain('unclean leader');
    expect(line).toContain('orders[0] 1 -> 2 epoch=3 isr=2');
  });

  it('tell what a truncation cost', () => {
    expect(formatter.format({ type: 'log-truncated', topic: 'orders', partition: 0, brokerId: 1, offset: 5, records: 2 })).toContain('orders[0] -2 from offset 5');
  });

  it('tell a split and its healing', () => {
    expect(formatter.format({ type: 'network-changed', cut: [['1', '2']] })).toContain('cut 1-2');
    expect(formatter.format({ type: 'network-changed', cut: [] })).toContain('healed');
  });
});
