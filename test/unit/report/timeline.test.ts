// Unit tests for the timeline: the exact lines a fixed history gives, the read/db summaries, the line cap.
import { describe, it, expect } from 'vitest';
import { renderTimeline, timelineLines } from '../../../src/report/timeline.js';
import type { Op, VariantResult } from '../../../src/core/types.js';
import { results } from './fixtures.js';

const message = (id: string, seq = 0) => ({ id, key: 'k', seq, globalSeq: seq });
const observe = (at: number, id: string, where = 'log'): Op => ({ type: 'observe', at, where, partition: 0, offset: String(at), ...message(id) });

const history: Op[] = [
  { type: 'phase', at: 0, name: 'produce' },
  { type: 'send', at: 3, outcome: 'ok', ...message('a0', 0) },
  { type: 'fault', at: 12, action: 'drop-response', detail: 'Produce #3: response dropped', affected: 1 },
  { type: 'send', at: 20, outcome: 'failed', error: 'NOT_ENOUGH_REPLICAS', ...message('a1', 1) },
  { type: 'send', at: 21, outcome: 'unknown', ...message('a2', 2) },
  { type: 'send', at: 22, outcome: 'ok', attempts: 2, ...message('a3', 3) },
  { type: 'worker', at: 30, worker: 'w1', event: 'start' },
  { type: 'worker', at: 40, worker: 'w1', event: 'killed', detail: 'SIGKILL after message 5' },
  { type: 'commit', at: 50, worker: 'w2', ok: true, offsets: '0:5,1:3' },
  { type: 'commit', at: 55, worker: 'w1', ok: false, offsets: '0:7', error: 'REBALANCE_IN_PROGRESS' },
  { type: 'worker', at: 60, worker: 'relay-01', event: 'exit' },
  observe(100, 'a0'),
  observe(101, 'a3'),
  observe(102, 'a0'),
  observe(103, 'a0', 'events'),
  observe(104, 'a2'),
  { type: 'effect', at: 200, id: 'a0', copies: 2 },
  { type: 'effect', at: 200, id: 'a3', copies: 1 },
  { type: 'balance', at: 210, expected: 100, actual: 120 },
  { type: 'phase', at: 1234567, name: 'read-back', ms: 10 },
  { type: 'fault', at: 1234567, action: 'delay', detail: 'Fetch #9 held 500 ms' },
];

const variant = (extra: Partial<VariantResult> = {}): VariantResult => ({ ...results[0]!, variant: 'v', history, ...extra });

