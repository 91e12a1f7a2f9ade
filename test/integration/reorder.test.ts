// reorder on a real broker (the README's run): a lost request retried after later sends breaks per-key order; kcat counts the disorder again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reorder } from '../../scenarios/reorder.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';

const FAULTS = 3;
const MESSAGES = 1000;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

const run = (keepTopics = false) => runOn(broker, reorder, { messages: MESSAGES, faults: FAULTS, keepTopics });
/** From the proxy's fault log. */
const lostRequests = (r: VariantResult) => r.history.filter((o) => o.type === 'fault' && o.action === 'drop-request').length;
/** The fault run's topic (the measurement passes use others), read with kcat and counted in the test. */
const kcatTally = (r: VariantResult) => tally(kcatMessages(broker.bootstrap, r.topics.find((t) => t.includes('-log-'))!));

describe('reorder against a real broker (seed 42, 1000 messages, 3 faults)', () => {
  let first: ScenarioResult;
  beforeAll(async () => {
    first = await run(true);
  }, 180_000);

  it('in-flight-5: each of the 3 lost requests lands after later messages of its key, as predicted from the fault log', () => {
    const r = rowOf(first, 'in-flight-5');
    expect(lostRequests(r)).toBe(FAULTS);
    expect(r.counts).toMatchObject({ outOfOrder: 3, duplicates: 0, lost: 0, acked: MESSAGES, observed: MESSAGES });
    expect(r.predicted).toEqual({ outOfOrder: lostRequests(r) });
    expect(kcatTally(r)).toEqual({ records: MESSAGES, duplicates: 0, outOfOrder: 3 });
  });

  it('sync-send: no disorder, no duplicate, nothing lost', () => {
    const r = rowOf(first, 'sync-send');
    expect(lostRequests(r)).toBe(FAULTS);
    expect(r.counts).toMatchObject({ outOfOrder: 0, duplicates: 0, lost: 0, observed: MESSAGES });
    expect(r.promise).toBe('kept');
    expect(kcatTally(r)).toEqual({ records: MESSAGES, duplicates: 0, outOfOrder: 0 });
  });

  it('kafkajs maxInFlightRequests: 1 and idempotence: out-of-order ≤ lost requests (README: timing decides; 3 in every run measured)', () => {
    for (const name of ['in-flight-1', 'idempotent']) {
      const r = rowOf(first, name);
      expect(r.counts.outOfOrder, name).toBeLessThanOrEqual(lostRequests(r));
      expect(r.counts.duplicates, name).toBe(0);
      expect(r.promise, name).toBe(r.counts.outOfOrder ? 'broken' : 'kept');
      expect(kcatTally(r), name).toEqual({ records: MESSAGES, duplicates: 0, outOfOrder: r.counts.outOfOrder });
    }
  });

  it('multi-partition: per-key order holds while there is no order across partitions', () => {
    const r = rowOf(first, 'multi-partition');
    expect(r.counts.outOfOrder).toBe(0);
    expect(r.counts.globalOutOfOrder).toBeGreaterThan(0);
    expect(kcatTally(r)).toEqual({ records: MESSAGES, duplicates: 0, outOfOrder: 0 });
  });

  it('every variant has a measured throughput, recorded in its history', () => {
    for (const r of first.results) {
      expect(r.counts.throughput, r.variant).toBeGreaterThan(0);
      expect(r.history.some((o) => o.type === 'measure' && o.value === r.counts.throughput), r.variant).toBe(true);
    }
  });

  it('the same seed gives the same counts (throughput, global order and the timing-decided rows aside)', async () => {
    const again = await run();
    const stable = (r: VariantResult) => {
      const { sent, acked, unknown, observed, duplicates, lost, outOfOrder } = r.counts;
      return { variant: r.variant, sent, acked, unknown, observed, duplicates, lost, outOfOrder: r.variant === 'in-flight-1' || r.variant === 'idempotent' ? undefined : outOfOrder };
    };
    expect(again.results.map(stable)).toEqual(first.results.map(stable));
  }, 180_000);
});
