// transactions and dual-write on a real broker: read-process-write with and without transactions, fencing, the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dualWrite } from '../../scenarios/dual-write.js';
import { transactions } from '../../scenarios/transactions.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Scenario } from '../../src/core/scenario.js';
import { startTestBroker } from './support/broker.js';
import { rowOf, runOn } from './support/results.js';
import { kcatAvailable, kcatValues } from './support/kcat.js';
import { processesMatching } from './support/processes.js';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

function run(scenario: Scenario, keepTopics = false): Promise<ScenarioResult> {
  return runOn(broker, scenario, { messages: 200, faults: 1, keepTopics });
}


describe('transactions against a real broker', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(transactions, true);
  });

  it('no-transactions: the redone batch duplicates outputs, as predicted', () => {
    const r = rowOf(result, 'no-transactions');
    expect(r.counts.duplicates).toBeGreaterThan(0);
    expect(r.counts.duplicates).toBe(r.predicted.duplicates);
    expect(r.counts.lost).toBe(0);
  });

  it('transactions read with read_committed: each input exactly once', () => {
    const r = rowOf(result, 'transactions');
    expect(r.counts).toMatchObject({ sent: 200, observed: 200, duplicates: 0, lost: 0 });
    expect(r.history.some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'killed')).toBe(true);
  });

  it('read_uncommitted sees the aborted transaction\'s records', () => {
    const r = rowOf(result, 'transactions-read-uncommitted');
    expect(r.counts.duplicates).toBeGreaterThan(0);
    expect(r.counts.duplicates).toBe(r.predicted.duplicates);
  });

  it('zombie fencing: the older instance is refused and none of its writes become visible', () => {
    const r = rowOf(result, 'zombie-fencing');
    expect(r.counts).toMatchObject({ observed: 200, duplicates: 0, lost: 0 });
    expect(r.history.some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'fenced')).toBe(true);
  });

  it.runIf(kcatAvailable)('kcat (librdkafka) agrees: read_committed sees each input once, read_uncommitted the aborted copies too', () => {
    const r = rowOf(result, 'transactions');
    const outputTopic = r.topics.find((t) => t.includes('-out-'))!;
    const duplicates = (isolation: 'read_committed' | 'read_uncommitted') => {
      const ids = kcatValues(broker.bootstrap, outputTopic, isolation).map((v) => (JSON.parse(v) as { id: string }).id);
      return { records: ids.length, duplicates: ids.length - new Set(ids).size };
    };
    expect(duplicates('read_committed')).toEqual({ records: 200, duplicates: 0 });
    expect(duplicates('read_uncommitted').duplicates).toBe(rowOf(result, 'transactions-read-uncommitted').predicted.duplicates);
  });
});

describe('dual-write against a real broker', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(dualWrite);
  });

  it('naive: a row without its event', () => {
    const r = rowOf(result, 'naive');
    expect(r.counts.missingEvents).toBeGreaterThan(0);
    expect(r.counts.disagreements).toBe(r.predicted.disagreements);
  });

  it('kafka-transaction-only: duplicate rows after the abort and the retry, events exactly once', () => {
    const r = rowOf(result, 'kafka-transaction-only');
    expect(r.counts.duplicateEffects).toBeGreaterThan(0);
    expect(r.counts.duplicates).toBe(0);
    expect(r.counts.disagreements).toBe(r.predicted.disagreements);
  });

  it('outbox: database and topic agree, though both the consumer and the relay were killed', () => {
    const r = rowOf(result, 'outbox');
    expect(r.counts).toMatchObject({ messages: 200, effects: 200, observed: 200, disagreements: 0, duplicates: 0, duplicateEffects: 0 });
    const killed = r.history.filter((o) => o.type === 'worker' && o.event === 'killed').map((o) => (o.type === 'worker' ? o.worker : ''));
    expect(killed).toEqual(expect.arrayContaining(['w1', 'relay1']));
  });

  it('leaves no worker or relay process behind', () => {
    expect(processesMatching('processes/transform-worker.js')).toEqual([]);
    expect(processesMatching('processes/outbox-relay.js')).toEqual([]);
  });
});
