// The same producer faults with @platformatic/kafka and the Apache Java producer instead of kafkajs, on a real broker; every log count read again with kcat.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorAfterAppend } from '../../scenarios/error-after-append.js';
import { producerRetry } from '../../scenarios/producer-retry.js';
import { fetchDuplicate } from '../../scenarios/fetch-duplicate.js';
import type { RunningBroker } from '../../src/broker/provider.js';
import type { ScenarioResult } from '../../src/core/runner.js';
import type { VariantResult } from '../../src/core/types.js';
import { startTestBroker } from './support/broker.js';
import { confluentMissing } from './support/confluent.js';
import { CLI } from './support/cli.js';
import { kcatAvailable, kcatMessages, tally } from './support/kcat.js';
import { rowOf, runOn } from './support/results.js';

let broker: RunningBroker;
beforeAll(async () => {
  broker = await startTestBroker();
}, 120_000);
afterAll(async () => {
  await broker?.stop();
});

/** The proxy's dropped acks and error answers: what a retrying producer resends, from the fault log. */
const faultsIn = (r: VariantResult, action: string) => r.history.filter((o) => o.type === 'fault' && o.action === action).reduce((sum, o) => sum + (o.type === 'fault' ? (o.affected ?? 1) : 0), 0);

/** kcat's count of the topic (records, copies, per-key order), independent of the lab's reader. */
function kcatTally(r: VariantResult) {
  return tally(kcatMessages(broker.bootstrap, r.topics[0]!, 'read_uncommitted'));
}

describe('producer-retry with @platformatic/kafka (seed 42, 1000 messages, 5 lost acks)', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, producerRetry, { messages: 1000, faults: 5, keepTopics: true, client: 'platformatic' });
  }, 180_000);

  it('names its client in the result and on every row', () => {
    expect(result.client?.name).toBe('platformatic');
    expect(result.client?.library).toMatch(/^@platformatic\/kafka \d+\.\d+\.\d+$/);
    for (const r of result.results) expect(r.client).toBe('platformatic');
  });

  it.each([
    // variant, records in the log, duplicates, lost acknowledged sends, failed sends missing from the log (README)
    ['retries', 1025, 25, 0, 0],
    ['no-retries', 1000, 0, 0, 0],
    ['idempotent', 1000, 0, 0, 0],
    ['idempotent-sync', 1000, 0, 0, 0],
  ])('%s: %i records, %i duplicates, %i lost, %i failed and missing; kcat reads the same', (name, observed, duplicates, lost, unknownMissing) => {
    const r = rowOf(result, name);
    expect(r.counts).toMatchObject({ sent: 1000, observed, duplicates, lost, unknownMissing });
    const k = kcatTally(r);
    expect({ records: k.records, duplicates: k.duplicates }).toEqual({ records: observed, duplicates });
  });

  it('no-retries-lost-request: the 5 lost requests are missing, and so is any send platformatic failed itself when it closed the timed-out connection (the note says how many)', () => {
    const r = rowOf(result, 'no-retries-lost-request');
    const dropped = r.history.filter((o) => o.type === 'fault' && o.action === 'drop-request').length;
    expect(dropped).toBe(5);
    expect(r.counts.unknownMissing).toBe(r.counts.unknown);
    expect(r.counts.unknownMissing).toBeGreaterThanOrEqual(dropped);
    expect(r.counts).toMatchObject({ duplicates: 0, lost: 0, observed: 1000 - r.counts.unknownMissing! });
    expect(kcatTally(r)).toMatchObject({ records: 1000 - r.counts.unknownMissing!, duplicates: 0 });
    if (r.counts.unknown! > dropped) expect(r.note).toContain('closes the connection when a request times out');
  });

  it('retries: one copy per dropped ack, as the proxy logged them', () => {
    const r = rowOf(result, 'retries');
    expect(r.counts.duplicates).toBe(faultsIn(r, 'drop-response'));
  });

  it('idempotent: kept, where kafkajs loses and duplicates one pair per lost ack (the note says why)', () => {
    const r = rowOf(result, 'idempotent');
    expect(r.promise).toBe('kept');
    expect(r.note).toContain('@platformatic/kafka numbers each send when it is made');
  });
});

describe('error-after-append with @platformatic/kafka', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runOn(broker, errorAfterAppend, { messages: 1000, faults: 5, keepTopics: true, client: 'platformatic' });
  }, 180_000);

  it.each([
    ['retries', 1005, 5],
    // retries: 0 still repeats a send after NOT_LEADER_OR_FOLLOWER (repeatOnStaleMetadata, default true)
    ['no-retries', 1005, 5],
    ['idempotent', 1000, 0],
    ['idempotent-sync', 1000, 0],
  ])('%s: %i records, %i duplicates; kcat reads the same', (name, observed, duplicates) => {
    const r = rowOf(result, name);
    expect(r.counts).toMatchObject({ sent: 1000, observed, duplicates, lost: 0 });
    expect(faultsIn(r, 'error-response')).toBe(5);
    const k = kcatTally(r);
    expect({ records: k.records, duplicates: k.duplicates }).toEqual({ records: observed, duplicates });
  });

  it('no-retries breaks its promise, and the note names the option that resent', () => {
    const r = rowOf(result, 'no-retries');
    expect(r.promise).toBe('broken');
    expect(r.note).toContain('repeatOnStaleMetadata');
  });
});

