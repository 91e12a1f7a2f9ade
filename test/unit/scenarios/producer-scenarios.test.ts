// producer-retry and reorder on hand-built histories: counts from the reads, predictions from the proxy's faults, notes, relations.
import { describe, expect, it } from 'vitest';
import { producerRetry } from '../../../scenarios/producer-retry.js';
import { reorder } from '../../../scenarios/reorder.js';
import { evaluateVariant } from '../../../src/check/evaluate.js';
import type { Scenario } from '../../../src/core/scenario.js';
import { fault, observes, range, sends } from './histories.js';

const variant = (scenario: Scenario, name: string) => scenario.variants.find((v) => v.name === name)!;

describe('producer-retry', () => {
  // 100 sends; 2 resets dropped the acks of 3 stored messages each; the 6 retries were written again.
  const retried = [...sends(100), fault('drop-response', 3), fault('drop-response', 3), ...observes([...range(0, 100), 10, 11, 12, 50, 51, 52])];

  it('retries: 6 duplicates in the log, predicted from the 6 acks the proxy dropped', () => {
    const r = evaluateVariant(producerRetry, variant(producerRetry, 'retries'), retried);
    expect(r.counts).toMatchObject({ sent: 100, acked: 100, observed: 106, duplicates: 6, lost: 0 });
    expect(r.predicted).toEqual({ duplicates: 6 });
    expect(r.note).toMatch(/^2 connection resets dropped 6 acks of stored messages\. kafkajs retried each of those sends: 6 duplicates\./);
    expect(r.promise).toBe('none');
  });

  it('the prediction follows the faults, not the read: one more dropped ack, one more predicted', () => {
    const more = [...retried, fault('drop-response', 1)];
    expect(producerRetry.predict(more, variant(producerRetry, 'retries'))).toEqual({ duplicates: 7 });
    expect(producerRetry.check(more).duplicates).toBe(6);
  });

  it('no-retries-lost-request: each dropped request is a message unknown and missing', () => {
    const h = [...sends(97), ...sends(3, 8, 'unknown', 97), fault('drop-request'), fault('drop-request'), fault('drop-request'), ...observes(range(0, 97))];
    const r = evaluateVariant(producerRetry, variant(producerRetry, 'no-retries-lost-request'), h);
    expect(r.counts).toMatchObject({ unknown: 3, unknownMissing: 3, unknownInLog: 0, duplicates: 0 });
    expect(r.predicted).toEqual({ unknownMissing: 3 });
    expect(r.promise).toBe('kept');
  });

  it('idempotent: the same number of losses and copies breaks the promise, and the row says timing decides them', () => {
    // m10 acked but never written (its number was reused), m11 written twice.
    const h = [...sends(100), fault('drop-response', 1), ...observes([...range(0, 100).filter((i) => i !== 10), 11])];
    const idem = variant(producerRetry, 'idempotent');
    const r = evaluateVariant(producerRetry, idem, h);
    expect(r.counts).toMatchObject({ duplicates: 1, lost: 1 });
    expect(r.promise).toBe('broken');
    expect(r.brokenBy).toEqual(['duplicates', 'lost']);
    expect(r.note).toMatch(/kafkajs rolls the sequence number back/);
    expect(r.note).toMatch(/\(Timing, not the seed, decides duplicates and lost; what always holds: duplicates = lost/);
    expect(idem.varies!.holds(r.counts, h)).toBe(true);
    expect(idem.varies!.holds({ ...r.counts, lost: 0 }, h)).toBe(false);
  });
});

describe('reorder', () => {
  // m0's request was lost; its retry landed after m8 (the next of key k0).
  const h = [...sends(100), fault('drop-request'), ...observes([...range(1, 9), 0, ...range(9, 100)])];

  it('in-flight-5: one lost request, one message out of order, as predicted', () => {
    const r = evaluateVariant(reorder, variant(reorder, 'in-flight-5'), h);
    expect(r.counts).toMatchObject({ outOfOrder: 1, duplicates: 0, lost: 0 });
    expect(r.predicted).toEqual({ outOfOrder: 1 });
    expect(r.note).toMatch(/each retried message landed after later messages of its key/);
  });

  it('in-flight-1 and idempotent promise order; kafkajs breaks it; no prediction, a relation', () => {
    for (const name of ['in-flight-1', 'idempotent']) {
      const v = variant(reorder, name);
      const r = evaluateVariant(reorder, v, h);
      expect(r.promise, name).toBe('broken');
      expect(r.predicted, name).toEqual({});
      expect(v.varies!.holds(r.counts, h), name).toBe(true);
      expect(v.varies!.holds({ outOfOrder: 2 }, h), name).toBe(false);
    }
    expect(evaluateVariant(reorder, variant(reorder, 'in-flight-1'), h).note).toMatch(/kafkajs limits requests on the wire, not sends/);
  });

  it('sync-send keeps order and every promise on an ordered read', () => {
    const ordered = [...sends(100), fault('drop-request'), ...observes(range(0, 100))];
    expect(evaluateVariant(reorder, variant(reorder, 'sync-send'), ordered).promise).toBe('kept');
  });

  it('takes msg/s from the runner\'s measurement in the history', () => {
    const measured = [...h, { type: 'measure' as const, at: 999, name: 'throughput' as const, value: 4321 }];
    expect(evaluateVariant(reorder, variant(reorder, 'in-flight-5'), measured).counts.throughput).toBe(4321);
  });
});
