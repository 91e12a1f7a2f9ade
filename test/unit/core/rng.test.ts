// Unit tests for the seeded generator: determinism, bounds, distinct picks, and forks.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { SeededRandom } from '../../../src/core/rng.js';

/** The published mulberry32, written out independently, as a reference. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const draws = (rng: SeededRandom, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('SeededRandom.next', () => {
  it('follows mulberry32', () => {
    for (const seed of [0, 1, 42, 0xdeadbeef, 0xffffffff]) {
      const reference = mulberry32(seed);
      expect(draws(new SeededRandom(seed), 20)).toEqual(Array.from({ length: 20 }, reference));
    }
  });

  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draws(new SeededRandom(7), 50)).toEqual(draws(new SeededRandom(7), 50));
    expect(draws(new SeededRandom(7), 50)).not.toEqual(draws(new SeededRandom(8), 50));
  });

  it('reduces the seed to 32 bits', () => {
    expect(draws(new SeededRandom(-1), 5)).toEqual(draws(new SeededRandom(0xffffffff), 5));
    expect(draws(new SeededRandom(2 ** 32 + 5), 5)).toEqual(draws(new SeededRandom(5), 5));
  });

  it('stays in [0, 1)', () => {
    const rng = new SeededRandom(123);
    for (const x of draws(rng, 10_000)) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});

describe('SeededRandom.int', () => {
  it('stays within [min, max] and reaches both ends', () => {
    const rng = new SeededRandom(5);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const v = rng.int(3, 7);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('returns min when min = max, and handles negative ranges', () => {
    const rng = new SeededRandom(9);
    expect(rng.int(4, 4)).toBe(4);
    for (let i = 0; i < 100; i++) {
      const v = rng.int(-3, -1);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(-1);
    }
  });

  it('stays in bounds for any seed and range', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, width) => {
        const v = new SeededRandom(seed).int(min, min + width);
        expect(v).toBeGreaterThanOrEqual(min);
        expect(v).toBeLessThanOrEqual(min + width);
      }),
    );
  });
});

describe('SeededRandom.fork', () => {
  it('does not change the parent\'s next draws', () => {
    const parent = new SeededRandom(42);
    const twin = new SeededRandom(42);
    parent.next();
    twin.next();
    parent.fork('a');
    parent.fork('b').next();
    expect(draws(parent, 10)).toEqual(draws(twin, 10));
  });

  it('gives the same child for the same parent state and label', () => {
    const parent = new SeededRandom(42);
    expect(draws(parent.fork('faults'), 10)).toEqual(draws(parent.fork('faults'), 10));
    expect(draws(new SeededRandom(42).fork('faults'), 10)).toEqual(draws(new SeededRandom(42).fork('faults'), 10));
  });

  it('gives different children for different labels, seeds and parent states', () => {
    const a = draws(new SeededRandom(42).fork('faults'), 10);
    expect(draws(new SeededRandom(42).fork('keys'), 10)).not.toEqual(a);
    expect(draws(new SeededRandom(43).fork('faults'), 10)).not.toEqual(a);
    const advanced = new SeededRandom(42);
    advanced.next();
    expect(draws(advanced.fork('faults'), 10)).not.toEqual(a);
  });

  it('gives a child whose draws differ from the parent\'s', () => {
    const parent = new SeededRandom(42);
    const child = parent.fork('x');
    expect(draws(child, 10)).not.toEqual(draws(parent, 10));
  });

  it('leaves the child independent of later parent draws', () => {
    const parent = new SeededRandom(3);
    const child = parent.fork('c');
    const expected = draws(new SeededRandom(3).fork('c'), 5);
    draws(parent, 100);
    expect(draws(child, 5)).toEqual(expected);
  });
});
