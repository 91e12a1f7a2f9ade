// consumer-crash, rebalance and zombie with the Apache Kafka Java client (kafka-clients in JVM workers, java/workers/) on a real broker,
// Redis, SQLite and PostgreSQL; every count read again with sqlite3, psql or redis-cli, and no JVM left behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCrash } from '../../scenarios/consumer-crash.js';
import { rebalance } from '../../scenarios/rebalance.js';
import { zombie } from '../../scenarios/zombie.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import { silentProgress } from '../../src/core/progress.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { findRedis } from '../../src/resources/redis.js';
import { startTestBroker } from './support/broker.js';
import { keptSqliteFile, labEffectCounts, psqlEffects, psqlSchemas, redisKeys, sqliteEffectCounts } from './support/databases.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from './support/postgres.js';
import { rowOf, runOn } from './support/results.js';
import { workerSnapshot } from './support/snapshots.js';

const MESSAGES = 200;
const DEDUPS = ['redis-setnx', 'dedup-window', 'processed-table'];
let broker: RunningBroker;
let redis: { url: string; stop(): Promise<void> };
const keepDir = mkdtempSync(join(tmpdir(), 'dup-lab-test-data-'));
beforeAll(async () => {
  broker = await startTestBroker();
  const found = await findRedis(undefined, silentProgress);
  if (!('url' in found)) throw new Error(`these tests need Redis: ${found.missing}`);
  redis = found;
}, 120_000);
afterAll(async () => {
  await redis?.stop();
  await broker?.stop();
  rmSync(keepDir, { recursive: true, force: true });
});

/** w1's own count at its crash point (the worker's report, not the read-back). */
const crashPoint = (r: VariantResult) => workerSnapshot(r, 'w1', 'crash');
const sqliteCounts = (r: VariantResult) => sqliteEffectCounts(keptSqliteFile(keepDir, 'consumer-crash', r.variant), MESSAGES);
/** JVMs running the lab's Java worker, found by its main class. */
const javaWorkers = () => spawnSync('pgrep', ['-f', 'LabConsumer|LabTransformer']).stdout.toString().trim();

