// Unit tests for the chaos proxy's rule engine: per-API ordinals, selectors, limits, seeded probability.
import { describe, it, expect } from 'vitest';
import { RuleEngine, type Decision, type ProxyRule } from '../../../src/chaos/rules.js';

const PRODUCE = 0;
const FETCH = 1;
const OFFSET_COMMIT = 8;

/** The decisions for `n` frames of one API. */
const run = (engine: RuleEngine, apiKey: number, n: number): Decision[] => Array.from({ length: n }, () => engine.decide(apiKey));
/** The 1-based ordinals whose action was not "forward". */
const hitOrdinals = (decisions: Decision[]): number[] => decisions.filter((d) => d.action !== 'forward').map((d) => d.ordinal);

describe('RuleEngine ordinals', () => {
  it('counts frames per API key independently, from 1', () => {
    const engine = new RuleEngine([], 1);
    const seen = [PRODUCE, FETCH, PRODUCE, OFFSET_COMMIT, FETCH, PRODUCE].map((key) => engine.decide(key).ordinal);
    expect(seen).toEqual([1, 1, 2, 1, 2, 3]);
    expect([...engine.framesSeen()]).toEqual([
      [PRODUCE, 3],
      [FETCH, 2],
      [OFFSET_COMMIT, 1],
    ]);
  });

  it('forwards everything when there are no rules', () => {
    const engine = new RuleEngine([], 1);
    expect(engine.decide(PRODUCE)).toEqual({ action: 'forward', ordinal: 1 });
  });
});

describe('RuleEngine selectors', () => {
  it('hits exactly the listed ordinals of its API, whatever other APIs pass by', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', ordinals: [3, 5] }], 1);
    const decisions: Decision[] = [];
    for (let i = 0; i < 6; i++) {
      engine.decide(FETCH);
      decisions.push(engine.decide(PRODUCE));
    }
    expect(hitOrdinals(decisions)).toEqual([3, 5]);
    expect(decisions[2]).toEqual({ action: 'drop-response', ordinal: 3, delayMs: undefined, rule: 0 });
  });

  it('never hits frames of another API', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-request' }], 1);
    expect(hitOrdinals(run(engine, FETCH, 20))).toEqual([]);
    expect(engine.decide(PRODUCE).action).toBe('drop-request');
  });

  it('hits every frame of its API when it has no selector', () => {
    const engine = new RuleEngine([{ api: FETCH, action: 'delay', delayMs: 250 }], 1);
    const decisions = run(engine, FETCH, 4);
    expect(decisions.map((d) => d.action)).toEqual(['delay', 'delay', 'delay', 'delay']);
    expect(decisions.every((d) => d.delayMs === 250 && d.rule === 0)).toBe(true);
  });

  it('hits every Nth frame with `every`', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', every: 3 }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 10))).toEqual([3, 6, 9]);
  });

  it('never hits with `every: 0`', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', every: 0 }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 10))).toEqual([]);
  });

  it('uses `ordinals` over `every` when a rule has both', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', ordinals: [1], every: 2 }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 6))).toEqual([1]);
  });
});

describe('RuleEngine probability', () => {
  const rule = (probability: number): ProxyRule[] => [{ api: PRODUCE, action: 'drop-response', probability }];

  it('makes the same decisions for the same seed', () => {
    const a = run(new RuleEngine(rule(0.3), 42), PRODUCE, 1000);
    const b = run(new RuleEngine(rule(0.3), 42), PRODUCE, 1000);
    expect(a).toEqual(b);
  });

  it('makes different decisions somewhere over 1000 frames for different seeds', () => {
    const a = hitOrdinals(run(new RuleEngine(rule(0.3), 42), PRODUCE, 1000));
    const b = hitOrdinals(run(new RuleEngine(rule(0.3), 43), PRODUCE, 1000));
    expect(a).not.toEqual(b);
  });

  it('hits roughly the given share of frames', () => {
    const hits = hitOrdinals(run(new RuleEngine(rule(0.3), 7), PRODUCE, 1000)).length;
    expect(hits).toBeGreaterThan(200);
    expect(hits).toBeLessThan(400);
  });

  it('never hits with probability 0 and always hits with probability 1', () => {
    for (const seed of [0, 1, 2, 0xffffffff]) {
      expect(hitOrdinals(run(new RuleEngine(rule(0), seed), PRODUCE, 1000))).toEqual([]);
      expect(hitOrdinals(run(new RuleEngine(rule(1), seed), PRODUCE, 1000))).toHaveLength(1000);
    }
  });

  it('does not shift its draws when frames of other APIs pass or rules for other APIs are added', () => {
    const alone = new RuleEngine(rule(0.5), 9);
    const busy = new RuleEngine([{ api: FETCH, action: 'delay', every: 2, delayMs: 5 }, ...rule(0.5)], 9);
    const a: Decision[] = [];
    const b: Decision[] = [];
    for (let i = 0; i < 200; i++) {
      a.push(alone.decide(PRODUCE));
      busy.decide(FETCH);
      b.push(busy.decide(PRODUCE));
    }
    expect(hitOrdinals(b)).toEqual(hitOrdinals(a));
  });

  it('keeps the probabilistic decisions of other frames when an ordinal rule is put in front of it', () => {
    const alone = run(new RuleEngine(rule(0.5), 9), PRODUCE, 200);
    const withOrdinal = run(new RuleEngine([{ api: PRODUCE, action: 'delay', ordinals: [1], delayMs: 5 }, ...rule(0.5)], 9), PRODUCE, 200);
    expect(hitOrdinals(withOrdinal.slice(1))).toEqual(hitOrdinals(alone.slice(1)));
  });
});

