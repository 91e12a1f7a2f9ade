// rebalance and zombie with @confluentinc/kafka-javascript and @platformatic/kafka on a real broker: what each client does
// when the group moves on; sqlite3 reads the effects again, and kcat, joining the group, finds where its offset was left.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rebalance } from '../../scenarios/rebalance.js';
import { zombie } from '../../scenarios/zombie.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { useTestBroker } from './support/broker.js';
import { confluentMissing } from './support/confluent.js';
import { keptSqliteFile, labEffectCounts, sqliteEffectCounts } from './support/databases.js';
import { rowOf, runOn } from './support/results.js';
import { workerSnapshot } from './support/snapshots.js';
import { HOLD_ENDED } from '../../src/workload/worker-handle.js';

const MESSAGES = 200;
const lab = useTestBroker();

/** w1's commits after its SIGCONT, in the order the lab heard of them. */
function commitsAfterWaking(r: VariantResult): Extract<Op, { type: 'commit' }>[] {
  const woke = r.history.findIndex((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'resumed');
  expect(woke, 'w1 was woken').toBeGreaterThan(0);
  return r.history.slice(woke).filter((o): o is Extract<Op, { type: 'commit' }> => o.type === 'commit' && o.worker === 'w1');
}

/** The topic's records from the group's committed offset to the end, as kcat reads them joining the group itself. */
function kcatFromGroupOffset(group: string, topic: string): number {
  const result = spawnSync('kcat', ['-b', lab.broker.bootstrap, '-G', group, '-o', 'stored', '-e', '-q', '-f', '%o\\n', topic], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`kcat failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean).length;
}

/** The group offsets the lab recorded at the end, one per partition, are where kcat, joining the group, starts reading. */
function expectKcatAtGroupOffsets(r: VariantResult, partitions: number): void {
  const offsets = r.history.filter((o): o is Extract<Op, { type: 'group-offset' }> => o.type === 'group-offset');
  expect(offsets.length, r.variant).toBe(partitions);
  expect(r.topics.length, r.variant).toBe(1);
  const left = offsets.reduce((sum, o) => sum + Number(BigInt(o.end) - BigInt(o.committed)), 0);
  expect(kcatFromGroupOffset(offsets[0]!.group, r.topics[0]!), r.variant).toBe(left);
  for (const o of offsets) if (BigInt(o.committed) < BigInt(o.end)) expect(r.note, r.variant).toContain(`offset for p${o.partition} is ${o.committed}, short of ${o.end}`);
}

/** What each client does with the woken w1's commits. */
const WOKEN = {
  confluent: {
    title: "confluent: the broker refuses the woken w1's commits (UNKNOWN_MEMBER_ID), after commitOffsets had resolved",
    check(r: VariantResult, name: string) {
      const refused = commitsAfterWaking(r).filter((c) => !c.ok);
      expect(refused.length, name).toBeGreaterThan(0);
      expect(new Set(refused.map((c) => c.code)), name).toEqual(new Set(['UNKNOWN_MEMBER_ID']));
      expect(refused[0]!.error, name).toContain('after commitOffsets had resolved');
      expect(refused.every((c) => c.unseen), name).toBe(true);
      expect(r.note, name).toContain('though the client had already told w1 it was done');
    },
  },
  platformatic: {
    title: "platformatic: the woken w1's commit goes through (it rejoins and commits again), none is refused",
    check(r: VariantResult, name: string) {
      const commits = commitsAfterWaking(r);
      expect(commits.filter((c) => c.ok).length, name).toBeGreaterThan(0);
      expect(commits.filter((c) => !c.ok), name).toEqual([]);
      expect(r.note, name).toContain('was accepted');
    },
  },
} as const;

describe.each([
  ['confluent', confluentMissing !== null],
  ['platformatic', false],
] as const)('zombie with the %s client (seed 42, 200 orders)', (client, missing) => {
  let result: ScenarioResult;
  const dataDir = join(lab.dataDir, client);
  beforeAll(async () => {
    if (!missing) result = await runOn(lab.broker, zombie, { messages: MESSAGES, faults: 1, keepTopics: true, client, resources: { keepDataDir: dataDir } });
  }, 240_000);

  it.skipIf(missing)('baseline: w2 redoes what w1 had not committed, and every message the woken w1 applies is one more copy (its own count); sqlite3 agrees', () => {
    const r = rowOf(result, 'commit-after-batch');
    expect(r.error).toBeUndefined();
    expect(r.client).toBe(client);
    const stall = workerSnapshot(r, 'w1', 'stall');
    const end = workerSnapshot(r, 'w1', 'end');
    const w2Again = r.history.find((o) => o.type === 'snapshot' && o.worker === 'w2' && o.moment === 'end');
    const afterWaking = end.applied - stall.applied;
    expect(r.counts.duplicateEffects).toBe(stall.appliedNotCommitted + afterWaking + (w2Again?.type === 'snapshot' ? (w2Again.reapplied ?? 0) : 0));
    // Neither client stops its zombie inside the batch: it applies at least the rest of it (how much more varies).
    expect(afterWaking).toBeGreaterThanOrEqual(stall.remainingInBatch);
    expect(sqliteEffectCounts(keptSqliteFile(dataDir, 'zombie', r.variant), MESSAGES)).toEqual(labEffectCounts(r));
  });

  it.skipIf(missing)(WOKEN[client].title, () => {
    for (const name of ['commit-after-batch', 'processed-table']) WOKEN[client].check(rowOf(result, name), name);
  });

  it.skipIf(missing)('the group offset the lab read at the end is where kcat, joining the group, starts reading', () => {
    for (const r of result.results.filter((v) => !v.skipped)) expectKcatAtGroupOffsets(r, 1);
  });

  it.skipIf(missing)('heartbeat-check is skipped, naming the heartbeat() the client lacks; processed-table keeps its promise', () => {
    const skipped = rowOf(result, 'heartbeat-check');
    expect(skipped.skipped).toContain(`${client} has no heartbeat()`);
    const r = rowOf(result, 'processed-table');
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
    expect(r.promise).toBe('kept');
    expect(sqliteEffectCounts(keptSqliteFile(dataDir, 'zombie', r.variant), MESSAGES)).toMatchObject({ effects: MESSAGES, duplicateEffects: 0 });
  });
});

describe.skipIf(confluentMissing !== null)('rebalance with the confluent client (seed 42, 200 orders)', () => {
  let result: ScenarioResult;
  const dataDir = join(lab.dataDir, 'rebalance-confluent');
  beforeAll(async () => {
    result = await runOn(lab.broker, rebalance, { messages: MESSAGES, faults: 1, client: 'confluent', resources: { keepDataDir: dataDir } });
  }, 240_000);

  it('the handler gets no sign of the rebalance: the lab ends the hold once the broker says the group is rebalancing', () => {
    for (const r of result.results) {
      expect(r.error, r.variant).toBeUndefined();
      const ended = r.history.find((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'released');
      expect(ended?.type === 'worker' && ended.by, r.variant).toBe('lab');
      expect(ended?.type === 'worker' && ended.detail, r.variant).toContain('hold ended by the lab');
      const assigned = r.history.filter((o) => o.type === 'worker' && o.event === 'assigned').map((o) => (o.type === 'worker' ? o.worker : ''));
      expect(assigned, r.variant).toEqual(expect.arrayContaining(['w1', 'w2']));
    }
  });

  it('commit-after-batch: librdkafka gives the partitions up only at its next poll, so w1 commits its batch first and nothing is redone', () => {
    const r = rowOf(result, 'commit-after-batch');
    const hold = workerSnapshot(r, 'w1', 'hold');
    expect(hold.appliedNotCommitted).toBeGreaterThan(0);
    const ended = r.history.findIndex((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'released');
    const revoked = r.history.findIndex((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'rebalance');
    expect(r.history.slice(ended, revoked).some((o) => o.type === 'commit' && o.worker === 'w1' && o.ok)).toBe(true);
    expect(workerSnapshot(r, 'w1', 'rebalance').appliedNotCommitted).toBe(0);
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
  });

  it('every variant: duplicates as w1\'s snapshot at the revocation predicts, and sqlite3 reads the same rows and balance', () => {
    for (const r of result.results) {
      expect(r.counts.duplicateEffects, r.variant).toBe(r.variant === 'processed-table' ? 0 : workerSnapshot(r, 'w1', 'rebalance').appliedNotCommitted);
      expect(r.counts.duplicateEffects, r.variant).toBe(r.predicted.duplicateEffects);
      expect(sqliteEffectCounts(keptSqliteFile(dataDir, 'rebalance', r.variant), MESSAGES), r.variant).toEqual(labEffectCounts(r));
    }
  });
});

describe('rebalance with the platformatic client (seed 42, 200 orders)', () => {
  let result: ScenarioResult;
  const dataDir = join(lab.dataDir, 'rebalance-platformatic');
  const ran = () => result.results.filter((r) => !r.skipped);
  beforeAll(async () => {
    result = await runOn(lab.broker, rebalance, { messages: MESSAGES, faults: 1, keepTopics: true, client: 'platformatic', resources: { keepDataDir: dataDir } });
  }, 240_000);

  it('the client rejoins by itself while the handler holds: its rebalance event comes first, then its new assignment, then the hold ends', () => {
    for (const r of ran()) {
      expect(r.error, r.variant).toBeUndefined();
      const at = (match: (o: Op) => boolean, from = 0) => r.history.findIndex((o, i) => i >= from && match(o));
      const held = at((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'hold');
      const noticed = at((o) => o.type === 'snapshot' && o.worker === 'w1' && o.moment === 'rebalance');
      const reassigned = at((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'assigned', noticed);
      const ended = at((o) => o.type === 'worker' && o.worker === 'w1' && o.event === 'released');
      expect(held, r.variant).toBeGreaterThan(0);
      expect(noticed, r.variant).toBeGreaterThan(held);
      expect(reassigned, r.variant).toBeGreaterThan(noticed);
      expect(ended, r.variant).toBeGreaterThan(reassigned);
      const end = r.history[ended];
      expect(end?.type === 'worker' && end.by, r.variant).toBe('rejoin');
      expect(end?.type === 'worker' && end.detail, r.variant).toBe(HOLD_ENDED.rejoin);
    }
  });

  it('every variant: the duplicates are what the workers\' own records say both applied, at least w1\'s uncommitted work, and nothing is skipped; sqlite3 agrees', () => {
    for (const r of ran()) {
      expect(r.counts.neverApplied, r.variant).toBe(0);
      expect(r.counts.duplicateEffects, r.variant).toBe(r.predicted.duplicateEffects);
      if (r.variant !== 'processed-table') expect(r.counts.duplicateEffects, r.variant).toBeGreaterThanOrEqual(workerSnapshot(r, 'w1', 'rebalance').appliedNotCommitted);
      if (r.counts.duplicateEffects! > workerSnapshot(r, 'w1', 'rebalance').appliedNotCommitted) expect(r.note, r.variant).toContain('Applied twice, from the workers\' own records');
      expect(sqliteEffectCounts(keptSqliteFile(dataDir, 'rebalance', r.variant), MESSAGES), r.variant).toEqual(labEffectCounts(r));
    }
  });

  it('the group offsets the lab read at the end are where kcat, joining the group, starts reading (a late commit can leave one short)', () => {
    for (const r of ran()) expectKcatAtGroupOffsets(r, 4);
  });

  it('commit-on-revoke is skipped, naming the revoke callback it lacks; processed-table keeps its promise', () => {
    expect(rowOf(result, 'commit-on-revoke').skipped).toContain('platformatic has no revoke callback');
    const r = rowOf(result, 'processed-table');
    expect(r.counts).toMatchObject({ duplicateEffects: 0, neverApplied: 0 });
    expect(r.promise).toBe('kept');
  });
});
