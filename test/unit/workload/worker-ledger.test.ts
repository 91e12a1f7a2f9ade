// Unit tests for the worker's ledger: what a restart at a stop point would redo, skip, or still have to handle.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { appliedTwice, describeShared, Ledger, parseAppliedOffsets } from '../../../src/workload/worker-ledger.js';

const at = (partition: number, offset: number) => ({ partition, offset: String(offset) });

/** Receives the offsets [from, to) of a partition. */
const receiveRange = (ledger: Ledger, partition: number, from: number, to: number) => {
  for (let o = from; o < to; o++) ledger.receive(at(partition, o));
};

describe('Ledger', () => {
  it('reports nothing for a fresh ledger', () => {
    const ledger = new Ledger();
    expect(ledger.handledCount).toBe(0);
    expect(ledger.crashPoint(0)).toEqual({ applied: 0, appliedNotCommitted: 0, committedNotApplied: 0, remainingInBatch: 0 });
  });

  it('counts a commit past everything received (a client that commits what it fetched) as committed and never applied', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 20);
    for (let o = 0; o < 5; o++) ledger.apply(at(0, o));
    ledger.commit(0, '40');
    // 15 received and not handled, and 20 more (20..39) committed before the worker ever saw them.
    expect(ledger.crashPoint(20)).toMatchObject({ applied: 5, appliedNotCommitted: 0, committedNotApplied: 35 });
  });

  it('counts applied and skipped messages as handled', () => {
    const ledger = new Ledger();
    ledger.apply(at(0, 0));
    ledger.apply(at(0, 1));
    ledger.skip(at(0, 2));
    expect(ledger.appliedCount).toBe(2);
    expect(ledger.skippedCount).toBe(1);
    expect(ledger.handledCount).toBe(3);
  });

  it('counts everything applied as not committed before any commit', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 5);
    for (let o = 0; o < 3; o++) ledger.apply(at(0, o));
    expect(ledger.crashPoint(5)).toEqual({ applied: 3, appliedNotCommitted: 3, committedNotApplied: 0, remainingInBatch: 2 });
  });

  it('counts applied offsets at or after the committed offset (the next to read) as not committed', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 10);
    for (let o = 0; o < 7; o++) ledger.apply(at(0, o));
    // Committed 5: offsets 0-4 are behind the group; 5 and 6 would be read (and applied) again.
    ledger.commit(0, '5');
    expect(ledger.crashPoint(10)).toEqual({ applied: 7, appliedNotCommitted: 2, committedNotApplied: 0, remainingInBatch: 3 });
  });

  it('counts nothing as not committed once the commit passes every applied offset', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 3);
    for (let o = 0; o < 3; o++) ledger.apply(at(0, o));
    ledger.commit(0, '3');
    expect(ledger.crashPoint(3).appliedNotCommitted).toBe(0);
  });

  it('counts received offsets below the committed one, neither applied nor skipped, as committed but not applied', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 10, 20);
    // Commit first (at-most-once): the whole batch is committed, then only part of it is handled.
    ledger.commit(0, '20');
    ledger.apply(at(0, 10));
    ledger.skip(at(0, 11));
    ledger.apply(at(0, 12));
    expect(ledger.crashPoint(10)).toEqual({
      applied: 2,
      appliedNotCommitted: 0,
      committedNotApplied: 7, // 13..19
      remainingInBatch: 7,
    });
  });

  it('counts an offset applied a second time (the partition handed back after a rebalance) as reapplied, and past the commit once', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 5);
    for (const o of [0, 1, 2]) ledger.apply(at(0, o));
    // A rebalance: the same worker is given partition 0 again and restarts at its last commit (none yet).
    for (const o of [0, 1, 2, 3, 4]) ledger.apply(at(0, o));
    expect(ledger.crashPoint(5)).toEqual({ applied: 8, appliedNotCommitted: 5, committedNotApplied: 0, remainingInBatch: 0, reapplied: 3 });
  });

  it('does not count offsets at or above the committed offset as committed but not applied; counts those committed past the last received', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 4);
    ledger.commit(0, '2');
    // 0 and 1 are below 2 and unhandled; 2 and 3 are not below it.
    expect(ledger.crashPoint(4).committedNotApplied).toBe(2);
    ledger.commit(0, '10');
    // 0..3 received and unhandled, 4..9 committed before the worker received them: all 10 are skipped for good.
    expect(ledger.crashPoint(4).committedNotApplied).toBe(10);
  });

  it('keeps the latest commit of a partition, even a lower one', () => {
    const ledger = new Ledger();
    ledger.commit(0, '8');
    ledger.commit(0, '4');
    expect(ledger.committed.get(0)).toBe(4n);
  });

  it('never reports a negative remainder', () => {
    const ledger = new Ledger();
    for (let o = 0; o < 4; o++) ledger.apply(at(0, o));
    expect(ledger.crashPoint(4).remainingInBatch).toBe(0);
    expect(ledger.crashPoint(2).remainingInBatch).toBe(0);
    expect(ledger.crashPoint(0).remainingInBatch).toBe(0);
    expect(ledger.crashPoint(9).remainingInBatch).toBe(5);
  });

  it('keeps partitions independent', () => {
    const ledger = new Ledger();
    receiveRange(ledger, 0, 0, 5);
    receiveRange(ledger, 1, 0, 5);
    receiveRange(ledger, 2, 100, 103);
    for (let o = 0; o < 5; o++) ledger.apply(at(0, o));
    for (let o = 0; o < 2; o++) ledger.apply(at(1, o));
    ledger.apply(at(2, 100));
    // Partition 0 committed up to 3 (3 and 4 redone); partition 1 committed past what it handled (2..4 skipped);
    // partition 2 never committed (its one applied offset redone).
    ledger.commit(0, '3');
    ledger.commit(1, '5');
    expect(ledger.crashPoint(15)).toEqual({
      applied: 8,
      appliedNotCommitted: 2 + 0 + 1,
      committedNotApplied: 0 + 3 + 0,
      remainingInBatch: 7,
    });
  });

  it('handles offsets beyond the safe integer range', () => {
    const ledger = new Ledger();
    const big = '9007199254740993'; // 2^53 + 1: not exact as a Number
    ledger.receive({ partition: 0, offset: big });
    ledger.apply({ partition: 0, offset: big });
    ledger.commit(0, '9007199254740993');
    expect(ledger.crashPoint(1)).toMatchObject({ appliedNotCommitted: 1 });
    ledger.commit(0, '9007199254740994');
    expect(ledger.crashPoint(1).appliedNotCommitted).toBe(0);
  });

  it('counts a message applied twice twice in applied, but once in appliedNotCommitted', () => {
    const ledger = new Ledger();
    ledger.receive(at(0, 0));
    ledger.apply(at(0, 0));
    ledger.apply(at(0, 0));
    expect(ledger.crashPoint(1)).toMatchObject({ applied: 2, appliedNotCommitted: 1 });
  });

  it('keeps its counts within bounds for any sequence of steps', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('handle' as const), partition: fc.nat(2), offset: fc.nat(20), apply: fc.boolean() }),
      fc.record({ kind: fc.constant('commit' as const), partition: fc.nat(2), offset: fc.nat(21) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.nat(60), (steps, seen) => {
        const ledger = new Ledger();
        const received = new Set<string>();
        for (const s of steps) {
          if (s.kind === 'commit') {
            ledger.commit(s.partition, String(s.offset));
            continue;
          }
          ledger.receive(at(s.partition, s.offset));
          received.add(`${s.partition}:${s.offset}`);
          if (s.apply) ledger.apply(at(s.partition, s.offset));
          else ledger.skip(at(s.partition, s.offset));
        }
        const point = ledger.crashPoint(seen);
        expect(point.appliedNotCommitted).toBeLessThanOrEqual(point.applied);
        // Every received message here was handled: only a commit past the last received offset of a partition
        // leaves some committed and never applied (the offsets between the two).
        let beyond = 0;
        for (let p = 0; p <= 2; p++) {
          const offsets = steps.filter((x) => x.kind === 'handle' && x.partition === p).map((x) => x.offset);
          const commit = steps.filter((x) => x.kind === 'commit' && x.partition === p).at(-1)?.offset;
          if (offsets.length > 0 && commit !== undefined) beyond += Math.max(0, commit - Math.max(...offsets) - 1);
        }
        expect(point.committedNotApplied).toBe(beyond);
        expect(point.remainingInBatch).toBe(Math.max(0, seen - ledger.handledCount));
      }),
    );
  });
});

