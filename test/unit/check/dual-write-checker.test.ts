// Unit tests for the dual-write checker: database rows vs. events per message id, hand-built and as properties.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkDualWrite, type DualWriteCounts } from '../../../src/check/dual-write-checker.js';
import type { Op, SendOutcome } from '../../../src/core/types.js';

let clock = 0;
const send = (id: string, outcome: SendOutcome = 'ok'): Op => ({ type: 'send', at: clock++, outcome, id, key: 'k', seq: 0, globalSeq: 0 });
const row = (id: string, copies = 1): Op => ({ type: 'effect', at: clock++, id, copies });
let nextOffset = 0;
const event = (id: string, where = 'events'): Op => ({
  type: 'observe',
  at: clock++,
  where,
  partition: 0,
  offset: String(nextOffset++),
  id,
  key: 'k',
  seq: 0,
  globalSeq: 0,
});

const ZERO: DualWriteCounts = {
  messages: 0,
  effects: 0,
  duplicateEffects: 0,
  observed: 0,
  duplicates: 0,
  missingEvents: 0,
  disagreements: 0,
  lost: 0,
};

describe('checkDualWrite: hand-built histories', () => {
  it('counts nothing for an empty history', () => {
    expect(checkDualWrite([])).toEqual(ZERO);
  });

  it('finds no disagreement when every message has one row and one event', () => {
    const ops: Op[] = [send('a'), send('b'), send('c'), row('a'), row('b'), row('c'), event('c'), event('a'), event('b')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 3, effects: 3, observed: 3 });
  });

  it('counts a row without an event as a missing event and a disagreement', () => {
    const ops: Op[] = [send('a'), send('b'), row('a'), row('b'), event('a')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 2, effects: 2, observed: 1, missingEvents: 1, disagreements: 1 });
  });

  it('counts a duplicated row with one event as a disagreement, not a missing event', () => {
    const ops: Op[] = [send('a'), send('b'), row('a', 2), row('b'), event('a'), event('b')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 2, effects: 3, duplicateEffects: 1, observed: 2, disagreements: 1 });
  });

  it('counts duplicated events against one row as a disagreement and as duplicates', () => {
    const ops: Op[] = [send('a'), send('b'), row('a'), row('b'), event('a'), event('a'), event('a'), event('b')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 2, effects: 2, observed: 4, duplicates: 2, disagreements: 1 });
  });

  it('counts an event without a row as a disagreement, not a missing event', () => {
    const ops: Op[] = [send('a'), event('a')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 1, observed: 1, disagreements: 1 });
  });

  it('counts a message in neither the database nor the topic as lost (zero rows and zero events agree)', () => {
    const ops: Op[] = [send('a'), send('b'), row('a'), event('a')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 2, effects: 1, observed: 1, lost: 1 });
  });

  it('sums the rows of one id over several effect ops', () => {
    const split: Op[] = [send('a'), row('a'), row('a'), event('a')];
    expect(checkDualWrite(split)).toEqual({ ...ZERO, messages: 1, effects: 2, duplicateEffects: 1, observed: 1, disagreements: 1 });
    // Two rows, two events: they agree.
    expect(checkDualWrite([...split, event('a')])).toEqual({
      ...ZERO,
      messages: 1,
      effects: 2,
      duplicateEffects: 1,
      observed: 2,
      duplicates: 1,
    });
  });

  it('counts only acknowledged sends as messages', () => {
    const ops: Op[] = [send('a'), send('b', 'failed'), send('c', 'unknown'), row('b'), row('c'), event('c')];
    // b and c are not messages: their rows and events still count as effects and observed, never as disagreements.
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 1, effects: 2, observed: 1, lost: 1 });
  });

  it('reads only the events at the requested `where`', () => {
    const ops: Op[] = [send('a'), row('a'), event('a', 'log'), event('a', 'outbox'), event('a', 'outbox')];
    expect(checkDualWrite(ops)).toEqual({ ...ZERO, messages: 1, effects: 1, missingEvents: 1, disagreements: 1 });
    expect(checkDualWrite(ops, 'log')).toEqual({ ...ZERO, messages: 1, effects: 1, observed: 1 });
    expect(checkDualWrite(ops, 'outbox')).toEqual({ ...ZERO, messages: 1, effects: 1, observed: 2, duplicates: 1, disagreements: 1 });
  });

  it('ignores every other kind of operation', () => {
    const noise: Op[] = [
      { type: 'fault', at: 1, action: 'drop-response', detail: 'Produce #3' },
      { type: 'phase', at: 2, name: 'read-back', ms: 10 },
      { type: 'commit', at: 3, worker: 'w1', ok: true, offsets: '0:5' },
      { type: 'snapshot', at: 4, worker: 'w1', moment: 'crash', applied: 1, appliedNotCommitted: 1, committedNotApplied: 0, remainingInBatch: 2 },
      { type: 'worker', at: 6, worker: 'w1', event: 'killed' },
    ];
    const base: Op[] = [send('a'), send('b'), row('a', 2), event('a'), event('b')];
    expect(checkDualWrite([...noise, ...base, ...noise])).toEqual(checkDualWrite(base));
  });

  it('counts a message whose only effect op has zero copies, and no event, as lost', () => {
    const counts = checkDualWrite([send('a'), row('a', 0)]);
    expect(counts.disagreements).toBe(0);
    expect(counts.lost).toBe(1);
  });
});

