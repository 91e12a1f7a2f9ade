// rebalance and zombie on a real broker: partitions move, uncommitted work is redone, a zombie's commit is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebalance } from '../../scenarios/rebalance.js';
import { zombie } from '../../scenarios/zombie.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Scenario } from '../../src/core/scenario.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { rowOf, runOn } from './support/results.js';
import { processesMatching } from './support/processes.js';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

function run(scenario: Scenario): Promise<ScenarioResult> {
  return runOn(broker, scenario, { messages: 200, faults: 1 });
}


/** Worker events and snapshots, as "w1:assigned", "w1:hold" (a snapshot's moment). */
function workerEvents(r: VariantResult): string[] {
  return r.history.flatMap((o: Op) => (o.type === 'worker' ? [`${o.worker}:${o.event}`] : o.type === 'snapshot' ? [`${o.worker}:${o.moment}`] : []));
}

describe('rebalance against a real broker', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(rebalance);
  });

  it('baseline: the new owners redo what w1 had applied but not committed, exactly as predicted', () => {
    const r = rowOf(result, 'commit-after-batch');
    expect(r.counts.duplicateEffects).toBeGreaterThan(0);
    expect(r.counts.duplicateEffects).toBe(r.predicted.duplicateEffects);
  });

  it('processed-table and kafkajs commit-on-rebalance: no duplicate effect', () => {
    for (const name of ['processed-table', 'commit-on-revoke']) {
      const r = rowOf(result, name);
      expect(r.counts.duplicateEffects, name).toBe(0);
      expect(r.counts.neverApplied, name).toBe(0);
      expect(r.counts.balanceActual, name).toBe(r.counts.balanceExpected);
    }
  });

  it('the history records the join, the revocation and both assignments', () => {
    for (const r of result.results) {
      const events = workerEvents(r);
      expect(events, r.variant).toEqual(expect.arrayContaining(['w1:assigned', 'w1:hold', 'w2:start', 'w1:rebalance', 'w2:assigned']));
      // After the rebalance the four partitions are split between the two workers.
      const last = new Map<string, string>();
      for (const o of r.history) if (o.type === 'worker' && o.event === 'assigned') last.set(o.worker, o.detail ?? '');
      const partitions = [...last.values()].flatMap((d) => (d.match(/\d+/g) ?? []).map(Number)).sort();
      expect(partitions, r.variant).toEqual([0, 1, 2, 3]);
    }
  });
});

describe('zombie against a real broker', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(zombie);
  });

  it('baseline: redone by the successor and re-applied by the zombie; the zombie\'s commit is rejected', () => {
    const r = rowOf(result, 'commit-after-batch');
    expect(r.counts.duplicateEffects).toBeGreaterThan(0);
    expect(r.counts.duplicateEffects).toBe(r.predicted.duplicateEffects);
    const rejected = r.history.filter((o) => o.type === 'commit' && !o.ok);
    expect(rejected).toHaveLength(1);
    // The rejected commit undid nothing: rows written by w1 after w2 are still there.
    const rewrittenByZombie = r.history.filter((o) => o.type === 'effect' && (o.workers?.length ?? 0) > 1 && o.workers?.at(-1) === 'w1');
    expect(rewrittenByZombie.length).toBeGreaterThan(0);
    expect(workerEvents(r)).toEqual(expect.arrayContaining(['w1:stall', 'w1:stopped', 'w2:assigned', 'w1:resumed']));
  });

  it('heartbeat-check: the zombie stops at its first step after waking, so fewer duplicates', () => {
    const r = rowOf(result, 'heartbeat-check');
    const baseline = rowOf(result, 'commit-after-batch');
    expect(r.counts.duplicateEffects).toBe(r.predicted.duplicateEffects);
    expect(r.counts.duplicateEffects!).toBeLessThan(baseline.counts.duplicateEffects!);
    expect(workerEvents(r)).toContain('w1:fenced');
  });

  it('processed-table: no duplicate effect', () => {
    const r = rowOf(result, 'processed-table');
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0, effects: 200 });
    expect(r.promise).toBe('kept');
  });

  it('leaves no worker process behind, stopped ones included', () => {
    expect(processesMatching('processes/worker.js')).toEqual([]);
  });
});
