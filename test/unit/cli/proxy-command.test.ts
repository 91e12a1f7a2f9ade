// Unit tests for the `proxy` command's pure helpers: ordinals, API names, options to rules, and rule descriptions.
import { describe, it, expect } from 'vitest';
import { apiKeyOf, describeRule, ordinal, rulesFromOptions, type RuleOptions } from '../../../src/cli/proxy-command.js';
import { UsageError } from '../../../src/core/errors.js';
import type { ProxyRule } from '../../../src/chaos/rules.js';

/** The UsageError `fn` throws (fails the test if it throws anything else or nothing). */
const usageError = (fn: () => unknown): UsageError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError, nothing was thrown');
};

const rules = (extra: Partial<RuleOptions> = {}): ProxyRule[] => rulesFromOptions({ api: 'produce', ...extra });

describe('ordinal', () => {
  it.each([
    [0, '0th'],
    [1, '1st'],
    [2, '2nd'],
    [3, '3rd'],
    [4, '4th'],
    [9, '9th'],
    [10, '10th'],
    [11, '11th'],
    [12, '12th'],
    [13, '13th'],
    [14, '14th'],
    [21, '21st'],
    [22, '22nd'],
    [23, '23rd'],
    [100, '100th'],
    [101, '101st'],
    [102, '102nd'],
    [111, '111th'],
    [112, '112th'],
    [113, '113th'],
    [121, '121st'],
    [1001, '1001st'],
    [1011, '1011th'],
  ])('writes %d as %s', (n, text) => {
    expect(ordinal(n)).toBe(text);
  });
});

describe('apiKeyOf', () => {
  it.each([
    ['produce', 0],
    ['Produce', 0],
    ['PRODUCE', 0],
    ['fetch', 1],
    ['offsetcommit', 8],
    ['OffsetCommit', 8],
    ['joingroup', 11],
    ['heartbeat', 12],
    ['endtxn', 26],
    ['describecluster', 60],
  ])('reads %j as API key %d', (name, key) => {
    expect(apiKeyOf(name)).toBe(key);
  });

  it.each(['', 'nope', 'offset-commit', 'offset_commit', ' produce', 'produce ', '0', 'toString', 'constructor'])(
    'rejects %j, naming it and suggesting some',
    (name) => {
      expect(usageError(() => apiKeyOf(name)).message).toBe(
        `--api ${name} is not a Kafka API the proxy knows; try produce, fetch, offsetcommit, joingroup, heartbeat`,
      );
    },
  );
});

