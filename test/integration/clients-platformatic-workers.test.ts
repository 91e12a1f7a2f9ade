// consumer-crash, transactions and dual-write with @platformatic/kafka in the worker processes (its message stream cut into fetch-sized
// batches) on a real broker, Redis and SQLite; every count read again with sqlite3 or kcat. With its defaults a restarted
// transactional producer is refused (PRODUCER_FENCED): asserted, and probed directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCrash } from '../../scenarios/consumer-crash.js';
import { dualWrite } from '../../scenarios/dual-write.js';
import { transactions } from '../../scenarios/transactions.js';
import { silentProgress } from '../../src/core/progress.js';
import { findRedis } from '../../src/resources/redis.js';
import { keptSqliteFile, labEffectCounts, sqliteEffectCounts } from './support/databases.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { platformaticErrorTree } from '../../src/clients/platformatic-errors.js';
import { withAdmin } from '../../src/kafka/client.js';
import { startTestBroker } from './support/broker.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';
import { workerSnapshot } from './support/snapshots.js';
import { dualWriteAgreement } from './support/dual-write.js';

const MESSAGES = 200;
let broker: RunningBroker;
let redis: { url: string; stop(): Promise<void> };
let result: ScenarioResult;
const keepDir = mkdtempSync(join(tmpdir(), 'dup-lab-test-data-'));
beforeAll(async () => {
  broker = await startTestBroker();
  const found = await findRedis(undefined, silentProgress);
  if (!('url' in found)) throw new Error(`these tests need Redis: ${found.missing}`);
  redis = found;
  result = await runOn(broker, transactions, { messages: MESSAGES, faults: 1, keepTopics: true, client: 'platformatic' });
}, 240_000);
afterAll(async () => {
  await redis?.stop();
  await broker?.stop();
  rmSync(keepDir, { recursive: true, force: true });
});

/** w1's own count where it stopped (the worker's report, not the read-back). */
const stopPoint = (r: VariantResult) => workerSnapshot(r, 'w1', r.variant === 'zombie-fencing' ? 'stall' : 'crash');
/** The input offset w1's last committed transaction covered, from its own commit reports. */
const w1Committed = (r: VariantResult) =>
  Math.max(...r.history.flatMap((o) => (o.type === 'commit' && o.worker === 'w1' && o.ok ? [Number(/@(\d+)$/.exec(o.offsets)![1])] : [])));
const refusal = (r: VariantResult) =>
  r.history.find((o): o is Extract<VariantResult['history'][number], { type: 'worker' }> => o.type === 'worker' && o.worker === 'w2' && o.event === 'fenced');
/** The output topic as kcat reads it, counted in the test. */
const output = (r: VariantResult, isolation: 'read_committed' | 'read_uncommitted') =>
  tally(kcatMessages(broker.bootstrap, r.topics.find((t) => t.includes('-out-'))!, isolation));