describe('RuleEngine limits and precedence', () => {
  it('stops a rule after `limit` hits', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', ordinals: [1, 2, 3, 4], limit: 2 }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 6))).toEqual([1, 2]);
  });

  it('stops a probability-1 rule after `limit` hits', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-request', probability: 1, limit: 3 }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 10))).toEqual([1, 2, 3]);
  });

  it('applies the first matching rule', () => {
    const engine = new RuleEngine(
      [
        { api: PRODUCE, action: 'delay', ordinals: [2], delayMs: 50 },
        { api: PRODUCE, action: 'drop-request', every: 1 },
      ],
      1,
    );
    const [first, second, third] = run(engine, PRODUCE, 3);
    expect(first).toMatchObject({ action: 'drop-request', ordinal: 1, rule: 1 });
    expect(second).toEqual({ action: 'delay', ordinal: 2, delayMs: 50, rule: 0 });
    expect(third).toMatchObject({ action: 'drop-request', ordinal: 3, rule: 1 });
  });

  it('falls through to the next rule once the first one has used its limit', () => {
    const engine = new RuleEngine(
      [
        { api: PRODUCE, action: 'drop-response', limit: 1 },
        { api: PRODUCE, action: 'delay', delayMs: 10 },
      ],
      1,
    );
    expect(run(engine, PRODUCE, 3).map((d) => [d.action, d.rule])).toEqual([
      ['drop-response', 0],
      ['delay', 1],
      ['delay', 1],
    ]);
  });

  it('keeps ordinals counting across setRules, and starts the new rules\' limits from zero', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', limit: 1 }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 3))).toEqual([1]);
    engine.setRules([
      { api: PRODUCE, action: 'drop-request', ordinals: [5] },
      { api: PRODUCE, action: 'drop-response', limit: 1 },
    ]);
    const after = run(engine, PRODUCE, 3);
    // The new rule 0 hits the 5th Produce overall, not the 5th after setRules; rule 1's limit counts afresh.
    expect(after.map((d) => [d.ordinal, d.action, d.rule])).toEqual([
      [4, 'drop-response', 1],
      [5, 'drop-request', 0],
      [6, 'forward', undefined],
    ]);
    expect(engine.framesSeen().get(PRODUCE)).toBe(6);
  });

  it('hits ordinals given out of order', () => {
    const engine = new RuleEngine([{ api: PRODUCE, action: 'drop-response', ordinals: [5, 2] }], 1);
    expect(hitOrdinals(run(engine, PRODUCE, 6))).toEqual([2, 5]);
  });

  it('does not hit a later frame for an ordinal that passed before setRules', () => {
    const engine = new RuleEngine([], 1);
    run(engine, PRODUCE, 3);
    engine.setRules([{ api: PRODUCE, action: 'drop-request', ordinals: [2] }]);
    expect(hitOrdinals(run(engine, PRODUCE, 3))).toEqual([]);
  });

  it('hits only its own ordinal when an earlier rule took that frame', () => {
    const engine = new RuleEngine(
      [
        { api: PRODUCE, action: 'delay', ordinals: [2], delayMs: 5 },
        { api: PRODUCE, action: 'drop-response', ordinals: [2] },
      ],
      1,
    );
    expect(run(engine, PRODUCE, 4).map((d) => d.action)).toEqual(['forward', 'delay', 'forward', 'forward']);
  });
});
