// Unit tests for judging a variant's promise against its counts.
import { describe, it, expect } from 'vitest';
import { judgePromise } from '../../../src/check/promise.js';

describe('judgePromise', () => {
  it('is "none" when the variant promises nothing', () => {
    expect(judgePromise({}, { duplicates: 5 })).toEqual({ promise: 'none', brokenBy: [] });
  });

  it('is "kept" when every promised count matches exactly', () => {
    expect(judgePromise({ duplicates: 0, lost: 0 }, { duplicates: 0, lost: 0, outOfOrder: 9 })).toEqual({
      promise: 'kept',
      brokenBy: [],
    });
  });

  it('is "broken" by each count that differs, in the order of the promise', () => {
    expect(judgePromise({ outOfOrder: 0, duplicates: 0, lost: 0 }, { duplicates: 3, lost: 0, outOfOrder: 1 })).toEqual({
      promise: 'broken',
      brokenBy: ['outOfOrder', 'duplicates'],
    });
  });

  it('treats a count that was not measured as breaking the promise', () => {
    expect(judgePromise({ duplicates: 0 }, {})).toEqual({ promise: 'broken', brokenBy: ['duplicates'] });
  });

  it('compares exactly, not "at most": fewer than promised also breaks it', () => {
    expect(judgePromise({ duplicates: 7 }, { duplicates: 7 }).promise).toBe('kept');
    expect(judgePromise({ duplicates: 7 }, { duplicates: 6 })).toEqual({ promise: 'broken', brokenBy: ['duplicates'] });
  });
});