describe('rulesFromOptions', () => {
  it('gives no rules when no fault is asked for (a pass-through proxy)', () => {
    expect(rules()).toEqual([]);
  });

  it('turns each option into its rule, on the chosen API', () => {
    expect(rulesFromOptions({ api: 'fetch', dropAcksEvery: 3 })).toEqual([{ api: 1, action: 'drop-response', every: 3 }]);
    expect(rules({ dropAcksPercent: 25 })).toEqual([{ api: 0, action: 'drop-response', probability: 0.25 }]);
    expect(rules({ dropRequestsEvery: 2 })).toEqual([{ api: 0, action: 'drop-request', every: 2 }]);
    expect(rules({ dropRequestsPercent: 10 })).toEqual([{ api: 0, action: 'drop-request', probability: 0.1 }]);
    expect(rules({ delayMs: 500 })).toEqual([{ api: 0, action: 'delay', delayMs: 500, every: 1 }]);
    expect(rules({ delayMs: 500, delayEvery: 4 })).toEqual([{ api: 0, action: 'delay', delayMs: 500, every: 4 }]);
  });

  it('turns a percent into a probability', () => {
    expect(rules({ dropAcksPercent: 100 })[0]!.probability).toBe(1);
    expect(rules({ dropAcksPercent: 0.5 })[0]!.probability).toBe(0.005);
    expect(rules({ dropRequestsPercent: 50 })[0]!.probability).toBe(0.5);
  });

  it('combines compatible options, in the order: acks, requests, delay', () => {
    expect(rulesFromOptions({ api: 'OffsetCommit', dropAcksPercent: 20, dropRequestsEvery: 5, delayMs: 100, delayEvery: 2 })).toEqual([
      { api: 8, action: 'drop-response', probability: 0.2 },
      { api: 8, action: 'drop-request', every: 5 },
      { api: 8, action: 'delay', delayMs: 100, every: 2 },
    ]);
  });

  it('keeps a delay of 0 ms as a rule', () => {
    expect(rules({ delayMs: 0 })).toEqual([{ api: 0, action: 'delay', delayMs: 0, every: 1 }]);
  });

  it('rejects dropping acks both every N and by percent, naming both flags', () => {
    const error = usageError(() => rules({ dropAcksEvery: 2, dropAcksPercent: 10 }));
    expect(error.message).toBe('--drop-acks-every and --drop-acks-percent: pick one');
  });

  it('rejects dropping requests both every N and by percent, naming both flags', () => {
    const error = usageError(() => rules({ dropRequestsEvery: 2, dropRequestsPercent: 10 }));
    expect(error.message).toBe('--drop-requests-every and --drop-requests-percent: pick one');
  });

  it('rejects --delay-every without --delay-ms', () => {
    expect(usageError(() => rules({ delayEvery: 3 })).message).toBe('--delay-every needs --delay-ms');
  });

  it('turns --error-after-append-* into an error-response rule with the error code of --error', () => {
    expect(rules({ errorAfterAppendEvery: 10 })).toEqual([{ api: 0, action: 'error-response', every: 10, errorCode: 6 }]);
    expect(rules({ errorAfterAppendPercent: 5, error: 'request_timed_out' })).toEqual([{ api: 0, action: 'error-response', probability: 0.05, errorCode: 7 }]);
  });

  it('rejects --error-after-append-every with --error-after-append-percent, and on any API but produce', () => {
    expect(usageError(() => rules({ errorAfterAppendEvery: 2, errorAfterAppendPercent: 10 })).message).toBe(
      '--error-after-append-every and --error-after-append-percent: pick one',
    );
    expect(usageError(() => rulesFromOptions({ api: 'fetch', errorAfterAppendEvery: 2 })).message).toBe(
      '--error-after-append-* works on produce requests only; drop --api or use --api produce',
    );
    expect(usageError(() => rules({ error: 'request_timed_out' })).message).toBe(
      '--error names the error of --error-after-append-every or --error-after-append-percent; add one of them',
    );
  });

  it('turns --duplicate-fetch-* into a duplicate-fetch rule on Fetch, the only API it works on, without --api', () => {
    expect(rulesFromOptions({ duplicateFetchEvery: 2 })).toEqual([{ api: 1, action: 'duplicate-fetch', every: 2 }]);
    expect(rulesFromOptions({ api: 'fetch', duplicateFetchPercent: 50 })).toEqual([{ api: 1, action: 'duplicate-fetch', probability: 0.5 }]);
    expect(usageError(() => rules({ duplicateFetchEvery: 2 })).message).toBe('--duplicate-fetch-* works on fetch requests only; drop --api or use --api fetch');
    expect(usageError(() => rulesFromOptions({ duplicateFetchEvery: 2, duplicateFetchPercent: 5 })).message).toBe('--duplicate-fetch-every and --duplicate-fetch-percent: pick one');
  });

  it('puts each fault on its own API when --api is not given: produce, or the one API the fault works on', () => {
    expect(rulesFromOptions({ dropAcksEvery: 5, duplicateFetchEvery: 3, errorAfterAppendEvery: 7 })).toEqual([
      { api: 0, action: 'drop-response', every: 5 },
      { api: 0, action: 'error-response', every: 7, errorCode: 6 },
      { api: 1, action: 'duplicate-fetch', every: 3 },
    ]);
  });

  it('refuses an option that takes every request of an API when a later fault acts on the same API', () => {
    expect(usageError(() => rulesFromOptions({ api: 'fetch', delayMs: 300, duplicateFetchEvery: 2 })).message).toBe(
      '--delay-ms takes every fetch request, so --duplicate-fetch-every would never act (one fault per request): choose fewer with --delay-every N, or put them on different APIs',
    );
    expect(usageError(() => rules({ dropAcksEvery: 1, errorAfterAppendPercent: 5 })).message).toBe(
      '--drop-acks-every takes every produce request, so --error-after-append-percent would never act (one fault per request): choose fewer with --drop-acks-every N, or put them on different APIs',
    );
    expect(usageError(() => rules({ dropRequestsPercent: 100, delayMs: 10 })).message).toContain('--drop-requests-percent takes every produce request, so --delay-ms would never act');
    // Different APIs, or every request taken by the last rule: nothing is shadowed.
    expect(rulesFromOptions({ delayMs: 300, duplicateFetchEvery: 2 })).toHaveLength(2);
    expect(rules({ dropAcksEvery: 3, delayMs: 10 })).toHaveLength(2);
  });

  it('takes --delay-percent with --delay-ms, and refuses it without', () => {
    expect(rules({ delayMs: 300, delayPercent: 20 })).toEqual([{ api: 0, action: 'delay', delayMs: 300, probability: 0.2 }]);
    expect(usageError(() => rules({ delayPercent: 20 })).message).toBe('--delay-percent needs --delay-ms');
  });

  it('rejects an unknown API before looking at the other options', () => {
    const error = usageError(() => rulesFromOptions({ api: 'nope', dropAcksEvery: 2, dropAcksPercent: 10 }));
    expect(error.message).toContain('--api nope');
  });
});

