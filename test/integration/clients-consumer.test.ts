// consumer-crash with @confluentinc/kafka-javascript (librdkafka), and dual-write with it and with the Java client, in the worker processes, on a real broker and Redis; every count read again with sqlite3 or kcat.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCrash } from '../../scenarios/consumer-crash.js';
import { dualWrite } from '../../scenarios/dual-write.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import { silentProgress } from '../../src/core/progress.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { findRedis } from '../../src/resources/redis.js';
import { startTestBroker } from './support/broker.js';
import { confluentMissing } from './support/confluent.js';
import { keptSqliteFile, labEffectCounts, sqliteEffectCounts } from './support/databases.js';
import { workerSnapshot } from './support/snapshots.js';
import { rowOf, runOn } from './support/results.js';
import { dualWriteAgreement } from './support/dual-write.js';

const MESSAGES = 200;
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

/** w1's own count at its crash point, from the history (the worker's report, not the read-back). */
const crashPoint = (r: VariantResult) => workerSnapshot(r, 'w1', 'crash');

const sqliteCounts = (r: VariantResult) => sqliteEffectCounts(keptSqliteFile(keepDir, 'consumer-crash', r.variant), MESSAGES);

const DEDUPS = ['redis-setnx', 'dedup-window', 'processed-table'];

describe.skipIf(confluentMissing !== null)('consumer-crash with @confluentinc/kafka-javascript (seed 42, 200 orders)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, consumerCrash, { messages: MESSAGES, faults: 1, client: 'confluent', resources: { redis: { url: redis.url }, keepDataDir: keepDir } });
  }, 240_000);

  it('runs every variant with the confluent client, and sqlite3 reads the same rows, duplicates, gaps and balance', () => {
    for (const r of result.results) {
      expect(r.client, r.variant).toBe('confluent');
      expect(r.error, r.variant).toBeUndefined();
      expect(sqliteCounts(r), r.variant).toEqual(labEffectCounts(r));
    }
  });

  it('predictions come from w1\'s own count at the crash, its commits asked of the broker there: redone = applied after the last commit', () => {
    for (const r of result.results) {
      const point = crashPoint(r);
      const dedups = DEDUPS.includes(r.variant);
      if (r.variant === 'auto-commit-handoff' || r.variant === 'auto-commit') {
        // librdkafka's timer may commit between the broker's answer and the SIGKILL: at most that much less is redone, more skipped.
        expect(r.counts.duplicateEffects, r.variant).toBeLessThanOrEqual(point.appliedNotCommitted + (point.reapplied ?? 0));
        expect(r.counts.neverApplied, r.variant).toBeGreaterThanOrEqual(point.committedNotApplied);
      } else if (!dedups) {
        expect(r.counts.duplicateEffects, r.variant).toBe(r.predicted.duplicateEffects);
        expect(r.counts.neverApplied, r.variant).toBe(point.committedNotApplied);
      }
    }
  });

  it('auto-commit: librdkafka commits on its 5 s timer, not after each batch; the note says which it was', () => {
    const r = rowOf(result, 'auto-commit');
    const point = crashPoint(r);
    expect(r.counts.duplicateEffects).toBeLessThanOrEqual(point.appliedNotCommitted);
    expect(r.note).toContain('auto.commit.interval.ms');
    expect(r.note).toContain(point.appliedNotCommitted === point.applied ? 'before the first commit' : 'after the last commit');
  });

  it('manual commits behave as with kafkajs: a batch redone, one message redone, the rest of a batch committed first never applied', () => {
    expect(rowOf(result, 'commit-after-batch').counts.duplicateEffects).toBeGreaterThan(1);
    expect(rowOf(result, 'commit-per-message').counts).toMatchObject({ duplicateEffects: 1, neverApplied: 0 });
    const first = rowOf(result, 'commit-before-process');
    expect(first.counts.duplicateEffects).toBe(0);
    expect(first.counts.neverApplied).toBeGreaterThan(0);
  });

  it('the deduplicating variants keep their promise, and their notes do not credit a commit for it', () => {
    for (const name of DEDUPS) {
      const r = rowOf(result, name);
      expect(r.counts, name).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
      expect(r.counts.balanceActual, name).toBe(r.counts.balanceExpected);
      expect(r.promise, name).toBe('kept');
      expect(r.note, name).not.toContain('a newer commit was on its way');
    }
  });
});

describe.each([
  ['confluent', confluentMissing !== null],
  ['java', false],
] as const)('dual-write with the %s client (seed 42, 200 orders)', (client, missing) => {
  let result: ScenarioResult;
  const dataDir = join(keepDir, `dual-write-${client}`);
  beforeAll(async () => {
    if (!missing) result = await runOn(broker, dualWrite, { messages: MESSAGES, faults: 1, keepTopics: true, client, resources: { keepDataDir: dataDir } });
  }, 240_000);

  /** Rows (sqlite3) against events (kcat, read_committed), counted in the test. */
  const agreement = (r: VariantResult) => dualWriteAgreement(broker.bootstrap, dataDir, r);

  it.skipIf(missing)('naive: the one row caught between its write and its event never gets an event', () => {
    const r = rowOf(result, 'naive');
    expect(r.client).toBe(client);
    expect(r.counts).toMatchObject({ missingEvents: 1, disagreements: 1 });
    expect(agreement(r)).toEqual({ rows: MESSAGES, duplicateRows: 0, events: MESSAGES - 1, duplicateEvents: 0 });
  });

  it.skipIf(missing)('kafka-transaction-only: the aborted batch\'s rows are written again, as w1\'s own record predicts; events exactly once', () => {
    const r = rowOf(result, 'kafka-transaction-only');
    const redone = crashPoint(r).appliedNotCommitted;
    expect(redone).toBeGreaterThan(0);
    expect(r.counts).toMatchObject({ duplicateEffects: redone, duplicates: 0, disagreements: redone });
    expect(agreement(r)).toEqual({ rows: MESSAGES + redone, duplicateRows: redone, events: MESSAGES, duplicateEvents: 0 });
  });

  it.skipIf(missing)('leaves no transform worker behind (a JVM for java, a Node process for confluent)', () => {
    const worker = client === 'java' ? 'LabTransformer' : 'processes/transform-worker.js';
    expect(spawnSync('pgrep', ['-f', worker]).stdout.toString().trim()).toBe('');
  });

  it.skipIf(missing)('outbox: database and topic agree, though the consumer and the relay were killed', () => {
    const r = rowOf(result, 'outbox');
    expect(r.promise).toBe('kept');
    expect(agreement(r)).toEqual({ rows: MESSAGES, duplicateRows: 0, events: MESSAGES, duplicateEvents: 0 });
  });
});
