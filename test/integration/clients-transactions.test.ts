// transactions with @confluentinc/kafka-javascript and the Java client in the transform workers, on a real broker: both keep
// the promise as kafkajs does; every output count read again with kcat at both isolation levels, and no JVM left behind.
// (@platformatic/kafka differs: clients-platformatic-transactions.test.ts.)
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactions } from '../../scenarios/transactions.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { confluentMissing } from './support/confluent.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';
import { workerSnapshot } from './support/snapshots.js';

const MESSAGES = 200;
let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

/** w1's own count where it stopped (the worker's report, not the read-back). */
const stopPoint = (r: VariantResult) => workerSnapshot(r, 'w1', r.variant === 'zombie-fencing' ? 'stall' : 'crash');
/** The output topic as kcat reads it, at either isolation level, counted in the test. */
const output = (r: VariantResult, isolation: 'read_committed' | 'read_uncommitted') =>
  tally(kcatMessages(broker.bootstrap, r.topics.find((t) => t.includes('-out-'))!, isolation));

const CLIENTS = [
  { client: 'confluent' as const, missing: confluentMissing, offsets: 'sendOffsets with the consumer itself', worker: 'processes/transform-worker.js' },
  { client: 'java' as const, missing: null, offsets: 'sendOffsetsToTransaction with the consumer\'s group metadata', worker: 'LabTransformer' },
];

describe.each(CLIENTS)('transactions with the $client client (seed 42, 200 inputs)', ({ client, missing, offsets, worker }) => {
  let result: ScenarioResult;
  beforeAll(async () => {
    if (missing === null) result = await runOn(broker, transactions, { messages: MESSAGES, faults: 1, keepTopics: true, client });
  }, 240_000);

  it.skipIf(missing !== null)('no-transactions: what w1 wrote past its last commit is written again, as predicted from its own record', () => {
    const r = rowOf(result, 'no-transactions');
    expect(r.client).toBe(client);
    const redone = stopPoint(r).appliedNotCommitted;
    expect(redone).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ sent: MESSAGES, observed: MESSAGES + redone, duplicates: redone, lost: 0 });
    expect(output(r, 'read_committed')).toMatchObject({ records: MESSAGES + redone, duplicates: redone });
  });

  it.skipIf(missing !== null)(`transactions (${offsets}): read_committed sees each input once; kcat sees the aborted copies only with read_uncommitted`, () => {
    const r = rowOf(result, 'transactions');
    expect(r.counts).toMatchObject({ sent: MESSAGES, observed: MESSAGES, duplicates: 0, lost: 0 });
    expect(r.promise).toBe('kept');
    expect(output(r, 'read_committed')).toMatchObject({ records: MESSAGES, duplicates: 0 });
    expect(output(r, 'read_uncommitted').duplicates).toBe(stopPoint(r).appliedNotCommitted);
  });

  it.skipIf(missing !== null)('read_uncommitted counts the aborted transaction\'s records, each acknowledged before the crash', () => {
    const r = rowOf(result, 'transactions-read-uncommitted');
    const aborted = stopPoint(r).appliedNotCommitted;
    expect(aborted).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ observed: MESSAGES + aborted, duplicates: aborted });
    expect(output(r, 'read_uncommitted')).toMatchObject({ records: MESSAGES + aborted, duplicates: aborted });
  });

  it.skipIf(missing !== null)('zombie fencing: the successor fences the woken instance, and none of its writes become visible', () => {
    const r = rowOf(result, 'zombie-fencing');
    expect(r.counts).toMatchObject({ observed: MESSAGES, duplicates: 0, lost: 0 });
    const fenced = r.history.find((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'fenced');
    expect(fenced?.type === 'worker' && fenced.code).toMatch(/^(INVALID_PRODUCER_EPOCH|PRODUCER_FENCED|_FENCED)$/);
    expect(output(r, 'read_committed')).toMatchObject({ records: MESSAGES, duplicates: 0 });
  });

  it.skipIf(missing !== null)(`leaves no worker process behind (${worker})`, () => {
    expect(result.results.some((r) => r.history.some((o) => o.type === 'worker' && o.event === 'exit'))).toBe(true);
    expect(spawnSync('pgrep', ['-f', worker]).stdout.toString().trim()).toBe('');
  });
});
