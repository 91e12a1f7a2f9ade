// producer-retry and acks-zero on a real broker: exact counts for the seed, predictions from the proxy's fault log, every count read again with kcat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acksZero } from '../../scenarios/acks-zero.js';
import { producerRetry } from '../../scenarios/producer-retry.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { Op, VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { rowOf, runOn } from './support/results.js';
import { kcatMessages, tally } from './support/kcat.js';

const FAULTS = 5;
const CONCURRENCY = 5;

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

/** From the proxy's own fault log, not from the checker: acks it dropped of stored messages, requests it swallowed. */
const droppedAcks = (h: readonly Op[]) => h.reduce((n, o) => n + (o.type === 'fault' && o.action === 'drop-response' ? (o.affected ?? 0) : 0), 0);
const droppedRequests = (h: readonly Op[]) => h.filter((o) => o.type === 'fault' && o.action === 'drop-request').length;

/** The faults and failed sends of a row, printed when an assertion fails. */
function story(r: VariantResult): string {
  const faults = r.history.filter((o) => o.type === 'fault').map((o) => `${o.at}ms ${o.type === 'fault' ? o.detail : ''}`);
  const failed = r.history.filter((o) => o.type === 'send' && o.outcome !== 'ok').map((o) => JSON.stringify(o));
  return [`${r.variant}: ${JSON.stringify(r.counts)}`, ...faults, ...failed.slice(0, 20)].join('\n');
}

/** The topic as kcat reads it: records, copies and per-key disorder counted in the test, not by the lab. */
const kcatTally = (r: VariantResult) => tally(kcatMessages(broker.bootstrap, r.topics[0]!));

describe('producer-retry against a real broker (seed 42, 1000 messages, 5 faults: the README\'s run)', () => {
  let first: ScenarioResult;
  beforeAll(async () => {
    first = await runOn(broker, producerRetry, { messages: 1000, faults: FAULTS, keepTopics: true });
  }, 120_000);

  it('retries: each reset drops the acks of all 5 sends in flight; each becomes exactly one duplicate (25)', () => {
    const r = rowOf(first, 'retries');
    expect(droppedAcks(r.history)).toBe(FAULTS * CONCURRENCY);
    expect(r.counts, story(r)).toMatchObject({ sent: 1000, acked: 1000, observed: 1025, duplicates: 25, lost: 0, outOfOrder: 0 });
    expect(r.predicted).toEqual({ duplicates: droppedAcks(r.history) });
    expect(kcatTally(r)).toEqual({ records: 1025, duplicates: 25, outOfOrder: 0 });
  });

  it("the history records kafkajs' retries: one first retry per dropped ack with retries on, none with retries off", () => {
    const retries = (variant: string) => rowOf(first, variant).history.filter((o) => o.type === 'retry');
    expect(retries('retries').length).toBe(droppedAcks(rowOf(first, 'retries').history));
    expect(retries('retries').every((o) => o.type === 'retry' && o.attempt === 1 && o.delayMs === 300)).toBe(true);
    expect(retries('no-retries')).toEqual([]);
    expect(retries('no-retries-lost-request')).toEqual([]);
  });

  it('no-retries: no duplicates, and all 25 failed sends are in the log anyway', () => {
    const r = rowOf(first, 'no-retries');
    expect(r.counts, story(r)).toMatchObject({ acked: 975, unknown: 25, unknownInLog: 25, unknownMissing: 0, observed: 1000, duplicates: 0 });
    expect(r.promise).toBe('kept');
    expect(kcatTally(r)).toEqual({ records: 1000, duplicates: 0, outOfOrder: 0 });
  });

  it('no-retries-lost-request: the 5 requests that never reached the broker are 5 messages missing, nothing duplicated', () => {
    const r = rowOf(first, 'no-retries-lost-request');
    expect(droppedRequests(r.history)).toBe(FAULTS);
    expect(r.counts, story(r)).toMatchObject({ duplicates: 0, unknown: FAULTS, unknownMissing: FAULTS, unknownInLog: 0, observed: 995 });
    expect(r.predicted).toEqual({ unknownMissing: droppedRequests(r.history) });
    expect(r.promise).toBe('kept');
    expect(kcatTally(r)).toEqual({ records: 995, duplicates: 0, outOfOrder: 0 });
  });

  it('idempotent with concurrent sends: kafkajs reuses a rolled-back sequence number; losses equal duplicates (README: timing decides how many)', () => {
    const r = rowOf(first, 'idempotent');
    expect(droppedAcks(r.history)).toBe(FAULTS);
    expect(r.counts.lost, story(r)).toBeGreaterThan(0);
    expect(r.counts.lost, story(r)).toBeLessThanOrEqual(FAULTS);
    expect(r.counts.duplicates, story(r)).toBe(r.counts.lost);
    expect(r.promise).toBe('broken');
    expect(kcatTally(r)).toEqual({ records: 1000, duplicates: r.counts.duplicates, outOfOrder: 0 });
  });

  it('idempotent with one send at a time keeps every promise', () => {
    const r = rowOf(first, 'idempotent-sync');
    expect(droppedAcks(r.history)).toBe(FAULTS);
    expect(r.counts).toMatchObject({ duplicates: 0, lost: 0, outOfOrder: 0, observed: 1000 });
    expect(r.promise).toBe('kept');
    expect(kcatTally(r)).toEqual({ records: 1000, duplicates: 0, outOfOrder: 0 });
  });

  it('the same seed gives the same counts (the idempotent row by its relation)', async () => {
    const again = await runOn(broker, producerRetry, { messages: 1000, faults: FAULTS });
    const stable = (r: VariantResult) => {
      const { sent, acked, unknown, unknownMissing, observed, duplicates, lost, outOfOrder } = r.counts;
      if (r.variant === 'idempotent') return { variant: r.variant, sent, acked, unknown, lostEqualsDuplicates: lost === duplicates, outOfOrder };
      return { variant: r.variant, sent, acked, unknown, unknownMissing, observed, duplicates, lost, outOfOrder };
    };
    expect(again.results.map(stable), again.results.map(story).join('\n')).toEqual(first.results.map(stable));
  }, 120_000);
});

describe('acks-zero against a real broker', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, acksZero, { messages: 1000, faults: FAULTS, keepTopics: true });
  }, 120_000);

  it('acks=0: every send "acked", each swallowed request a message missing, as the proxy\'s log predicts', () => {
    const r = rowOf(result, 'acks-0');
    expect(droppedRequests(r.history)).toBe(FAULTS);
    expect(r.counts, story(r)).toMatchObject({ sent: 1000, acked: 1000, observed: 995, lost: FAULTS, duplicates: 0 });
    expect(r.predicted).toEqual({ lost: FAULTS });
    expect(kcatTally(r)).toEqual({ records: 995, duplicates: 0, outOfOrder: 0 });
  });

  it('acks=all: the swallowed requests time out and are sent again; nothing lost', () => {
    const r = rowOf(result, 'acks-all');
    expect(droppedRequests(r.history)).toBe(FAULTS);
    expect(r.counts, story(r)).toMatchObject({ sent: 1000, acked: 1000, observed: 1000, lost: 0, duplicates: 0, outOfOrder: FAULTS });
    expect(r.promise).toBe('kept');
    // The retries land after later sends (five in flight): the reorder scenario's subject; both readers agree on it.
    expect(kcatTally(r)).toEqual({ records: 1000, duplicates: 0, outOfOrder: r.counts.outOfOrder });
  });
});
