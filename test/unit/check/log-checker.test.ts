// Unit tests for the log checker: hand-built histories with exact counts, plus fast-check invariants.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkLog, countCopies, countOutOfOrder, type LogCounts } from '../../../src/check/log-checker.js';
import type { LabMessage, Op, SendOutcome } from '../../../src/core/types.js';

type Send = Extract<Op, { type: 'send' }>;
type Observe = Extract<Op, { type: 'observe' }>;

const msg = (id: string, key: string, seq: number, globalSeq: number): LabMessage => ({ id, key, seq, globalSeq });

let clock = 0;
const send = (m: LabMessage, outcome: SendOutcome = 'ok'): Send => ({ type: 'send', at: clock++, outcome, ...m });
let nextOffset = 0;
const observe = (m: LabMessage, where = 'log', partition = 0): Observe => ({
  type: 'observe',
  at: clock++,
  where,
  partition,
  offset: String(nextOffset++),
  ...m,
});

const ZERO: LogCounts = {
  sent: 0,
  acked: 0,
  unknown: 0,
  failed: 0,
  observed: 0,
  duplicates: 0,
  lost: 0,
  outOfOrder: 0,
  globalOutOfOrder: 0,
  unknownInLog: 0,
  unknownMissing: 0,
};

// Three keys' worth of messages, numbered the way makeMessages numbers them.
const a0 = msg('a0', 'A', 0, 0);
const b0 = msg('b0', 'B', 0, 1);
const a1 = msg('a1', 'A', 1, 2);
const a2 = msg('a2', 'A', 2, 3);
const b1 = msg('b1', 'B', 1, 4);

describe('checkLog: hand-built histories', () => {
  it('counts nothing for an empty history', () => {
    expect(checkLog([])).toEqual(ZERO);
  });

  it('finds no anomaly when every acked send is read back once, in order', () => {
    const all = [a0, b0, a1, a2, b1];
    const ops: Op[] = [...all.map((m) => send(m)), ...all.map((m) => observe(m))];
    expect(checkLog(ops)).toEqual({ ...ZERO, sent: 5, acked: 5, observed: 5 });
  });

  it('counts each extra copy of a message id as one duplicate', () => {
    const ops: Op[] = [send(a0), send(a1), send(b0), observe(a0), observe(a1), observe(a1), observe(a1), observe(b0), observe(a0)];
    const counts = checkLog(ops);
    expect(counts.observed).toBe(6);
    expect(counts.duplicates).toBe(3);
    expect(counts.lost).toBe(0);
    // A re-read copy of an older message is a duplicate, not also out of order.
    expect(counts.outOfOrder).toBe(0);
    // Globally b0 (global 1) follows a1 (global 2): one, and the late copies of a0/a1 add nothing.
    expect(counts.globalOutOfOrder).toBe(1);
  });

  it('reports an acked send never read back as lost, but not a failed or unknown one', () => {
    const ops: Op[] = [send(a0), send(a1), send(a2, 'failed'), send(b0, 'unknown'), send(b1, 'unknown'), observe(a0), observe(b1)];
    expect(checkLog(ops)).toEqual({
      ...ZERO,
      sent: 5,
      acked: 2,
      failed: 1,
      unknown: 2,
      observed: 2,
      lost: 1, // a1
      unknownInLog: 1, // b1
      unknownMissing: 1, // b0
    });
  });

  it('does not count a failed send that is in the log anyway as lost or unknown', () => {
    const counts = checkLog([send(a0, 'failed'), observe(a0)]);
    expect(counts).toEqual({ ...ZERO, sent: 1, failed: 1, observed: 1 });
  });

  it('counts a record with an id nobody sent as observed, and nothing else', () => {
    const foreign = msg('zz', 'Z', 0, 99);
    expect(checkLog([send(a0), observe(a0), observe(foreign)])).toEqual({ ...ZERO, sent: 1, acked: 1, observed: 2 });
  });

  it('counts per key the observations whose seq is below one already seen', () => {
    // Key A read as 0, 2, 1: one out of order. Key B in order.
    const ops: Op[] = [a0, b0, a1, a2, b1].map((m) => send(m));
    ops.push(observe(a0), observe(a2), observe(b0), observe(a1), observe(b1));
    const counts = checkLog(ops);
    expect(counts.outOfOrder).toBe(1);
    // Global order: 0, 3, 1, 2, 4 -> 1 and 2 are below 3.
    expect(counts.globalOutOfOrder).toBe(2);
  });

  it('compares against the highest seq seen, not the previous one', () => {
    const ops: Op[] = [a0, a1, a2].map((m) => send(m));
    ops.push(observe(a2), observe(a1), observe(a0));
    expect(checkLog(ops).outOfOrder).toBe(2);
  });

  it('keeps keys independent: a lower seq on another key is not out of order', () => {
    const ops: Op[] = [a0, b0, a1, a2, b1].map((m) => send(m));
    // All of A, then all of B: per key in order, globally b0 (1) comes after a2 (3).
    ops.push(observe(a0), observe(a1), observe(a2), observe(b0), observe(b1));
    const counts = checkLog(ops);
    expect(counts.outOfOrder).toBe(0);
    expect(counts.globalOutOfOrder).toBe(1);
  });

  it('counts only first copies for order: a late duplicate is a duplicate, not out of order', () => {
    const ops: Op[] = [a0, a1, a2].map((m) => send(m));
    ops.push(observe(a0), observe(a1), observe(a2), observe(a0), observe(a1));
    const counts = checkLog(ops);
    expect(counts.duplicates).toBe(2);
    expect(counts.outOfOrder).toBe(0);
    expect(counts.globalOutOfOrder).toBe(0);
  });

  it('still counts a first copy as out of order when it arrives after a later message', () => {
    // a1 first, then a0 (out of order), then a duplicate of a0 (only a duplicate).
    const ops: Op[] = [send(a0), send(a1), observe(a1), observe(a0), observe(a0)];
    const counts = checkLog(ops);
    expect(counts.outOfOrder).toBe(1);
    expect(counts.duplicates).toBe(1);
  });

  it('reads only the observations of the requested `where`', () => {
    const ops: Op[] = [send(a0), send(a1), observe(a0, 'log'), observe(a1, 'copy'), observe(a1, 'copy'), observe(a0, 'copy')];
    expect(checkLog(ops)).toEqual({ ...ZERO, sent: 2, acked: 2, observed: 1, lost: 1 });
    expect(checkLog(ops, 'log')).toEqual(checkLog(ops));
    const copy = checkLog(ops, 'copy');
    expect(copy).toEqual({ ...ZERO, sent: 2, acked: 2, observed: 3, duplicates: 1, outOfOrder: 1, globalOutOfOrder: 1 });
    expect(checkLog(ops, 'nowhere')).toEqual({ ...ZERO, sent: 2, acked: 2, lost: 2 });
  });

  it('ignores every other kind of operation', () => {
    const noise: Op[] = [
      { type: 'fault', at: 1, action: 'drop-response', detail: 'Produce #3' },
      { type: 'phase', at: 2, name: 'read-back', ms: 10 },
      { type: 'commit', at: 3, worker: 'w1', ok: true, offsets: '0:5' },
      { type: 'snapshot', at: 4, worker: 'w1', moment: 'crash', applied: 1, appliedNotCommitted: 1, committedNotApplied: 0, remainingInBatch: 2 },
      { type: 'effect', at: 5, id: 'a0', copies: 2 },
      { type: 'worker', at: 6, worker: 'w1', event: 'killed' },
      { type: 'balance', at: 7, expected: 10, actual: 12 },
    ];
    const base: Op[] = [send(a0), send(a1), observe(a1), observe(a0), observe(a0)];
    expect(checkLog([...noise, ...base, ...noise])).toEqual(checkLog(base));
  });
});