describe('describeRule', () => {
  it.each<[ProxyRule, string]>([
    [{ api: 0, action: 'drop-response', every: 1 }, 'drop the response to every Produce after the broker processed it, then reset the connection'],
    [{ api: 0, action: 'drop-response', every: 3 }, 'drop the response to every 3rd Produce after the broker processed it, then reset the connection'],
    [{ api: 0, action: 'drop-response', probability: 0.25 }, 'drop the response to 25% of Produce requests (seeded) after the broker processed it, then reset the connection'],
    [{ api: 1, action: 'drop-request', every: 2 }, 'drop every 2nd Fetch before it reaches the broker'],
    [{ api: 1, action: 'drop-request', every: 11 }, 'drop every 11th Fetch before it reaches the broker'],
    [{ api: 1, action: 'drop-request', probability: 0.1 }, 'drop 10% of Fetch requests (seeded) before it reaches the broker'],
    [{ api: 0, action: 'error-response', every: 10, errorCode: 6 }, 'let the broker append every 10th Produce, then answer the client with NOT_LEADER_OR_FOLLOWER (no reset; acks=0 sends get no answer to change)'],
    [{ api: 0, action: 'error-response', probability: 0.05, errorCode: 7 }, 'let the broker append 5% of Produce requests (seeded), then answer the client with REQUEST_TIMED_OUT (no reset; acks=0 sends get no answer to change)'],
    [{ api: 0, action: 'delay', delayMs: 500, every: 1 }, 'hold every Produce for 500 ms'],
    [{ api: 0, action: 'delay', delayMs: 500, every: 4 }, 'hold every 4th Produce for 500 ms'],
    [{ api: 1, action: 'duplicate-fetch', every: 2 }, 'return the first record batch of every 2nd Fetch answer twice (same offsets; the log holds it once)'],
  ])('describes %j', (rule, text) => {
    expect(describeRule(rule, rule.api === 0 ? 'Produce' : 'Fetch')).toBe(text);
  });

  it('describes every rule the options give', () => {
    const all = rulesFromOptions({ api: 'heartbeat', dropAcksEvery: 21, dropRequestsPercent: 50, delayMs: 250 });
    expect(all.map((r) => describeRule(r, 'Heartbeat'))).toEqual([
      'drop the response to every 21st Heartbeat after the broker processed it, then reset the connection',
      'drop 50% of Heartbeat requests (seeded) before it reaches the broker',
      'hold every Heartbeat for 250 ms',
    ]);
  });

  it('describes --drop-acks-percent 7 as 7%', () => {
    const [rule] = rules({ dropAcksPercent: 7 });
    expect(describeRule(rule!, 'Produce')).toBe('drop the response to 7% of Produce requests (seeded) after the broker processed it, then reset the connection');
  });
});
