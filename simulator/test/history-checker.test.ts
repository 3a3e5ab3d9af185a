// The history checker's rules on hand-made histories: what counts as lost, duplicated, reordered
// or read and then truncated, and how the report reads in 80 columns with and without colour.
// (fault-campaign.test.ts runs it on histories recorded from real clients.)

import { describe, expect, it } from 'vitest';
import { checkHistory, formatReport, recordText, shouldColor, type AcknowledgedWrite, type ConsumedRecord, type FinalLog, type History } from '../history/index.ts';

let sequence = 0;
const ack = (offset: number, value: string, extra: Partial<AcknowledgedWrite> = {}): AcknowledgedWrite => ({
  topic: 'orders',
  partition: 0,
  offset,
  key: null,
  value,
  acks: -1,
  clientId: 'producer-1',
  brokerId: 1,
  sequence: sequence++,
  time: 0,
  ...extra,
});
const read = (offset: number, value: string, extra: Partial<ConsumedRecord> = {}): ConsumedRecord => ({
  topic: 'orders',
  partition: 0,
  offset,
  key: null,
  value,
  consumer: 'group-1',
  sequence: sequence++,
  time: 0,
  ...extra,
});
const finalLog = (values: string[], extra: Partial<FinalLog> = {}): FinalLog => ({
  topic: 'orders',
  partition: 0,
  logStartOffset: 0,
  highWatermark: values.length,
  records: values.map((value, offset) => ({ offset, key: null, value })),
  ...extra,
});
const history = (h: Partial<History>): History => ({ acknowledged: [], consumed: [], truncations: [], ...h });

describe('skipped records', () => {
  it('are the records below a consumer\'s committed offset that it never read, and fail the verdict', () => {
    const values = ['a', 'b', 'c', 'd', 'e'];
    const history: History = {
      acknowledged: [],
      consumed: [read(0, 'a'), read(1, 'b')],
      truncations: [],
      positions: [{ consumer: 'group-1', topic: 'orders', partition: 0, offset: 4 }],
    };
    const report = checkHistory(history, [finalLog(values)]);
    expect(report.ok).toBe(false);
    expect(report.verdict).toBe('FAIL: 2 records skipped');
    expect(report.findings.map((f) => [f.kind, f.offset, f.value])).toEqual([
      ['skipped', 2, 'c'],
      ['skipped', 3, 'd'],
    ]);
    expect(report.findings[0].detail).toBe("below group-1's committed offset 4, never read by it");
    // Without positions, nothing is skipped: a consumer that has not got that far is not at fault.
    expect(checkHistory({ ...history, positions: undefined }, [finalLog(values)]).ok).toBe(true);
  });
});