describe('consumer-crash with the Java client (seed 42, 200 orders)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, consumerCrash, { messages: MESSAGES, faults: 1, client: 'java', resources: { redis: { url: redis.url }, keepDataDir: keepDir } });
  }, 300_000);

  it('runs every variant in JVM workers, and sqlite3 reads the same rows, duplicates, gaps and balance', () => {
    for (const r of result.results) {
      expect(r.client, r.variant).toBe('java');
      expect(r.error, r.variant).toBeUndefined();
      expect(r.history.some((o) => o.type === 'worker' && o.event === 'start' && o.detail?.endsWith('Java client')), r.variant).toBe(true);
      expect(sqliteCounts(r), r.variant).toEqual(labEffectCounts(r));
    }
  });

  it('predictions come from w1\'s own count at the crash, the broker\'s committed offsets asked there; exact but for the handoff', () => {
    for (const r of result.results) {
      const point = crashPoint(r);
      if (r.variant === 'auto-commit-handoff') {
        // The poll loop runs on while the handoff thread waits at its stop point: an auto-commit may land before the SIGKILL.
        expect(r.counts.duplicateEffects, r.variant).toBeLessThanOrEqual(point.appliedNotCommitted + (point.reapplied ?? 0));
        expect(r.counts.neverApplied, r.variant).toBeGreaterThanOrEqual(point.committedNotApplied);
      } else {
        expect(r.counts.duplicateEffects, r.variant).toBe(r.predicted.duplicateEffects);
        expect(r.counts.neverApplied, r.variant).toBe(point.committedNotApplied);
      }
    }
  });

  it('auto-commit: the crash waits in the poll thread, so no commit lands after the probe; the note names Java\'s 5 s commit from poll()', () => {
    const r = rowOf(result, 'auto-commit');
    const point = crashPoint(r);
    expect(r.counts.duplicateEffects).toBe(point.appliedNotCommitted);
    expect(r.note).toContain('from inside poll()');
    expect(r.note).not.toContain('kafkajs auto-commit commits after each batch');
    expect(r.note).toContain(point.appliedNotCommitted === point.applied ? 'before the first commit' : 'after the last commit');
  });

  it('manual commitSync: a batch redone, one message redone, the rest of a batch committed first never applied', () => {
    const batch = rowOf(result, 'commit-after-batch');
    expect(batch.counts.duplicateEffects).toBeGreaterThan(1);
    expect(batch.history.some((o) => o.type === 'commit' && o.worker === 'w1' && o.ok)).toBe(true);
    expect(rowOf(result, 'commit-per-message').counts).toMatchObject({ duplicateEffects: 1, neverApplied: 0 });
    const first = rowOf(result, 'commit-before-process');
    expect(first.counts.duplicateEffects).toBe(0);
    expect(first.counts.neverApplied).toBeGreaterThan(0);
  });

  it('the deduplicating variants keep their promise; redis-cli finds no SET NX claim left once the commits covered them', () => {
    for (const name of DEDUPS) {
      const r = rowOf(result, name);
      expect(r.counts, name).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
      expect(r.counts.balanceActual, name).toBe(r.counts.balanceExpected);
      expect(r.promise, name).toBe('kept');
    }
    expect(redisKeys(redis.url, 'dup-lab:*-redis-setnx:*')).toEqual([]);
  });

  it('leaves no JVM worker behind: w1 was SIGKILLed, w2 stopped when asked', () => {
    expect(javaWorkers()).toBe('');
    for (const r of result.results) {
      const exits = r.history.filter((o) => o.type === 'worker' && o.event === 'exit');
      expect(exits.map((o) => o.type === 'worker' && `${o.worker} ${o.detail}`), r.variant).toEqual(['w1 signal SIGKILL', 'w2 code 0']);
    }
  });
});

describe('rebalance with the Java client (seed 42, 200 orders, 4 partitions)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, rebalance, { messages: MESSAGES, faults: 1, client: 'java', resources: { keepDataDir: keepDir } });
  }, 300_000);
  const revokePoint = (r: VariantResult) => workerSnapshot(r, 'w1', 'rebalance');

  it('every variant: w1 held, w2 joined, both got partitions; sqlite3 reads the same rows and balance', () => {
    for (const r of result.results) {
      expect(r.error, r.variant).toBeUndefined();
      const assigned = r.history.filter((o) => o.type === 'worker' && o.event === 'assigned').map((o) => o.type === 'worker' && o.worker);
      expect(assigned, r.variant).toEqual(expect.arrayContaining(['w1', 'w2']));
      expect(sqliteEffectCounts(keptSqliteFile(keepDir, 'rebalance', r.variant), MESSAGES), r.variant).toEqual(labEffectCounts(r));
    }
  });

  it('manual commits: what w1 had applied and not committed when its partitions were revoked is redone, exactly', () => {
    for (const name of ['commit-after-batch', 'commit-per-message']) {
      const r = rowOf(result, name);
      expect(r.counts.duplicateEffects, name).toBe(revokePoint(r).appliedNotCommitted);
      // The lab's prediction, from what each JVM worker says it applied (WorkerLedger.java), agrees.
      expect(r.predicted.duplicateEffects, name).toBe(r.counts.duplicateEffects);
      expect(r.counts.neverApplied, name).toBe(0);
    }
    expect(rowOf(result, 'commit-after-batch').counts.duplicateEffects).toBeGreaterThan(1);
    // The hold falls between two messages, after the per-message commit (as kafkajs' does): nothing is left to redo.
    expect(rowOf(result, 'commit-per-message').counts.duplicateEffects).toBe(0);
  });

  it('commit-on-revoke: onPartitionsRevoked commits what w1 handled, between its hold and the revocation: nothing redone', () => {
    const r = rowOf(result, 'commit-on-revoke');
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
    expect(r.promise).toBe('kept');
    const hold = r.history.findIndex((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'hold');
    const revoke = r.history.findIndex((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'rebalance');
    expect(r.history.slice(hold, revoke).some((o) => o.type === 'commit' && o.worker === 'w1' && o.ok)).toBe(true);
    expect(workerSnapshot(r, 'w1', 'hold').appliedNotCommitted).toBeGreaterThan(0);
    expect(r.note).toContain('onPartitionsRevoked');
  });

  it('processed-table keeps its promise, and no JVM worker is left', () => {
    const r = rowOf(result, 'processed-table');
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
    expect(r.promise).toBe('kept');
    expect(javaWorkers()).toBe('');
  });
});

