// transactions and dual-write on a real broker: read-process-write with and without transactions, fencing, the outbox; kcat and sqlite3 read everything again.
import { beforeAll, describe, expect, it } from 'vitest';
import { dualWrite } from '../../scenarios/dual-write.js';
import { transactions } from '../../scenarios/transactions.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { useTestBroker } from './support/broker.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';
import { dualWriteAgreement } from './support/dual-write.js';

const lab = useTestBroker();

function stopPoint(r: VariantResult, worker = 'w1'): Extract<Op, { type: 'snapshot' }> {
  const found = r.history.find((o): o is Extract<Op, { type: 'snapshot' }> => o.type === 'snapshot' && o.worker === worker && o.moment !== 'rebalance');
  if (!found) throw new Error(`${r.variant}: no stop point of ${worker}`);
  return found;
}

describe('transactions against a real broker (seed 42, 200 inputs)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(lab.broker, transactions, { messages: 200, faults: 1, keepTopics: true });
  }, 180_000);

  /** The output topic as kcat reads it, at either isolation level, counted in the test. */
  const output = (r: VariantResult, isolation: 'read_committed' | 'read_uncommitted') =>
    tally(kcatMessages(lab.broker.bootstrap, r.topics.find((t) => t.includes('-out-'))!, isolation));

  it('no-transactions: the 7 outputs w1 wrote past its last commit are written again', () => {
    const r = rowOf(result, 'no-transactions');
    expect(r.counts).toMatchObject({ sent: 200, observed: 207, duplicates: 7, lost: 0 });
    expect(r.predicted).toEqual({ duplicates: stopPoint(r).appliedNotCommitted });
    expect(output(r, 'read_committed')).toMatchObject({ records: 207, duplicates: 7 });
  });

  it('transactions read with read_committed: each input exactly once; kcat sees the aborted copies only with read_uncommitted', () => {
    const r = rowOf(result, 'transactions');
    expect(r.counts).toMatchObject({ sent: 200, observed: 200, duplicates: 0, lost: 0 });
    expect(r.history.some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'killed')).toBe(true);
    expect(output(r, 'read_committed')).toMatchObject({ records: 200, duplicates: 0 });
    expect(output(r, 'read_uncommitted').duplicates).toBe(stopPoint(r).appliedNotCommitted);
  });

  it('read_uncommitted sees the aborted transaction\'s 7 records', () => {
    const r = rowOf(result, 'transactions-read-uncommitted');
    expect(r.counts).toMatchObject({ observed: 207, duplicates: 7 });
    expect(r.predicted).toEqual({ duplicates: stopPoint(r).appliedNotCommitted });
    expect(output(r, 'read_uncommitted')).toMatchObject({ records: 207, duplicates: 7 });
  });

  it('zombie fencing: the older instance is refused (INVALID_PRODUCER_EPOCH) and none of its writes become visible', () => {
    const r = rowOf(result, 'zombie-fencing');
    expect(r.counts).toMatchObject({ observed: 200, duplicates: 0, lost: 0 });
    const fenced = r.history.find((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'fenced');
    expect(fenced?.type === 'worker' && fenced.code).toBe('INVALID_PRODUCER_EPOCH');
    expect(output(r, 'read_committed')).toMatchObject({ records: 200, duplicates: 0 });
  });
});

describe('dual-write against a real broker (seed 42, 200 orders)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(lab.broker, dualWrite, { messages: 200, faults: 1, keepTopics: true, resources: { keepDataDir: lab.dataDir } });
  }, 180_000);

  /** Rows (sqlite3) against events (kcat, read_committed), counted in the test. */
  const agreement = (r: VariantResult) => dualWriteAgreement(lab.broker.bootstrap, lab.dataDir, r);

  it('naive: one row whose event never comes (README: 1 missing, 1 disagreement)', () => {
    const r = rowOf(result, 'naive');
    expect(r.counts).toMatchObject({ effects: 200, observed: 199, missingEvents: 1, disagreements: 1 });
    expect(r.predicted).toEqual({ disagreements: 1 });
    expect(agreement(r)).toEqual({ rows: 200, duplicateRows: 0, events: 199, duplicateEvents: 0 });
  });

  it('kafka-transaction-only: the 15 rows of the aborted batch are written again; events exactly once', () => {
    const r = rowOf(result, 'kafka-transaction-only');
    expect(r.counts).toMatchObject({ effects: 215, duplicateEffects: 15, duplicates: 0, disagreements: 15 });
    expect(r.predicted).toEqual({ disagreements: stopPoint(r).appliedNotCommitted });
    expect(agreement(r)).toEqual({ rows: 215, duplicateRows: 15, events: 200, duplicateEvents: 0 });
  });

  it('outbox: database and topic agree, though both the consumer and the relay were killed', () => {
    const r = rowOf(result, 'outbox');
    expect(r.counts).toMatchObject({ messages: 200, effects: 200, observed: 200, disagreements: 0, duplicates: 0, duplicateEffects: 0 });
    const killed = r.history.filter((o) => o.type === 'worker' && o.event === 'killed').map((o) => (o.type === 'worker' ? o.worker : ''));
    expect(killed).toEqual(expect.arrayContaining(['w1', 'relay1']));
    expect(agreement(r)).toEqual({ rows: 200, duplicateRows: 0, events: 200, duplicateEvents: 0 });
  });
});
