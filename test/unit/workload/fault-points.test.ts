// Unit tests for picking fault ordinals: range, order, spacing, shrinking and determinism.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { pickOrdinals } from '../../../src/workload/fault-points.js';
import { SeededRandom } from '../../../src/core/rng.js';

const pick = (seed: number, count: number, first: number, last: number, minGap: number): number[] =>
  pickOrdinals(new SeededRandom(seed), count, first, last, minGap);

const gaps = (ordinals: number[]): number[] => ordinals.slice(1).map((v, i) => v - ordinals[i]!);

const params = fc.record({
  seed: fc.nat(),
  count: fc.integer({ min: 1, max: 12 }),
  first: fc.integer({ min: 1, max: 100 }),
  span: fc.integer({ min: 1, max: 400 }),
  minGap: fc.integer({ min: 1, max: 60 }),
});

describe('pickOrdinals', () => {
  it('returns [] for a count of 0 or less, or an empty range', () => {
    expect(pick(1, 0, 1, 100, 5)).toEqual([]);
    expect(pick(1, -3, 1, 100, 5)).toEqual([]);
    expect(pick(1, 3, 10, 9, 5)).toEqual([]);
  });

  it('returns `count` sorted, distinct ordinals within [first, last] whenever the range holds that many', () => {
    fc.assert(
      fc.property(params, ({ seed, count, first, span, minGap }) => {
        const last = first + span - 1;
        const ordinals = pick(seed, count, first, last, minGap);
        expect(ordinals).toHaveLength(Math.min(count, span));
        for (const o of ordinals) {
          expect(Number.isInteger(o)).toBe(true);
          expect(o).toBeGreaterThanOrEqual(first);
          expect(o).toBeLessThanOrEqual(last);
        }
        for (const g of gaps(ordinals)) expect(g).toBeGreaterThan(0);
      }),
    );
  });

  it('returns every ordinal of the range when asked for more than it holds', () => {
    expect(pick(5, 10, 4, 7, 3)).toEqual([4, 5, 6, 7]);
  });

  it('keeps neighbours at least half the (possibly shrunk) gap apart', () => {
    fc.assert(
      fc.property(params, ({ seed, count, first, span, minGap }) => {
        const ordinals = pick(seed, count, first, first + span - 1, minGap);
        const gap = Math.max(1, Math.min(minGap, Math.floor(span / count)));
        for (const g of gaps(ordinals)) expect(g).toBeGreaterThanOrEqual(Math.ceil(gap / 2));
      }),
    );
  });

  it('shrinks the gap to what fits when the range is too small for minGap', () => {
    // 5 faults in 20 ordinals cannot be 10 apart; they spread over the range, 4 apart by slot.
    for (let seed = 0; seed < 50; seed++) {
      const ordinals = pick(seed, 5, 1, 20, 10);
      expect(ordinals).toHaveLength(5);
      expect(ordinals[0]!).toBeLessThanOrEqual(2);
      expect(ordinals[4]!).toBeGreaterThanOrEqual(17);
      for (const g of gaps(ordinals)) expect(g).toBeGreaterThanOrEqual(3);
    }
  });

  it('keeps minGap exactly when the gap is small enough that slots have no offset', () => {
    // A gap of 2 or 3 leaves no room for an in-slot offset, so neighbours are whole slots apart.
    for (let seed = 0; seed < 50; seed++) {
      for (const g of gaps(pick(seed, 4, 1, 100, 3))) expect(g).toBeGreaterThanOrEqual(3);
    }
  });

  it('keeps neighbours at least minGap apart when the range has room for it', () => {
    for (let seed = 0; seed < 50; seed++) {
      const ordinals = pick(seed, 10, 1, 1000, 50); // room for 10 * 50 = 500 in 1000
      for (const g of gaps(ordinals)) expect(g).toBeGreaterThanOrEqual(50);
    }
  });

  it('is deterministic per seed, and the seed matters', () => {
    expect(pick(42, 5, 1, 500, 20)).toEqual(pick(42, 5, 1, 500, 20));
    const distinct = new Set(Array.from({ length: 10 }, (_, seed) => pick(seed, 5, 1, 500, 20).join(',')));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('draws from the given generator (advances it)', () => {
    const rng = new SeededRandom(1);
    const twin = new SeededRandom(1);
    pickOrdinals(rng, 3, 1, 100, 5);
    expect(rng.next()).not.toBe(twin.next());
  });
});
