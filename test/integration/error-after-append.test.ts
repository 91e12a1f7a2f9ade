// error-after-append on a real broker: the broker appends, the proxy answers NOT_LEADER_OR_FOLLOWER; counts predicted from the fault log and read again with kcat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAfterAppend } from '../../scenarios/error-after-append.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';

const FAULTS = 5;

let broker: RunningBroker;
let result: ScenarioResult;
beforeAll(async () => {
  broker = await startTestBroker();
  result = await runOn(broker, errorAfterAppend, { messages: 1000, faults: FAULTS, keepTopics: true });
}, 180_000);
afterAll(async () => {
  await broker?.stop();
});

/** From the proxy's own fault log, not from the checker: answers it turned into an error after the broker appended. */
const errorAnswers = (h: readonly Op[]) => h.filter((o) => o.type === 'fault' && o.action === 'error-response').length;
const failedIds = (r: VariantResult) => r.history.flatMap((o) => (o.type === 'send' && o.outcome !== 'ok' ? [o.id] : []));
const kcatRead = (r: VariantResult) => kcatMessages(broker.bootstrap, r.topics[0]!);

function story(r: VariantResult): string {
  const faults = r.history.filter((o) => o.type === 'fault').map((o) => `${o.at}ms ${o.type === 'fault' ? o.detail : ''}`);
  const failed = r.history.filter((o) => o.type === 'send' && o.outcome !== 'ok').map((o) => JSON.stringify(o));
  return [`${r.variant}: ${JSON.stringify(r.counts)}`, ...faults, ...failed.slice(0, 20)].join('\n');
}

describe('error-after-append against a real broker (seed 42, 1000 messages, 5 faults)', () => {
  it('the proxy answered 5 Produce requests with NOT_LEADER_OR_FOLLOWER after the broker appended them, on a connection that stayed up', () => {
    for (const r of result.results) {
      expect(errorAnswers(r.history), r.variant).toBe(FAULTS);
      const faults = r.history.filter((o) => o.type === 'fault');
      expect(faults.every((o) => o.type === 'fault' && /the broker appended it; the client was told NOT_LEADER_OR_FOLLOWER/.test(o.detail)), story(r)).toBe(true);
      // No reset: no send saw a connection error, only the error answers (with retries off).
      expect(r.history.some((o) => o.type === 'send' && o.error !== undefined && !/NOT_LEADER_FOR_PARTITION/.test(o.error)), story(r)).toBe(false);
    }
  });

  it('retries: one duplicate per error answer (a lost ack costs one per send in flight)', () => {
    const r = rowOf(result, 'retries');
    expect(r.counts, story(r)).toMatchObject({ sent: 1000, acked: 1000, unknown: 0, failed: 0, observed: 1005, duplicates: 5, lost: 0 });
    expect(r.predicted).toEqual({ duplicates: FAULTS });
    expect(tally(kcatRead(r))).toMatchObject({ records: 1005, duplicates: 5 });
  });

  it('no-retries: 5 sends ended in NOT_LEADER_OR_FOLLOWER, an outcome the lab counts as unknown (KAFKA-13574), and kcat finds every one of them in the log', () => {
    const r = rowOf(result, 'no-retries');
    expect(r.counts, story(r)).toMatchObject({ acked: 995, unknown: 5, unknownInLog: 5, unknownMissing: 0, failed: 0, observed: 1000, duplicates: 0 });
    expect(r.predicted).toEqual({ unknownInLog: FAULTS });
    expect(r.promise).toBe('kept');
    const inLog = new Set(kcatRead(r).map((m) => m.id));
    expect(failedIds(r)).toHaveLength(5);
    expect(failedIds(r).filter((id) => inLog.has(id))).toHaveLength(5);
    expect(tally(kcatRead(r))).toMatchObject({ records: 1000, duplicates: 0 });
  });

  it('idempotent with concurrent sends: kafkajs rolls the sequence back on the error, so losses equal duplicates (timing decides how many)', () => {
    const r = rowOf(result, 'idempotent');
    expect(r.counts.duplicates, story(r)).toBe(r.counts.lost);
    expect(r.counts.lost, story(r)).toBeLessThanOrEqual(FAULTS);
    expect(r.promise).toBe(r.counts.lost === 0 ? 'kept' : 'broken');
    expect(tally(kcatRead(r))).toMatchObject({ records: 1000 - r.counts.lost! + r.counts.duplicates!, duplicates: r.counts.duplicates });
  });

  it('idempotent with one send at a time: the broker answers each retry from its dedup window', () => {
    const r = rowOf(result, 'idempotent-sync');
    expect(r.counts, story(r)).toMatchObject({ acked: 1000, unknown: 0, failed: 0, observed: 1000, duplicates: 0, lost: 0, outOfOrder: 0 });
    expect(r.promise).toBe('kept');
    expect(tally(kcatRead(r))).toEqual({ records: 1000, duplicates: 0, outOfOrder: 0 });
  });
});
