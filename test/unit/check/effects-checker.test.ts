// Unit tests for the side-effect checker: messages vs. effects read back from the business database.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkEffects } from '../../../src/check/effects-checker.js';
import type { Op, SendOutcome } from '../../../src/core/types.js';

const send = (id: string, outcome: SendOutcome = 'ok'): Op => ({ type: 'send', at: 0, outcome, id, key: 'k', seq: 0, globalSeq: 0 });
const effect = (id: string, copies: number): Op => ({ type: 'effect', at: 1, id, copies });
const balance = (expected: number, actual: number): Op => ({ type: 'balance', at: 2, expected, actual });

describe('checkEffects: hand-built cases', () => {
  it('counts nothing for an empty history', () => {
    expect(checkEffects([])).toEqual({
      messages: 0,
      effects: 0,
      duplicateEffects: 0,
      neverApplied: 0,
      balanceExpected: 0,
      balanceActual: 0,
      duplicates: 0,
      lost: 0,
    });
  });

  it('counts messages, effects, duplicate effects and never-applied messages', () => {
    const ops: Op[] = [
      send('a'),
      send('b'),
      send('c'),
      send('d', 'failed'), // not a message: the pre-fill never put it on the topic
      send('e', 'unknown'), // nor this one
      effect('a', 1),
      effect('b', 3), // two extra copies
      effect('c', 0), // zero copies: not applied
    ];
    expect(checkEffects(ops)).toEqual({
      messages: 3,
      effects: 4,
      duplicateEffects: 2,
      neverApplied: 1, // c
      balanceExpected: 0,
      balanceActual: 0,
      duplicates: 2,
      lost: 1,
    });
  });

  it('ignores effects with zero or negative copies', () => {
    const counts = checkEffects([send('a'), effect('a', -2), effect('a', 0)]);
    expect(counts.effects).toBe(0);
    expect(counts.duplicateEffects).toBe(0);
    expect(counts.neverApplied).toBe(1);
  });

  it('counts an effect for an id that was never a message, without making it a message', () => {
    const counts = checkEffects([send('a'), effect('a', 1), effect('stranger', 2)]);
    expect(counts.messages).toBe(1);
    expect(counts.effects).toBe(3);
    expect(counts.duplicateEffects).toBe(1);
    expect(counts.neverApplied).toBe(0);
  });

  it('counts a message sent twice (same id) once', () => {
    expect(checkEffects([send('a'), send('a'), effect('a', 1)]).messages).toBe(1);
  });

  it('takes the last balance read back', () => {
    const counts = checkEffects([balance(100, 90), send('a'), balance(100, 130), effect('a', 1)]);
    expect(counts.balanceExpected).toBe(100);
    expect(counts.balanceActual).toBe(130);
  });

  it('counts a second effect op for the same id as a duplicate effect', () => {
    const counts = checkEffects([send('a'), effect('a', 1), effect('a', 1)]);
    expect(counts.effects).toBe(2);
    expect(counts.duplicateEffects).toBe(1);
  });
});

describe('checkEffects: properties', () => {
  /** Distinct message ids, each with an outcome and an applied copy count (one effect op per id). */
  const cases = fc.uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 5 }),
      outcome: fc.constantFrom<SendOutcome>('ok', 'ok', 'unknown', 'failed'),
      copies: fc.integer({ min: 0, max: 4 }),
      isMessage: fc.boolean(),
    }),
    { selector: (c) => c.id, maxLength: 30 },
  );

  it('has duplicateEffects = effects - distinct applied ids (one effect op per id)', () => {
    fc.assert(
      fc.property(cases, (list) => {
        const ops: Op[] = list.flatMap((c) => [send(c.id, c.outcome), effect(c.id, c.copies)]);
        const counts = checkEffects(ops);
        const distinctApplied = list.filter((c) => c.copies > 0).length;
        expect(counts.effects).toBe(list.reduce((sum, c) => sum + c.copies, 0));
        expect(counts.duplicateEffects).toBe(counts.effects - distinctApplied);
        expect(counts.duplicates).toBe(counts.duplicateEffects);
        expect(counts.lost).toBe(counts.neverApplied);
      }),
    );
  });

  it('has neverApplied + distinct applied = messages when every applied id was a message', () => {
    fc.assert(
      fc.property(cases, (list) => {
        const ops: Op[] = [];
        for (const c of list) {
          if (c.isMessage) ops.push(send(c.id, 'ok'));
          // Only messages get effects here.
          if (c.isMessage && c.copies > 0) ops.push(effect(c.id, c.copies));
        }
        const counts = checkEffects(ops);
        const distinctApplied = list.filter((c) => c.isMessage && c.copies > 0).length;
        expect(counts.messages).toBe(list.filter((c) => c.isMessage).length);
        expect(counts.neverApplied + distinctApplied).toBe(counts.messages);
      }),
    );
  });

  it('never returns a negative count', () => {
    fc.assert(
      fc.property(cases, (list) => {
        const ops: Op[] = list.flatMap((c) => [send(c.id, c.outcome), effect(c.id, c.copies)]);
        for (const value of Object.values(checkEffects(ops))) expect(value).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
