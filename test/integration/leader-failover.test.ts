// leader-failover on a real three-broker KRaft cluster: the leader SIGKILLed while producing; counts predicted from the lab's record at the crash and read again with kcat from the survivors.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderFailover } from '../../scenarios/leader-failover.js';
import { startLocalCluster } from '../../src/broker/local-cluster.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ClusterControl } from '../../src/core/cluster.js';
import { silentProgress } from '../../src/core/progress.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { DEFAULT_KAFKA_VERSION } from '../../src/broker/versions.js';
import { liveBrokerIds } from '../../src/kafka/client.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';

const MESSAGES = 300;
/** The sends the scenario makes while the followers are stalled (scenarios/leader-failover.ts). */
const STALLED = 20;

let cluster: RunningBroker & { control: ClusterControl };
let result: ScenarioResult;
let startMs = 0;
let liveAtStart: number[] = [];
beforeAll(async () => {
  const started = performance.now();
  cluster = await startLocalCluster(DEFAULT_KAFKA_VERSION, 3, silentProgress);
  startMs = performance.now() - started;
  liveAtStart = await liveBrokerIds(cluster.bootstrap);
  result = await runOn(cluster, leaderFailover, { messages: MESSAGES, faults: 1, keepTopics: true, resources: { cluster: { control: cluster.control } } });
}, 300_000);
afterAll(async () => {
  await cluster?.stop();
});

type Fault = Extract<Op, { type: 'fault' }>;
const faults = (r: VariantResult, action: string) => r.history.filter((o): o is Fault => o.type === 'fault' && o.action === action);
/** From the lab's own record at the crash: sends the crashed leader had acknowledged on its own. */
const ackedAlone = (r: VariantResult) => faults(r, 'crash-leader')[0]!.affected!;
const crashedLeader = (r: VariantResult) => Number(/leader (\d+) crashed/.exec(faults(r, 'crash-leader')[0]!.detail)![1]);
/** Read by kcat (librdkafka) from the brokers that never crashed in this variant. */
const kcatRead = (r: VariantResult) => {
  const survivors = cluster.control.brokerIds.filter((id) => id !== crashedLeader(r)).map((id) => cluster.control.addressOf(id));
  return kcatMessages(survivors.join(','), r.topics[0]!, 'read_uncommitted');
};
const ackedIds = (r: VariantResult) => r.history.flatMap((o) => (o.type === 'send' && o.outcome === 'ok' ? [o.id] : []));
const story = (r: VariantResult) => [`${r.variant}: ${JSON.stringify(r.counts)}`, ...r.history.filter((o) => o.type === 'fault').map((o) => `${o.at}ms ${(o as Fault).detail}`)].join('\n');

describe('the lab cluster', () => {
  it('starts a controller and three brokers, each its own JVM, and every broker is live', () => {
    expect(cluster.control.brokerIds).toEqual([1, 2, 3]);
    expect(liveAtStart.sort()).toEqual([1, 2, 3]);
    expect(startMs, 'start took (ms)').toBeLessThan(60_000);
  });
});

describe('leader-failover on three brokers (seed 42, 300 messages)', () => {
  it('every variant stalled the followers, crashed the leader, and the lab restored the cluster after it: three live brokers, none stopped', async () => {
    for (const r of result.results) {
      expect(r.error, r.variant).toBeUndefined();
      expect(faults(r, 'stall-followers'), story(r)).toHaveLength(1);
      expect(faults(r, 'crash-leader'), story(r)).toHaveLength(1);
    }
    expect(cluster.control.down()).toEqual([]);
    expect((await liveBrokerIds(cluster.bootstrap)).sort()).toEqual([1, 2, 3]);
    // No JVM left in state T (SIGSTOPped): ps lists every java process's state.
    const states = spawnSync('ps', ['-o', 'stat=', '-C', 'java'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    expect(states.filter((st) => st.startsWith('T'))).toEqual([]);
  });

  it('acks=1: every send the leader acknowledged alone is lost, exactly as recorded at the crash, and kcat finds none of them', () => {
    const r = rowOf(result, 'acks-1');
    expect(ackedAlone(r), story(r)).toBe(STALLED);
    expect(r.counts, story(r)).toMatchObject({ sent: MESSAGES, acked: MESSAGES, failed: 0, observed: MESSAGES - STALLED, lost: STALLED, duplicates: 0 });
    expect(r.predicted).toEqual({ lost: STALLED });
    const read = kcatRead(r);
    expect(tally(read)).toMatchObject({ records: MESSAGES - STALLED, duplicates: 0 });
    const inLog = new Set(read.map((m) => m.id));
    expect(ackedIds(r).filter((id) => !inLog.has(id))).toHaveLength(STALLED);
    expect(faults(r, 'new-leader')[0]!.detail).not.toContain(`broker ${crashedLeader(r)} leads`);
  });

  it('acks=all, min.insync.replicas=2: nothing was acknowledged while the followers stalled, and nothing acknowledged is lost', () => {
    const r = rowOf(result, 'acks-all-min-isr-2');
    expect(ackedAlone(r), story(r)).toBe(0);
    expect(r.counts, story(r)).toMatchObject({ acked: MESSAGES, failed: 0, observed: MESSAGES, lost: 0, duplicates: 0 });
    expect(r.promise).toBe('kept');
    expect(tally(kcatRead(r))).toMatchObject({ records: MESSAGES, duplicates: 0 });
  });

  it('acks=all, min.insync.replicas=1 with the leader alone in its ISR: no leader until the old one restarts; its disk kept every acknowledgement', () => {
    const r = rowOf(result, 'acks-all-min-isr-1');
    expect(faults(r, 'isr-shrink'), story(r)).toHaveLength(1);
    expect(ackedAlone(r), story(r)).toBe(STALLED);
    expect(faults(r, 'offline')[0]!.detail, story(r)).toMatch(/had no leader .*still none/);
    expect(faults(r, 'restart-leader'), story(r)).toHaveLength(1);
    expect(r.counts, story(r)).toMatchObject({ acked: MESSAGES, observed: MESSAGES, lost: 0, duplicates: 0 });
    expect(r.promise).toBe('kept');
    expect(tally(kcatRead(r))).toMatchObject({ records: MESSAGES, duplicates: 0 });
  });

  it('unclean election: a stale follower leads, and the sends the old leader acknowledged alone are lost, with acks=all', () => {
    const r = rowOf(result, 'unclean-election');
    expect(ackedAlone(r), story(r)).toBe(STALLED);
    expect(faults(r, 'new-leader')[0]!.detail).not.toContain(`broker ${crashedLeader(r)} leads`);
    expect(r.counts, story(r)).toMatchObject({ acked: MESSAGES, observed: MESSAGES - STALLED, lost: STALLED, duplicates: 0 });
    expect(r.predicted).toEqual({ lost: STALLED });
    expect(r.promise).toBe('broken');
    expect(tally(kcatRead(r))).toMatchObject({ records: MESSAGES - STALLED, duplicates: 0 });
  });
});
