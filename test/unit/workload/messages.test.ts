// Unit tests for lab messages: deterministic generation, per-key sequences, and the JSON encoding.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, makeMessages } from '../../../src/workload/messages.js';
import type { LabMessage } from '../../../src/core/types.js';

describe('makeMessages', () => {
  it('numbers messages globally and per key, from 0 without gaps', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.integer({ min: 1, max: 10 }), (count, keys) => {
        const messages = makeMessages('run1', count, keys);
        expect(messages).toHaveLength(count);
        const perKey = new Map<string, number[]>();
        messages.forEach((m, i) => {
          expect(m.globalSeq).toBe(i);
          expect(m.id).toBe(`run1-${i}`);
          expect(m.key).toMatch(/^k\d+$/);
          expect(Number(m.key.slice(1))).toBeLessThan(keys);
          perKey.set(m.key, [...(perKey.get(m.key) ?? []), m.seq]);
        });
        for (const seqs of perKey.values()) expect(seqs).toEqual(seqs.map((_, i) => i));
      }),
    );
  });

  it('gives ids unique in the run', () => {
    const messages = makeMessages('abc', 500, 4);
    expect(new Set(messages.map((m) => m.id)).size).toBe(500);
  });

  it('puts everything on k0 with one key', () => {
    const messages = makeMessages('r', 5, 1);
    expect(messages.map((m) => [m.key, m.seq])).toEqual([
      ['k0', 0],
      ['k0', 1],
      ['k0', 2],
      ['k0', 3],
      ['k0', 4],
    ]);
  });

  it('assigns keys round robin, so neighbours never share a key', () => {
    const messages = makeMessages('r', 10, 4);
    expect(messages.map((m) => m.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k0', 'k1', 'k2', 'k3', 'k0', 'k1']);
    expect(messages.map((m) => m.seq)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2]);
  });

  it('refuses zero keys', () => {
    expect(() => makeMessages('r', 3, 0)).toThrow(RangeError);
  });

  it('spreads messages over all keys', () => {
    const keys = new Set(makeMessages('r', 200, 4).map((m) => m.key));
    expect([...keys].sort()).toEqual(['k0', 'k1', 'k2', 'k3']);
  });

  it('returns [] for a count of 0', () => {
    expect(makeMessages('r', 0, 3)).toEqual([]);
  });
});

describe('encodeMessage / decodeMessage', () => {
  const m: LabMessage = { id: 'run-7', key: 'k2', seq: 3, globalSeq: 7 };

  it('encodes the global sequence as "g"', () => {
    expect(JSON.parse(encodeMessage(m))).toEqual({ id: 'run-7', key: 'k2', seq: 3, g: 7 });
  });

  it('round-trips a message with an empty payload', () => {
    expect(decodeMessage(encodeMessage(m))).toEqual({ ...m, payload: {} });
  });

  it('round-trips a payload', () => {
    const decoded = decodeMessage(encodeMessage(m, { order: 'o-1', amount: 25 }));
    expect(decoded).toEqual({ ...m, payload: { order: 'o-1', amount: 25 } });
  });

  it('round-trips any message and payload without reserved names', () => {
    const reserved = new Set(['id', 'key', 'seq', 'g']);
    fc.assert(
      fc.property(
        fc.record({ id: fc.string(), key: fc.string(), seq: fc.nat(), globalSeq: fc.nat() }),
        fc.dictionary(
          fc.string().filter((k) => !reserved.has(k) && k !== '__proto__'),
          fc.oneof(fc.string(), fc.integer()),
        ),
        (message, payload) => {
          expect(decodeMessage(encodeMessage(message, payload))).toEqual({ ...message, payload });
        },
      ),
    );
  });

  it('does not let a payload field overwrite the message id', () => {
    const decoded = decodeMessage(encodeMessage(m, { id: 'order-9' }));
    expect(decoded?.id).toBe('run-7');
  });

  it.each([
    ['null', null],
    ['an empty string', ''],
    ['text that is not JSON', 'hello'],
    ['truncated JSON', '{"id":"a","key":"k0","seq":0,'],
    ['the JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"run-1"'],
    ['a JSON array', '[1,2,3]'],
    ['an empty object', '{}'],
    ['a foreign record', '{"orderId":"o-1","amount":3}'],
    ['a missing seq', '{"id":"a","key":"k0","g":0}'],
    ['a missing g', '{"id":"a","key":"k0","seq":0}'],
    ['a numeric id', '{"id":5,"key":"k0","seq":0,"g":0}'],
    ['a null key', '{"id":"a","key":null,"seq":0,"g":0}'],
    ['a string seq', '{"id":"a","key":"k0","seq":"0","g":0}'],
    ['a string g', '{"id":"a","key":"k0","seq":0,"g":"0"}'],
  ])('decodes %s as null', (_what, value) => {
    expect(decodeMessage(value)).toBeNull();
  });
});