describe('producer-retry and error-after-append with the Apache Java producer (kafka-clients, a JVM per variant)', () => {
  let retry: ScenarioResult;
  let errors: ScenarioResult;
  beforeAll(async () => {
    retry = await runOn(broker, producerRetry, { messages: 1000, faults: 5, keepTopics: true, client: 'java' });
    errors = await runOn(broker, errorAfterAppend, { messages: 1000, faults: 5, keepTopics: true, client: 'java' });
  }, 300_000);

  it.each([
    // variant, records in the log, duplicates (README)
    ['retries', 1025, 25],
    ['no-retries', 1000, 0],
    ['idempotent', 1000, 0],
    ['idempotent-sync', 1000, 0],
  ])('producer-retry %s: %i records, %i duplicates, nothing lost; kcat reads the same', (name, observed, duplicates) => {
    const r = rowOf(retry, name);
    expect(r.client).toBe('java');
    expect(r.counts).toMatchObject({ sent: 1000, observed, duplicates, lost: 0 });
    expect({ records: kcatTally(r).records, duplicates: kcatTally(r).duplicates }).toEqual({ records: observed, duplicates });
  });

  it('producer-retry no-retries-lost-request: exactly the 5 lost requests are missing; the other failed sends are in the log', () => {
    const r = rowOf(retry, 'no-retries-lost-request');
    expect(r.counts).toMatchObject({ observed: 995, unknownMissing: 5, duplicates: 0 });
    expect(r.counts.unknownInLog).toBe(r.counts.unknown! - 5);
    expect(kcatTally(r)).toMatchObject({ records: 995, duplicates: 0 });
    if (r.counts.unknownInLog! > 0) expect(r.note).toContain('kafka-clients also failed');
  });

  it.each([
    ['retries', 1005, 5, 0],
    // Unlike @platformatic/kafka, retries=0 means no resend here: the 5 error answers end 5 sends, all in the log.
    ['no-retries', 1000, 0, 5],
    ['idempotent', 1000, 0, 0],
    ['idempotent-sync', 1000, 0, 0],
  ])('error-after-append %s: %i records, %i duplicates, %i failed sends in the log; kcat reads the same', (name, observed, duplicates, unknownInLog) => {
    const r = rowOf(errors, name);
    expect(r.counts).toMatchObject({ sent: 1000, observed, duplicates, lost: 0, unknownInLog });
    expect(faultsIn(r, 'error-response')).toBe(5);
    expect({ records: kcatTally(r).records, duplicates: kcatTally(r).duplicates }).toEqual({ records: observed, duplicates });
  });
});


describe.runIf(!confluentMissing)('producer-retry and error-after-append with @confluentinc/kafka-javascript (librdkafka)', () => {
  let retry: ScenarioResult;
  let errors: ScenarioResult;
  beforeAll(async () => {
    retry = await runOn(broker, producerRetry, { messages: 1000, faults: 5, keepTopics: true, client: 'confluent' });
    errors = await runOn(broker, errorAfterAppend, { messages: 1000, faults: 5, keepTopics: true, client: 'confluent' });
  }, 300_000);

  it.each([
    // variant, records in the log, duplicates, failed sends missing (README)
    ['retries', 1025, 25, 0],
    ['no-retries', 1000, 0, 0],
    ['no-retries-lost-request', 995, 0, 5],
    ['idempotent', 1000, 0, 0],
    ['idempotent-sync', 1000, 0, 0],
  ])('producer-retry %s: %i records, %i duplicates, %i missing; kcat reads the same', (name, observed, duplicates, unknownMissing) => {
    const r = rowOf(retry, name);
    expect(r.client).toBe('confluent');
    expect(r.counts).toMatchObject({ sent: 1000, observed, duplicates, lost: 0, unknownMissing });
    expect({ records: kcatTally(r).records, duplicates: kcatTally(r).duplicates }).toEqual({ records: observed, duplicates });
  });

  it.each([
    ['retries', 1005, 5],
    // retries off, and still one copy per error answer (the note says what is and is not known of why)
    ['no-retries', 1005, 5],
    ['idempotent', 1000, 0],
    ['idempotent-sync', 1000, 0],
  ])('error-after-append %s: %i records, %i duplicates; kcat reads the same', (name, observed, duplicates) => {
    const r = rowOf(errors, name);
    expect(r.counts).toMatchObject({ sent: 1000, observed, duplicates, lost: 0 });
    expect(faultsIn(r, 'error-response')).toBe(5);
    expect({ records: kcatTally(r).records, duplicates: kcatTally(r).duplicates }).toEqual({ records: observed, duplicates });
  });
});

describe('a scenario a client does not run yet', () => {
  it('gives skipped rows that name the clients it runs with, and runs nothing', async () => {
    const result = await runOn(broker, fetchDuplicate, { messages: 100, faults: 1, client: 'platformatic' });
    for (const r of result.results) {
      expect(r.skipped).toBe('fetch-duplicate runs with kafkajs so far, not platformatic');
      expect(r.history).toEqual([]);
    }
  });
});

describe.runIf(kcatAvailable)('run --client on the command line', () => {
  it('refuses an unknown client with one line and exit 2', () => {
    const r = spawnSync(process.execPath, [CLI, 'run', 'producer-retry', '--client', 'rdkafka', '--bootstrap', broker.bootstrap], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('kafka-dup-lab: --client rdkafka is not a client the lab drives; pick kafkajs, platformatic, confluent, java, or all');
  });
});
