// consumer-crash on a real broker, real worker processes, SQLite and PostgreSQL, and a real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCrash } from '../../scenarios/consumer-crash.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import { silentProgress } from '../../src/core/progress.js';
import type { Resources } from '../../src/core/resources.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import { findRedis } from '../../src/resources/redis.js';
import { startTestBroker } from './support/broker.js';
import { rowOf, runOn } from './support/results.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from './support/postgres.js';
import { processesMatching } from './support/processes.js';

const WORKER = 'processes/worker.js';

let broker: RunningBroker;
let redis: { url: string; stop(): Promise<void> };
beforeAll(async () => {
  broker = await startTestBroker();
  const found = await findRedis(undefined, silentProgress);
  if (!('url' in found)) throw new Error(`these tests need Redis: ${found.missing}`);
  redis = found;
});
afterAll(async () => {
  await redis?.stop();
  await broker?.stop();
});

function run(variants: string[], resources: Omit<Resources, 'workDir'>): Promise<ScenarioResult> {
  return runOn(broker, consumerCrash, { variants, messages: 200, faults: 1, resources });
}


describe('consumer-crash against a real broker (SQLite)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await run(
      consumerCrash.variants.map((v) => v.name),
      { redis: { url: redis.url } },
    );
  });

  it('commit-after-batch: duplicate effects equal the prediction from the crash point', () => {
    const r = rowOf(result, 'commit-after-batch');
    expect(r.counts.duplicateEffects).toBeGreaterThan(0);
    expect(r.counts.duplicateEffects).toBe(r.predicted.duplicateEffects);
    expect(r.counts.neverApplied).toBe(0);
    // Every duplicate added its amount again: the balance is too high.
    expect(r.counts.balanceActual).toBeGreaterThan(r.counts.balanceExpected!);
  });

  it('kafkajs auto-commit redoes the cut batch like a manual commit after each batch', () => {
    const auto = rowOf(result, 'auto-commit');
    expect(auto.counts.duplicateEffects).toBe(auto.predicted.duplicateEffects);
    expect(auto.counts.duplicateEffects).toBe(rowOf(result, 'commit-after-batch').counts.duplicateEffects);
  });

  it('auto-commit with an async handoff loses the queued work', () => {
    const r = rowOf(result, 'auto-commit-handoff');
    expect(r.counts.neverApplied).toBeGreaterThan(0);
    expect(r.counts.neverApplied).toBe(r.predicted.neverApplied);
    expect(r.counts.duplicateEffects).toBe(0);
  });

  it('commit-per-message: exactly one duplicate', () => {
    expect(rowOf(result, 'commit-per-message').counts.duplicateEffects).toBe(1);
  });

  it('commit-before-process: loss, no duplicates', () => {
    const r = rowOf(result, 'commit-before-process');
    expect(r.counts.neverApplied).toBeGreaterThan(0);
    expect(r.counts.neverApplied).toBe(r.predicted.neverApplied);
    expect(r.counts.duplicateEffects).toBe(0);
  });

  it.each(['processed-table', 'redis-setnx', 'dedup-window'])('%s: no duplicate effect, nothing lost, balance right', (name) => {
    const r = rowOf(result, name);
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0, effects: 200 });
    expect(r.counts.balanceActual).toBe(r.counts.balanceExpected);
    expect(r.promise).toBe('kept');
  });

  it('every variant crashed one worker with SIGKILL and finished with a second one', () => {
    for (const r of result.results) {
      const events = r.history.filter((o) => o.type === 'worker').map((o) => (o.type === 'worker' ? `${o.worker}:${o.event}` : ''));
      expect(r.history.some((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'crash'), r.variant).toBe(true);
      expect(events, r.variant).toContain('w1:killed');
      expect(events, r.variant).toContain('w2:start');
    }
  });

  it('leaves no worker process behind', () => {
    expect(processesMatching(WORKER)).toEqual([]);
  });
});

describe('without Redis, or with a broken one', () => {
  it('the Redis variant shows as skipped with a line saying how to get one', async () => {
    const result = await run(['redis-setnx', 'processed-table'], { redis: { missing: 'no Redis here: install redis-server' } });
    const skipped = result.results.find((r) => r.variant === 'redis-setnx')!;
    expect(skipped.skipped).toMatch(/install redis-server/);
    expect(rowOf(result, 'processed-table').counts.duplicateEffects).toBe(0);
  });

  it('a worker that fails makes an error row, and no worker is left behind', async () => {
    const result = await run(['redis-setnx'], { redis: { url: 'redis://127.0.0.1:1' } });
    expect(result.results[0]!.error).toMatch(/worker w1/);
    expect(processesMatching(WORKER)).toEqual([]);
  });
});

// PostgreSQL runs wherever its binaries are installed (.ci/run installs them) or KAFKA_DUP_LAB_TEST_PG_URL is set.
describe.runIf(postgresAvailable)('consumer-crash with the business database in PostgreSQL', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(() => pg?.stop());

  it('gives the same counts as SQLite', async () => {
    const names = ['commit-after-batch', 'processed-table'];
    const onPg = await run(names, { postgres: { url: pg.url } });
    const onSqlite = await run(names, {});
    const counts = (r: ScenarioResult) => r.results.map((v) => ({ variant: v.variant, error: v.error, ...v.counts }));
    expect(counts(onPg)).toEqual(counts(onSqlite));
    expect(rowOf(onPg, 'processed-table').counts.duplicateEffects).toBe(0);
    expect(rowOf(onPg, 'commit-after-batch').counts.duplicateEffects).toBeGreaterThan(0);
  });
});
