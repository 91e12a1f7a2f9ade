// Unit tests for where a group was left: the partitions behind their end, and the note's sentence for each.
import { describe, expect, it } from 'vitest';
import { behindEnd, leftBehindNote } from '../../../src/check/group-offsets.js';
import type { Op } from '../../../src/core/types.js';

const offset = (partition: number, committed: string, end: string): Op => ({ type: 'group-offset', at: 0, group: 'g', partition, committed, end });

describe('group offsets at the end', () => {
  it('names only the partitions short of their end', () => {
    const ops = [offset(0, '50', '50'), offset(1, '40', '50')];
    expect(behindEnd(ops)).toEqual([{ partition: 1, committed: 40n, end: 50n }]);
    expect(leftBehindNote(ops)).toBe(" At the end the group's committed offset for p1 is 40, short of 50: the next member to start there redoes 10 messages (not counted: the run ends first).");
    expect(leftBehindNote([offset(0, '50', '50')])).toBe('');
  });

  it('a partition with nothing committed (-1) is not "offset -1": the next member starts over', () => {
    expect(leftBehindNote([offset(2, '-1', '30')])).toMatch(/no committed offset for p2: .*30 messages again/);
  });
});