describe('applied offsets across workers (rebalance\'s prediction)', () => {
  it('writes ranges per partition, and reads them back', () => {
    const ledger = new Ledger();
    for (const o of [0, 1, 2, 5, 7, 8]) ledger.apply(at(2, o));
    for (const o of [40, 41]) ledger.apply(at(0, o));
    expect(ledger.appliedOffsets()).toBe('p0:40-41 p2:0-2,5,7-8');
    expect(parseAppliedOffsets(ledger.appliedOffsets())).toEqual(new Map([[0, new Set([40n, 41n])], [2, new Set([0n, 1n, 2n, 5n, 7n, 8n])]]));
    expect(new Ledger().appliedOffsets()).toBe('');
  });

  it('names the offsets both applied', () => {
    const { count, shared } = appliedTwice([{ appliedOffsets: 'p0:0-9 p1:0-4' }, { appliedOffsets: 'p0:5-19 p1:4', reapplied: 2 }]);
    expect(count).toBe(5 + 1 + 2);
    expect(describeShared(shared)).toBe('p0 5-9 and p1 4');
  });

  it('counts every apply beyond a message\'s first, by whichever worker, as the effects would show', () => {
    const apply = fc.record({ worker: fc.integer({ min: 0, max: 1 }), partition: fc.integer({ min: 0, max: 2 }), offset: fc.nat(30) });
    fc.assert(
      fc.property(fc.array(apply, { maxLength: 80 }), (applies) => {
        const ledgers = [new Ledger(), new Ledger()];
        const copies = new Map<string, number>();
        for (const a of applies) {
          ledgers[a.worker]!.apply(at(a.partition, a.offset));
          copies.set(`${a.partition}:${a.offset}`, (copies.get(`${a.partition}:${a.offset}`) ?? 0) + 1);
        }
        const workers = ledgers.map((l) => ({ appliedOffsets: l.appliedOffsets(), reapplied: l.crashPoint(0).reapplied }));
        expect(appliedTwice(workers).count).toBe([...copies.values()].reduce((sum, n) => sum + n - 1, 0));
      }),
    );
  });
});
