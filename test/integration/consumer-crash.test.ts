// consumer-crash on a real broker, real worker processes, SQLite and PostgreSQL, a real Redis; every effect count read again with sqlite3, psql and redis-cli.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCrash } from '../../scenarios/consumer-crash.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import { silentProgress } from '../../src/core/progress.js';
import type { Resources } from '../../src/core/resources.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { findRedis } from '../../src/resources/redis.js';
import { startTestBroker } from './support/broker.js';
import { keptSqliteFile, labEffectCounts, psqlEffects, psqlSchemas, redisKeys, sqliteEffectCounts } from './support/databases.js';
import { workerSnapshot } from './support/snapshots.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from './support/postgres.js';
import { rowOf, runOn } from './support/results.js';

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

function run(variants: string[], resources: Omit<Resources, 'workDir'>): Promise<ScenarioResult> {
  return runOn(broker, consumerCrash, { variants, messages: 200, faults: 1, resources });
}

/** w1's own count at its crash point, from the history (the worker's report, not the read-back). */
const crashPoint = (r: VariantResult) => workerSnapshot(r, 'w1', 'crash');

const sqliteCounts = (r: VariantResult) => sqliteEffectCounts(keptSqliteFile(keepDir, 'consumer-crash', r.variant), 200);

describe('consumer-crash against a real broker (SQLite; seed 42, 200 orders: the README\'s run)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(
      consumerCrash.variants.map((v) => v.name),
      { redis: { url: redis.url }, keepDataDir: keepDir },
    );
  }, 180_000);

  it.each([
    // variant, duplicate effects, never applied (README)
    ['auto-commit', 14, 0],
    ['commit-after-batch', 14, 0],
    ['commit-per-message', 1, 0],
    ['commit-before-process', 0, 6],
    ['redis-setnx', 0, 0],
    ['dedup-window', 0, 0],
    ['processed-table', 0, 0],
  ])('%s: %i duplicate effects, %i never applied; sqlite3 reads the same rows and balance', (name, duplicateEffects, neverApplied) => {
    const r = rowOf(result, name);
    expect(r.counts).toMatchObject({ messages: 200, duplicateEffects, neverApplied });
    expect(sqliteCounts(r)).toEqual({ effects: r.counts.effects, duplicateEffects, neverApplied, balanceActual: r.counts.balanceActual });
  });

  it('auto-commit-handoff: what was committed and still queued is never applied (README: how much, timing decides; 106 on an unloaded machine)', () => {
    const r = rowOf(result, 'auto-commit-handoff');
    // A commit on its way at the SIGKILL may have been taken: at most what w1 applied past its last acknowledged commit is redone.
    expect(r.counts.duplicateEffects).toBeLessThanOrEqual(crashPoint(r).appliedNotCommitted);
    expect(r.counts.neverApplied).toBeGreaterThanOrEqual(crashPoint(r).committedNotApplied);
    expect(r.counts.neverApplied).toBeGreaterThan(0);
    expect(sqliteCounts(r)).toEqual(labEffectCounts(r));
  });

  it('predictions come from w1\'s own count at the crash: redone = applied after its last commit, skipped = committed, not applied', () => {
    for (const r of result.results) {
      const point = crashPoint(r);
      const dedups = ['redis-setnx', 'dedup-window', 'processed-table'].includes(r.variant);
      // Either worker's own re-applies (its partition handed back after a rebalance, on a busy machine) are duplicates too.
      const w2End = r.history.find((o) => o.type === 'snapshot' && o.worker === 'w2' && o.moment === 'end');
      const redone = point.appliedNotCommitted + (point.reapplied ?? 0) + (w2End?.type === 'snapshot' ? (w2End.reapplied ?? 0) : 0);
      expect(r.predicted, r.variant).toEqual({ duplicateEffects: dedups ? 0 : redone, neverApplied: point.committedNotApplied });
      // A commit on its way at the crash (auto-commit-handoff only: kafkajs commits while the background
      // loop applies) may redo less, and skip more, than w1 knew of; the broker took it.
      if (r.variant === 'auto-commit-handoff') {
        expect(r.counts.duplicateEffects, r.variant).toBeLessThanOrEqual(redone);
        expect(r.counts.neverApplied, r.variant).toBeGreaterThanOrEqual(point.committedNotApplied);
      } else {
        if (!dedups) expect(r.counts.duplicateEffects, r.variant).toBe(redone);
        expect(r.counts.neverApplied, r.variant).toBe(point.committedNotApplied);
      }
    }
  });

  it('every duplicate added its amount again; the deduplicating variants keep the balance right', () => {
    expect(rowOf(result, 'commit-after-batch').counts.balanceActual).toBeGreaterThan(rowOf(result, 'commit-after-batch').counts.balanceExpected!);
    for (const name of ['processed-table', 'redis-setnx', 'dedup-window']) {
      const r = rowOf(result, name);
      expect(r.counts.balanceActual, name).toBe(r.counts.balanceExpected);
      expect(r.promise, name).toBe('kept');
    }
  });

  it('redis-setnx: redis-cli finds no claim left behind (each key goes once its offset commit covers the order)', () => {
    expect(redisKeys(redis.url, 'dup-lab:*-redis-setnx:*')).toEqual([]);
  });

  it('every variant crashed one worker with SIGKILL and finished with a second one', () => {
    for (const r of result.results) {
      const events = r.history.flatMap((o) => (o.type === 'worker' ? [`${o.worker}:${o.event}`] : []));
      expect(events, r.variant).toContain('w1:killed');
      expect(events, r.variant).toContain('w2:start');
    }
  });

  it('leaves no worker process of its own behind', () => {
    for (const r of result.results) {
      const exits = r.history.filter((o) => o.type === 'worker' && o.event === 'exit').map((o) => (o.type === 'worker' ? o.worker : ''));
      expect(exits.sort(), r.variant).toEqual(['w1', 'w2']);
    }
  });
});

