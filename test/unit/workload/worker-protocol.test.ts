// Unit tests for where in a batch a worker stops: never its first or last message, rounded from the fraction.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { crashPosition } from '../../../src/workload/worker-protocol.js';

describe('crashPosition', () => {
  it('is 1 for a batch of one (or less)', () => {
    expect(crashPosition(1, 0)).toBe(1);
    expect(crashPosition(1, 0.5)).toBe(1);
    expect(crashPosition(1, 1)).toBe(1);
    expect(crashPosition(0, 0.5)).toBe(1);
  });

  it.each([
    [10, 0.5, 5],
    [10, 0.34, 3],
    [10, 0.35, 4], // 3.5 rounds up
    [10, 0.26, 3],
    [7, 0.5, 4], // 3.5 rounds up
    [3, 0.5, 2], // 1.5 rounds up
    [100, 0.333, 33],
  ])('rounds batch %d at fraction %d to message %d', (batchSize, fraction, position) => {
    expect(crashPosition(batchSize, fraction)).toBe(position);
  });

  it.each([
    [10, 0, 1],
    [10, 0.01, 1],
    [10, 1, 9],
    [10, 0.99, 9],
    [2, 0, 1],
    [2, 0.5, 1],
    [2, 1, 1],
    [5, -3, 1],
    [5, 7, 4],
  ])('keeps batch %d at fraction %d off the first and last message: %d', (batchSize, fraction, position) => {
    expect(crashPosition(batchSize, fraction)).toBe(position);
  });

  it('is always a whole number within [1, batchSize - 1] for a batch of two or more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000 }), fc.double({ min: -1, max: 2, noNaN: true }), (batchSize, fraction) => {
        const position = crashPosition(batchSize, fraction);
        expect(Number.isInteger(position)).toBe(true);
        expect(position).toBeGreaterThanOrEqual(1);
        expect(position).toBeLessThanOrEqual(batchSize - 1);
      }),
    );
  });

  it('is the message at that fraction whenever it is already inside the batch', () => {
    const inside = fc
      .integer({ min: 2, max: 10_000 })
      .chain((batchSize) => fc.tuple(fc.constant(batchSize), fc.integer({ min: 1, max: batchSize - 1 }), fc.double({ min: -0.49, max: 0.49, noNaN: true })));
    fc.assert(
      fc.property(inside, ([batchSize, position, jitter]) => {
        // A fraction that lands within half a message of `position`.
        expect(crashPosition(batchSize, (position + jitter) / batchSize)).toBe(position);
      }),
    );
  });

  it('never moves back as the fraction grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(crashPosition(n, lo)).toBeLessThanOrEqual(crashPosition(n, hi));
      }),
    );
  });
});