describe('countCopies', () => {
  it('counts observations per id', () => {
    const copies = countCopies([{ id: 'x' }, { id: 'y' }, { id: 'x' }, { id: 'x' }]);
    expect([...copies]).toEqual([
      ['x', 3],
      ['y', 1],
    ]);
  });

  it('is empty for no observations', () => {
    expect(countCopies([]).size).toBe(0);
  });
});

describe('countOutOfOrder', () => {
  type Row = { id: string; g: string; n: number };
  const rows = (...spec: [string, string, number][]): Row[] => spec.map(([id, g, n]) => ({ id, g, n }));

  it('uses the given group and sequence functions', () => {
    const observed = rows(['1', 'x', 5], ['2', 'y', 1], ['3', 'x', 4], ['4', 'y', 0], ['5', 'y', 2]);
    expect(countOutOfOrder(observed, (r) => r.g, (r) => r.n)).toBe(2);
    // One group: 5, 1, 4, 0, 2 -> all four after the 5 are lower.
    expect(countOutOfOrder(observed, () => '', (r) => r.n)).toBe(4);
  });

  it('skips repeated ids', () => {
    const observed = rows(['1', 'x', 0], ['2', 'x', 1], ['1', 'x', 0], ['1', 'x', 0]);
    expect(countOutOfOrder(observed, (r) => r.g, (r) => r.n)).toBe(0);
  });

  it('does not count an equal sequence as out of order', () => {
    const observed = rows(['1', 'x', 3], ['2', 'x', 3]);
    expect(countOutOfOrder(observed, (r) => r.g, (r) => r.n)).toBe(0);
  });

  it('is 0 for no observations', () => {
    expect(countOutOfOrder([], () => '', () => 0)).toBe(0);
  });
});

// ---- Properties ----

interface Generated {
  messages: LabMessage[];
  outcomes: SendOutcome[];
  /** Indices into messages, in read order; repeats are duplicates. */
  reads: number[];
}

