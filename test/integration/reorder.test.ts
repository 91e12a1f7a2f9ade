// reorder on a real broker: a lost request retried after later sends breaks per-key order; awaiting each send keeps it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reorder } from '../../scenarios/reorder.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { rowOf, runOn } from './support/results.js';

const FAULTS = 3;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

function run(seed = 42): Promise<ScenarioResult> {
  return runOn(broker, reorder, { seed, messages: 600, faults: FAULTS });
}


const lostRequests = (r: VariantResult) => r.history.filter((o) => o.type === 'fault' && o.action === 'drop-request').length;

describe('reorder against a real broker', () => {
  let first: ScenarioResult;
  beforeAll(async () => {
    first = await run();
  });

  it('in-flight-5: each lost request lands after later messages of its key', () => {
    const r = rowOf(first, 'in-flight-5');
    expect(lostRequests(r)).toBe(FAULTS);
    expect(r.counts.outOfOrder).toBeGreaterThan(0);
    expect(r.counts.outOfOrder).toBe(r.predicted.outOfOrder);
    expect(r.counts).toMatchObject({ duplicates: 0, lost: 0, acked: 600 });
  });

  it('sync-send: no disorder, no duplicate, nothing lost', () => {
    const r = rowOf(first, 'sync-send');
    expect(lostRequests(r)).toBe(FAULTS);
    expect(r.counts).toMatchObject({ outOfOrder: 0, duplicates: 0, lost: 0, observed: 600 });
    expect(r.promise).toBe('kept');
  });

  it('kafkajs maxInFlightRequests: 1 and idempotence do not keep order for concurrent sends (what kafkajs 2.2.4 really does)', () => {
    for (const name of ['in-flight-1', 'idempotent']) {
      const r = rowOf(first, name);
      expect(r.counts.outOfOrder, name).toBe(FAULTS);
      expect(r.counts.duplicates, name).toBe(0);
      expect(r.promise, name).toBe('broken');
    }
  });

  it('multi-partition: per-key order holds while there is no order across partitions', () => {
    const r = rowOf(first, 'multi-partition');
    expect(r.counts.outOfOrder).toBe(0);
    expect(r.counts.globalOutOfOrder).toBeGreaterThan(0);
  });

  it('every variant has a measured throughput', () => {
    for (const r of first.results) expect(r.counts.throughput, r.variant).toBeGreaterThan(0);
  });

  it('the same seed gives the same counts (throughput and global order aside)', async () => {
    const again = await run();
    const stable = (r: VariantResult) => {
      const { sent, acked, unknown, observed, duplicates, lost, outOfOrder } = r.counts;
      return { variant: r.variant, sent, acked, unknown, observed, duplicates, lost, outOfOrder };
    };
    expect(again.results.map(stable)).toEqual(first.results.map(stable));
  });
});