describe('transactions with @platformatic/kafka (seed 42, 200 inputs)', () => {
  it('runs every variant with the platformatic workers', () => {
    for (const r of result.results) {
      expect(r.client, r.variant).toBe('platformatic');
      expect(r.error, r.variant).toBeUndefined();
    }
  });

  it('no-transactions: what w1 wrote past its last commit is written again, as predicted from its own record', () => {
    const r = rowOf(result, 'no-transactions');
    const redone = stopPoint(r).appliedNotCommitted;
    expect(redone).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ sent: MESSAGES, observed: MESSAGES + redone, duplicates: redone, lost: 0 });
    expect(output(r, 'read_committed')).toMatchObject({ records: MESSAGES + redone, duplicates: redone });
  });

  it('transactions: the restarted instance is refused (PRODUCER_FENCED), so kcat finds only what w1 committed: BROKEN, the note says why', () => {
    const r = rowOf(result, 'transactions');
    expect(refusal(r)?.code).toBe('PRODUCER_FENCED');
    const committed = w1Committed(r);
    expect(committed).toBeGreaterThan(0);
    expect(output(r, 'read_committed')).toMatchObject({ records: committed, duplicates: 0 });
    expect(r.counts).toMatchObject({ observed: committed, duplicates: 0, lost: MESSAGES - committed });
    expect(r.promise).toBe('broken');
    expect(r.note).toContain('producer id 0 and epoch 0');
  });

  it('read_uncommitted: the open transaction\'s records are the only copies (nothing redid them), as predicted', () => {
    const r = rowOf(result, 'transactions-read-uncommitted');
    const open = stopPoint(r).appliedNotCommitted;
    expect(refusal(r)).toBeDefined();
    expect(output(r, 'read_uncommitted')).toMatchObject({ records: w1Committed(r) + open, duplicates: 0 });
    expect(r.counts).toMatchObject({ observed: w1Committed(r) + open, duplicates: 0 });
    expect(r.predicted.duplicates).toBe(0);
  });

  it('zombie-fencing: the successor is refused, so nothing fences the woken w1 either; read_committed holds only w1\'s commits', () => {
    const r = rowOf(result, 'zombie-fencing');
    expect(refusal(r)).toBeDefined();
    expect(output(r, 'read_committed')).toMatchObject({ records: w1Committed(r), duplicates: 0 });
    expect(r.promise).toBe('broken');
  });
});

describe('@platformatic/kafka\'s InitProducerId, probed directly', () => {
  /** Two producers with one transactional id, one after the other, each committing one transaction; what each got. */
  async function twoInstances(options: Record<string, unknown>): Promise<string[]> {
    const { Producer, stringSerializers } = await import('@platformatic/kafka');
    const topic = `dup-lab-probe-${Date.now()}-${Math.round(Math.random() * 1e6)}`;
    await withAdmin(broker.bootstrap, (admin) => admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] }));
    const transactionalId = `${topic}-tx`;
    const outcomes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const producer = new Producer({ clientId: 'probe', bootstrapBrokers: [broker.bootstrap], idempotent: true, transactionalId, serializers: stringSerializers, retryDelay: 300, ...options });
      try {
        const tx = await producer.beginTransaction();
        await tx.send({ messages: [{ topic, key: 'k', value: `v${i}` }] });
        await tx.commit();
        outcomes.push('committed');
      } catch (error) {
        outcomes.push(platformaticErrorTree(error).find((e) => e.apiId)?.apiId ?? String(error));
      } finally {
        await producer.close(true);
      }
    }
    return outcomes;
  }

  it('with its defaults the second instance is refused with PRODUCER_FENCED (it sends producer id 0, epoch 0)', async () => {
    expect(await twoInstances({})).toEqual(['committed', 'PRODUCER_FENCED']);
  }, 60_000);

  it('with producerId -1n and producerEpoch -1 (the protocol\'s "none") the second instance takes over', async () => {
    expect(await twoInstances({ producerId: -1n, producerEpoch: -1 })).toEqual(['committed', 'committed']);
  }, 60_000);
});