/** Messages over up to 4 keys with per-key seq and global seq, their outcomes, and a read order. */
const generated: fc.Arbitrary<Generated> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom<SendOutcome>('ok', 'ok', 'unknown', 'failed')), {
    maxLength: 25,
  })
  .chain((spec) => {
    const next = new Map<string, number>();
    const messages = spec.map(([k], i) => {
      const key = `k${k}`;
      const seq = next.get(key) ?? 0;
      next.set(key, seq + 1);
      return msg(`m${i}`, key, seq, i);
    });
    const outcomes = spec.map(([, o]) => o);
    const reads = messages.length === 0 ? fc.constant<number[]>([]) : fc.array(fc.nat(messages.length - 1), { maxLength: 40 });
    return reads.map((r) => ({ messages, outcomes, reads: r }));
  });

const historyOf = (g: Generated, where = 'log'): Op[] => [
  ...g.messages.map((m, i) => send(m, g.outcomes[i])),
  ...g.reads.map((i) => observe(g.messages[i]!, where)),
];

const observeOps = (ops: Op[], where = 'log'): Observe[] =>
  ops.filter((op): op is Observe => op.type === 'observe' && op.where === where);

describe('checkLog: properties', () => {
  it('never returns a negative count', () => {
    fc.assert(
      fc.property(generated, (g) => {
        for (const value of Object.values(checkLog(historyOf(g)))) expect(value).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('finds no anomaly when every send is acked and read exactly once, in send order', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const ops = [...g.messages.map((m) => send(m, 'ok')), ...g.messages.map((m) => observe(m))];
        const n = g.messages.length;
        expect(checkLog(ops)).toEqual({ ...ZERO, sent: n, acked: n, observed: n });
      }),
    );
  });

  it('does not change when keys are renamed consistently', () => {
    fc.assert(
      fc.property(generated, fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 4, maxLength: 4 }), (g, names) => {
        const rename = (m: LabMessage): LabMessage => ({ ...m, key: names[Number(m.key.slice(1))]! });
        const renamed: Generated = { ...g, messages: g.messages.map(rename) };
        expect(checkLog(historyOf(renamed))).toEqual(checkLog(historyOf(g)));
      }),
    );
  });

  it('does not change when the send ops are shuffled among the other ops', () => {
    fc.assert(
      fc.property(
        generated.chain((g) => {
          const ops = historyOf(g);
          return fc
            .tuple(
              fc.shuffledSubarray(ops.filter((op) => op.type === 'send'), { minLength: g.messages.length, maxLength: g.messages.length }),
              fc.array(fc.nat(), { minLength: g.messages.length, maxLength: g.messages.length }),
            )
            .map(([sends, positions]) => ({ ops, sends, positions }));
        }),
        ({ ops, sends, positions }) => {
          // Re-insert the shuffled sends at arbitrary places among the observations (read order kept).
          const shuffled: Op[] = ops.filter((op) => op.type !== 'send');
          sends.forEach((s, i) => shuffled.splice(positions[i]! % (shuffled.length + 1), 0, s));
          expect(shuffled).toHaveLength(ops.length);
          expect(checkLog(shuffled)).toEqual(checkLog(ops));
        },
      ),
    );
  });

  it('has observed = distinct ids + duplicates, and sent = acked + unknown + failed', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const ops = historyOf(g);
        const counts = checkLog(ops);
        expect(counts.observed).toBe(countCopies(observeOps(ops)).size + counts.duplicates);
        expect(counts.sent).toBe(counts.acked + counts.unknown + counts.failed);
      }),
    );
  });

  it('never reports more lost than acked', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const counts = checkLog(historyOf(g));
        expect(counts.lost).toBeLessThanOrEqual(counts.acked);
      }),
    );
  });

  it('has unknownInLog + unknownMissing = unknown', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const counts = checkLog(historyOf(g));
        expect(counts.unknownInLog + counts.unknownMissing).toBe(counts.unknown);
      }),
    );
  });

  it('raises duplicates by exactly one (and nothing else) when one more copy of a read message is read', () => {
    fc.assert(
      fc.property(generated, fc.nat(), fc.nat(), (g, pick, where) => {
        fc.pre(g.reads.length > 0);
        const ops = historyOf(g);
        const reads = observeOps(ops);
        const firstIndex = pick % reads.length;
        const copy = { ...reads[firstIndex]!, offset: 'dup' };
        // Insert the copy anywhere after the first copy of that id.
        const firstPos = ops.indexOf(reads.find((r) => r.id === copy.id)!);
        const insertAt = firstPos + 1 + (where % (ops.length - firstPos));
        const withCopy = [...ops.slice(0, insertAt), copy, ...ops.slice(insertAt)];

        const before = checkLog(ops);
        const after = checkLog(withCopy);
        expect(after).toEqual({ ...before, duplicates: before.duplicates + 1, observed: before.observed + 1 });
        expect(after.lost).toBe(before.lost);
      }),
    );
  });

  it('is not affected by reads recorded under another `where`', () => {
    fc.assert(
      fc.property(generated, generated, (g, other) => {
        const ops = historyOf(g);
        const mixed = [...ops, ...other.reads.map((i) => observe(other.messages[i]!, 'elsewhere'))];
        expect(checkLog(mixed)).toEqual(checkLog(ops));
      }),
    );
  });
});