describe('the history checker', () => {
  it('passes a history whose acknowledged writes and reads all match the final log', () => {
    const report = checkHistory(history({ acknowledged: [ack(0, 'a'), ack(1, 'b')], consumed: [read(0, 'a'), read(1, 'b')] }), [finalLog(['a', 'b'])]);
    expect(report).toMatchObject({ ok: true, acknowledged: 2, consumed: 2, partitions: 1, findings: [] });
    expect(report.verdict).toBe('PASS: no acknowledged write lost, nothing reordered, nothing read was truncated');
  });

  it('finds an acknowledged write lost when its offset is gone or holds another record, and says which broker truncated it', () => {
    const truncations = [{ topic: 'orders', partition: 0, brokerId: 2, offset: 1, records: 2, time: 0 }];
    const report = checkHistory(history({ acknowledged: [ack(0, 'a'), ack(1, 'b', { acks: 1, brokerId: 2 }), ack(2, 'c')], truncations }), [finalLog(['a', 'x'])]);
    expect(report.ok).toBe(false);
    expect(report.verdict).toBe('FAIL: 2 acknowledged writes lost');
    expect(report.findings.map((f) => [f.kind, f.offset, f.detail])).toEqual([
      ['lost', 1, 'acks=1 by broker 2; offset now holds "x"; truncated on broker 2'],
      ['lost', 2, 'acks=all by broker 1; no longer in the log; truncated on broker 2'],
    ]);
  });

  it('does not count records that retention removed below the log start offset as lost', () => {
    const report = checkHistory(history({ acknowledged: [ack(0, 'a'), ack(1, 'b')] }), [finalLog(['a', 'b'], { logStartOffset: 1, records: [{ offset: 1, key: null, value: 'b' }] })]);
    expect(report.ok).toBe(true);
  });

  it('reports writes stored twice and records read twice as duplicates, which do not fail the verdict', () => {
    const report = checkHistory(history({ acknowledged: [ack(1, 'a')], consumed: [read(0, 'a'), read(0, 'a'), read(1, 'a')] }), [finalLog(['a', 'a'])]);
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => f.detail)).toEqual(['stored at offsets 0, 1', 'read 2 times by group-1']);
    expect(report.counts.duplicate).toBe(2);
  });

  it('finds writes one client had acknowledged in one order but that sit in the log in another', () => {
    const report = checkHistory(history({ acknowledged: [ack(1, 'first'), ack(0, 'second')] }), [finalLog(['second', 'first'])]);
    expect(report.verdict).toBe('FAIL: 1 record reordered');
    expect(report.findings[0]).toMatchObject({ kind: 'reordered', offset: 0, value: 'second' });
    // Two clients sending at the same time have no order between them.
    const concurrent = checkHistory(history({ acknowledged: [ack(1, 'first'), ack(0, 'second', { clientId: 'producer-2' })] }), [finalLog(['second', 'first'])]);
    expect(concurrent.ok).toBe(true);
  });

  it('finds a record a consumer skipped and read later, but not a rewind to records it had read', () => {
    const skipped = checkHistory(history({ consumed: [read(0, 'a'), read(2, 'c'), read(1, 'b')] }), [finalLog(['a', 'b', 'c'])]);
    expect(skipped.findings.map((f) => [f.kind, f.offset])).toEqual([['reordered', 1]]);
    const rewound = checkHistory(history({ consumed: [read(0, 'a'), read(1, 'b'), read(0, 'a'), read(1, 'b')] }), [finalLog(['a', 'b'])]);
    expect(rewound.ok).toBe(true);
  });

  it('finds records that were read and then truncated away', () => {
    const report = checkHistory(history({ consumed: [read(0, 'a'), read(1, 'ghost')] }), [finalLog(['a'])]);
    expect(report.verdict).toBe('FAIL: 1 record read and then truncated');
    expect(report.findings[0]).toMatchObject({ kind: 'read-truncated', offset: 1, detail: 'read by group-1; no longer in the log' });
  });

  it('reports writes to a partition that is offline at the end as lost, saying so', () => {
    const report = checkHistory(history({ acknowledged: [ack(0, 'a')] }), [finalLog([], { records: null })]);
    expect(report.findings[0].detail).toBe('acks=all by broker 1; partition offline');
  });
});

describe('the report', () => {
  const lossy = checkHistory(
    history({
      acknowledged: Array.from({ length: 30 }, (_, i) => ack(i, `a value long enough to be cut ${i}`, { topic: 'a-topic-name-that-is-far-too-long-for-the-table' })),
    }),
    [{ ...finalLog([]), topic: 'a-topic-name-that-is-far-too-long-for-the-table' }],
  );

  it('fits 80 columns, keeps partition and offset when it shortens a topic, and ends with how many rows were left out', () => {
    const text = formatReport(lossy);
    const lines = text.split('\n');
    expect(lines[0]).toBe('FAIL: 30 acknowledged writes lost');
    expect(lines[1]).toBe('30 writes acknowledged, 0 records read, on 1 partition');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toMatch(/^kind +record +value +what happened$/m);
    expect(text).toMatch(/^lost +a-topic-name-that-\S*…\[0\]@0 +"a value lo…/m);
    expect(lines.at(-1)).toBe('… and 10 more');
    expect(text).not.toContain('\x1b[');
  });

  it('colours the verdict and the kinds only when asked, and NO_COLOR turns colour off for a terminal', () => {
    expect(formatReport(lossy, { color: true })).toContain('\x1b[31mFAIL');
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
  });

  it('shows keys and values as text, and bytes that are not UTF-8 as hex', () => {
    expect(recordText(Buffer.from('héllo'))).toBe('héllo');
    expect(recordText(Buffer.from([0xff, 0x00]))).toBe('hex:ff00');
    expect(recordText(null)).toBeNull();
  });
});