describe('consumer-crash with @platformatic/kafka (seed 42, 200 orders)', () => {
  let crash: ScenarioResult;
  beforeAll(async () => {
    crash = await runOn(broker, consumerCrash, { messages: MESSAGES, faults: 1, client: 'platformatic', resources: { redis: { url: redis.url }, keepDataDir: keepDir } });
  }, 240_000);

  const crashPoint = (r: VariantResult) => workerSnapshot(r, 'w1', 'crash');

  it('runs every variant with platformatic\'s consumer, and sqlite3 reads the same rows, duplicates, gaps and balance', () => {
    for (const r of crash.results) {
      expect(r.client, r.variant).toBe('platformatic');
      expect(r.error, r.variant).toBeUndefined();
      expect(sqliteEffectCounts(keptSqliteFile(keepDir, 'consumer-crash', r.variant), MESSAGES), r.variant).toEqual(labEffectCounts(r));
    }
  });

  it('auto-commit and the handoff: platformatic commits each fetch as it arrives; the counts keep the stated relation, and the note says which way it went', () => {
    for (const name of ['auto-commit', 'auto-commit-handoff']) {
      const r = rowOf(crash, name);
      const point = crashPoint(r);
      expect(r.counts.neverApplied, name).toBeGreaterThanOrEqual(point.committedNotApplied);
      expect(r.counts.duplicateEffects, name).toBeLessThanOrEqual(point.appliedNotCommitted + (point.reapplied ?? 0));
      expect(r.note, name).toContain('commits each fetch\'s last offset as soon as the stream receives it');
      expect(r.note, name).toContain('(Timing, not the seed, decides');
    }
    // The handler hands off and returns at once: the stream fetches and commits ahead, and the crash loses queued work.
    expect(rowOf(crash, 'auto-commit-handoff').counts.neverApplied).toBeGreaterThan(0);
  });

  it('manual commits (consumer.commit with the next offset) behave as with kafkajs, exactly as w1\'s own record predicts', () => {
    for (const name of ['commit-after-batch', 'commit-per-message', 'commit-before-process']) {
      const r = rowOf(crash, name);
      expect(r.counts.duplicateEffects, name).toBe(r.predicted.duplicateEffects);
      expect(r.counts.neverApplied, name).toBe(r.predicted.neverApplied);
    }
    expect(rowOf(crash, 'commit-per-message').counts).toMatchObject({ duplicateEffects: 1, neverApplied: 0 });
    expect(rowOf(crash, 'commit-before-process').counts.neverApplied).toBeGreaterThan(0);
  });

  it('the deduplicating variants keep their promise', () => {
    for (const name of ['redis-setnx', 'dedup-window', 'processed-table']) {
      const r = rowOf(crash, name);
      expect(r.counts, name).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
      expect(r.promise, name).toBe('kept');
    }
  });
});

describe('dual-write with @platformatic/kafka (seed 42, 200 orders)', () => {
  let dual: ScenarioResult;
  beforeAll(async () => {
    dual = await runOn(broker, dualWrite, { messages: MESSAGES, faults: 1, keepTopics: true, client: 'platformatic', resources: { keepDataDir: keepDir } });
  }, 240_000);

  /** Rows (sqlite3) against events (kcat, read_committed), counted in the test. */
  const agreement = (r: VariantResult) => dualWriteAgreement(broker.bootstrap, keepDir, r);

  it('naive and outbox behave as with kafkajs; sqlite3 and kcat agree with the row', () => {
    expect(rowOf(dual, 'naive').counts).toMatchObject({ missingEvents: 1, disagreements: 1 });
    expect(agreement(rowOf(dual, 'naive'))).toEqual({ rows: MESSAGES, duplicateRows: 0, events: MESSAGES - 1, duplicateEvents: 0 });
    expect(rowOf(dual, 'outbox').promise).toBe('kept');
    expect(agreement(rowOf(dual, 'outbox'))).toEqual({ rows: MESSAGES, duplicateRows: 0, events: MESSAGES, duplicateEvents: 0 });
  });

  it('kafka-transaction-only: the restart is refused, so the aborted batch\'s rows keep no events and the rest is never processed', () => {
    const r = rowOf(dual, 'kafka-transaction-only');
    expect(refusal(r)?.code).toBe('PRODUCER_FENCED');
    const open = workerSnapshot(r, 'w1', 'crash').appliedNotCommitted;
    const committed = w1Committed(r);
    expect(agreement(r)).toEqual({ rows: committed + open, duplicateRows: 0, events: committed, duplicateEvents: 0 });
    expect(r.counts).toMatchObject({ disagreements: open, lost: MESSAGES - committed - open });
    expect(r.note).toContain('producer id 0 and epoch 0');
  });
});