describe('without Redis, or with a broken one', () => {
  it('the Redis variant shows as skipped with a line saying how to get one', async () => {
    const result = await run(['redis-setnx', 'processed-table'], { redis: { missing: 'no Redis here: install redis-server' } });
    const skipped = result.results.find((r) => r.variant === 'redis-setnx')!;
    expect(skipped.skipped).toMatch(/install redis-server/);
    expect(rowOf(result, 'processed-table').counts.duplicateEffects).toBe(0);
  }, 60_000);

  it('a worker that fails makes an error row, and its worker is gone', async () => {
    const result = await run(['redis-setnx'], { redis: { url: 'redis://127.0.0.1:1' } });
    expect(result.results[0]!.error).toMatch(/worker w1/);
    expect(result.results[0]!.history.some((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'exit')).toBe(true);
  }, 60_000);
});

// .ci/run installs PostgreSQL; elsewhere KAFKA_DUP_LAB_TEST_PG_URL or the installed binaries give one.
describe.runIf(postgresAvailable)('consumer-crash with the business database in PostgreSQL', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 60_000);
  afterAll(() => pg?.stop());

  it('gives the same counts as SQLite, and psql reads the same rows and balance from the schemas the run kept', async () => {
    const names = ['commit-after-batch', 'processed-table'];
    const onPg = await run(names, { postgres: { url: pg.url }, keepDataDir: keepDir });
    const onSqlite = await run(names, {});
    const counts = (r: ScenarioResult) => r.results.map((v) => ({ variant: v.variant, error: v.error, ...v.counts }));
    expect(counts(onPg)).toEqual(counts(onSqlite));
    expect(rowOf(onPg, 'commit-after-batch').counts.duplicateEffects).toBe(14);
    for (const name of names) {
      const r = rowOf(onPg, name);
      const [schema] = psqlSchemas(pg.url, 'dup_lab_').filter((s) => s.endsWith(name.replace(/-/g, '_')));
      const e = psqlEffects(pg.url, schema!);
      expect({ effects: e.rows, duplicateEffects: e.rows - e.messages, balanceActual: e.balance }, name).toEqual({
        effects: r.counts.effects,
        duplicateEffects: r.counts.duplicateEffects,
        balanceActual: r.counts.balanceActual,
      });
    }
  }, 180_000);
});