// ---- Properties ----

interface Generated {
  outcomes: SendOutcome[];
  /** Per message index: rows split over effect ops (each entry one op's copies). */
  rows: number[][];
  /** Indices into the messages, in read order; repeats are duplicate events. */
  reads: number[];
}

const generated: fc.Arbitrary<Generated> = fc
  .array(fc.constantFrom<SendOutcome>('ok', 'ok', 'ok', 'unknown', 'failed'), { maxLength: 20 })
  .chain((outcomes) =>
    fc.record({
      outcomes: fc.constant(outcomes),
      rows: fc.array(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), { minLength: outcomes.length, maxLength: outcomes.length }),
      reads: outcomes.length === 0 ? fc.constant<number[]>([]) : fc.array(fc.nat(outcomes.length - 1), { maxLength: 30 }),
    }),
  );

const historyOf = (g: Generated): Op[] => [
  ...g.outcomes.map((o, i) => send(`m${i}`, o)),
  ...g.rows.flatMap((copies, i) => copies.map((c) => row(`m${i}`, c))),
  ...g.reads.map((i) => event(`m${i}`)),
];

describe('checkDualWrite: properties', () => {
  it('never has more disagreements than messages, nor more missing events than disagreements', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const counts = checkDualWrite(historyOf(g));
        expect(counts.disagreements).toBeLessThanOrEqual(counts.messages);
        expect(counts.missingEvents).toBeLessThanOrEqual(counts.disagreements);
        expect(counts.lost + counts.disagreements).toBeLessThanOrEqual(counts.messages);
      }),
    );
  });

  it('counts the acknowledged sends as messages and every row and event', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const counts = checkDualWrite(historyOf(g));
        expect(counts.messages).toBe(g.outcomes.filter((o) => o === 'ok').length);
        expect(counts.effects).toBe(g.rows.flat().reduce((a, b) => a + b, 0));
        expect(counts.observed).toBe(g.reads.length);
      }),
    );
  });

  it('finds no disagreement when each message has as many events as rows', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const matched: Generated = { ...g, reads: g.rows.flatMap((copies, i) => copies.flatMap((c) => Array<number>(c).fill(i))) };
        const counts = checkDualWrite(historyOf(matched));
        expect(counts.disagreements).toBe(0);
        expect(counts.missingEvents).toBe(0);
      }),
    );
  });
});