describe('timelineLines', () => {
  it('renders a fixed history line by line', () => {
    expect(timelineLines(variant())).toEqual([
      '     12 ms  fault   Produce #3: response dropped',
      '     20 ms  send    a1 failed: NOT_ENOUGH_REPLICAS',
      '     21 ms  send    a2 unknown',
      '     30 ms  w1      start',
      '     40 ms  w1      killed: SIGKILL after message 5',
      '     50 ms  w2      commit 0:5,1:3',
      '     55 ms  w1      commit REJECTED: REBALANCE_IN_PROGRESS',
      '     60 ms  relay-01 exit',
      '    100 ms  read    4 records from log, 1 extra',
      '    103 ms  read    1 record from events',
      '    200 ms  db      3 rows for 2 messages, 1 extra',
      '    210 ms  db      balance: expected 100, actual 120',
      '1234567 ms  fault   Fetch #9 held 500 ms',
    ]);
  });

  it('shows the retries of sends that failed together as one line with a count, and apart ones apart', () => {
    const retry = (at: number, attempt = 1, error = 'Connection error: read ECONNRESET'): Op => ({ type: 'retry', at, attempt, delayMs: 300, error });
    const lines = timelineLines(
      variant({
        history: [
          { type: 'fault', at: 10, action: 'drop-response', detail: 'Produce #5: response dropped', affected: 3 },
          retry(11),
          retry(11),
          retry(12),
          retry(400, 2),
          retry(900),
          retry(950, 1, 'Request Produce(key: 0, version: 7) timed out'),
        ],
      }),
    );
    expect(lines).toEqual([
      '     10 ms  fault   Produce #5: response dropped',
      '     11 ms  retry   kafkajs retries 3 sends (retry 1) in 300 ms after: Connection error: read ECONNRESET',
      '    400 ms  retry   kafkajs retries a send (retry 2) in 300 ms after: Connection error: read ECONNRESET',
      '    900 ms  retry   kafkajs retries a send (retry 1) in 300 ms after: Connection error: read ECONNRESET',
      '    950 ms  retry   kafkajs retries a send (retry 1) in 300 ms after: Request Produce(key: 0, version: 7) timed out',
    ]);
  });

  it('summarizes each read-back once, at its first record, and the database rows once', () => {
    const lines = timelineLines(variant());
    expect(lines.filter((l) => l.includes('records from log'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('from events'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(' rows for '))).toHaveLength(1);
  });

  it('does not list acknowledged sends, phases or applies', () => {
    const lines = timelineLines(variant()).join('\n');
    expect(lines).not.toContain('a0 ok');
    expect(lines).not.toContain('a3');
    expect(lines).not.toContain('produce');
    expect(lines).not.toContain('read-back');
  });

  it('says nothing about extra copies or repeated rows when there are none', () => {
    const clean: Op[] = [observe(1, 'x'), observe(2, 'y'), { type: 'effect', at: 3, id: 'x', copies: 1 }];
    expect(timelineLines(variant({ history: clean }))).toEqual([
      '      1 ms  read    2 records from log',
      '      3 ms  db      1 row for 1 message',
    ]);
  });

  it('is empty for an empty history, or one of acknowledged sends only', () => {
    expect(timelineLines(variant({ history: [] }))).toEqual([]);
    expect(timelineLines(variant({ history: [{ type: 'send', at: 1, outcome: 'ok', ...message('x') }] }))).toEqual([]);
  });

  const faults = (n: number): Op[] => Array.from({ length: n }, (_, i) => ({ type: 'fault', at: i, action: 'drop-request', detail: `#${i + 1}` }));

  it('keeps 60 lines in full', () => {
    const lines = timelineLines(variant({ history: faults(60) }));
    expect(lines).toHaveLength(60);
    expect(lines.at(-1)).toBe('     59 ms  fault   #60');
  });

  it('caps a longer timeline at 60 lines, the last saying how many it left out', () => {
    const lines = timelineLines(variant({ history: faults(61) }));
    expect(lines).toHaveLength(60);
    expect(lines[58]).toBe('     58 ms  fault   #59');
    expect(lines[59]).toBe('        … 2 more (the full history is in --out)');

    const long = timelineLines(variant({ history: faults(500) }));
    expect(long).toHaveLength(60);
    expect(long[59]).toBe('        … 441 more (the full history is in --out)');
  });

  it('counts the rows of one id split over two effect ops as one message applied twice', () => {
    const split: Op[] = [
      { type: 'effect', at: 5, id: 'x', copies: 1 },
      { type: 'effect', at: 5, id: 'x', copies: 1 },
    ];
    expect(timelineLines(variant({ history: split }))).toEqual(['      5 ms  db      2 rows for 1 message, 1 extra']);
  });
});

describe('renderTimeline', () => {
  it('heads each variant with its scenario and name, a blank line between variants', () => {
    const a = variant({ variant: 'first', history: [{ type: 'fault', at: 1, action: 'x', detail: 'one' }] });
    const b = variant({ variant: 'second', history: [] });
    const c = variant({ variant: 'third', history: [{ type: 'worker', at: 2, worker: 'w', event: 'fenced' }] });
    expect(renderTimeline([a, b, c])).toBe(
      ['demo / first', '      1 ms  fault   one', '', 'demo / second', '', 'demo / third', '      2 ms  w       fenced'].join('\n'),
    );
  });

  it('leaves out skipped variants but keeps variants that failed', () => {
    const text = renderTimeline(results);
    expect(text).toBe(['demo / baseline', 'demo / idempotent', 'demo / concurrent', 'demo / crashy'].join('\n\n'));
    expect(text).not.toContain('redis');
  });

  it('is empty when there is nothing to show', () => {
    expect(renderTimeline([])).toBe('');
    expect(renderTimeline([results[3]!])).toBe('');
  });
});