describe('zombie with the Java client (seed 42, 200 orders)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, zombie, { messages: MESSAGES, faults: 1, client: 'java', resources: { keepDataDir: keepDir } });
  }, 300_000);
  const stallPoint = (r: VariantResult) => workerSnapshot(r, 'w1', 'stall');

  it('baseline: the successor redoes what w1 applied uncommitted, the woken w1 applies the rest of its batch, and only its commitSync is refused', () => {
    const r = rowOf(result, 'commit-after-batch');
    const point = stallPoint(r);
    expect(r.error).toBeUndefined();
    expect(r.counts.duplicateEffects).toBe(point.appliedNotCommitted + point.remainingInBatch);
    const refused = r.history.filter((o) => o.type === 'commit' && o.worker === 'w1' && !o.ok);
    expect(refused.map((o) => o.type === 'commit' && o.code)).toEqual(['CommitFailedException']);
    expect(sqliteEffectCounts(keptSqliteFile(keepDir, 'zombie', r.variant), MESSAGES)).toEqual(labEffectCounts(r));
  });

  it('heartbeat-check is skipped, naming what kafka-clients lacks (its heartbeats run on a background thread)', () => {
    const r = rowOf(result, 'heartbeat-check');
    expect(r.skipped).toMatch(/^java has no heartbeat\(\)/);
    expect(r.history).toEqual([]);
  });

  it('processed-table: both workers apply the same messages and the processed row lets only the first through; sqlite3 agrees', () => {
    const r = rowOf(result, 'processed-table');
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0, effects: MESSAGES });
    expect(r.promise).toBe('kept');
    expect(sqliteEffectCounts(keptSqliteFile(keepDir, 'zombie', r.variant), MESSAGES)).toMatchObject({ effects: MESSAGES, duplicateEffects: 0, neverApplied: 0 });
    expect(javaWorkers()).toBe('');
  });
});

// .ci/run installs PostgreSQL; the Java worker writes it through the PostgreSQL JDBC driver.
describe.runIf(postgresAvailable)('the Java worker with the business database in PostgreSQL', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 60_000);
  afterAll(() => pg?.stop());

  it('commit-after-batch and processed-table: psql reads the rows and balance the run counted, in the schemas it kept', async () => {
    const names = ['commit-after-batch', 'processed-table'];
    const result = await runOn(broker, consumerCrash, { variants: names, messages: MESSAGES, faults: 1, client: 'java', resources: { postgres: { url: pg.url }, keepDataDir: keepDir } });
    for (const name of names) {
      const r = rowOf(result, name);
      const [schema] = psqlSchemas(pg.url, 'dup_lab_').filter((s) => s.endsWith(name.replace(/-/g, '_')));
      const e = psqlEffects(pg.url, schema!);
      expect({ effects: e.rows, duplicateEffects: e.rows - e.messages, balanceActual: e.balance }, name).toEqual({
        effects: r.counts.effects,
        duplicateEffects: r.counts.duplicateEffects,
        balanceActual: r.counts.balanceActual,
      });
    }
    expect(rowOf(result, 'commit-after-batch').counts.duplicateEffects).toBe(workerSnapshot(rowOf(result, 'commit-after-batch'), 'w1', 'crash').appliedNotCommitted);
    expect(rowOf(result, 'processed-table').counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
  }, 180_000);
});
