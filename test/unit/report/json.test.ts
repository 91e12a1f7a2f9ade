// Unit tests for the --json report: schema id, the history and timeline opt-ins, and the kept topics.
import { describe, it, expect } from 'vitest';
import { RUN_SCHEMA, toJsonReport } from '../../../src/report/json.js';
import { timelineLines } from '../../../src/report/timeline.js';
import type { RunningBroker } from '../../../src/broker/provider.js';
import { results, run } from './fixtures.js';

const broker: RunningBroker = {
  bootstrap: '127.0.0.1:9092',
  provider: 'local',
  kafkaVersion: '4.1.1',
  description: 'local Apache Kafka 4.1.1',
  stop: async () => undefined,
};

describe('toJsonReport', () => {
  it('names its schema and describes the broker, without the bootstrap or stop()', () => {
    const report = toJsonReport([run], { broker });
    expect(RUN_SCHEMA).toBe('kafka-dup-lab/run/v1');
    expect(report.schema).toBe('kafka-dup-lab/run/v1');
    expect(report.broker).toEqual({ provider: 'local', kafkaVersion: '4.1.1', description: 'local Apache Kafka 4.1.1' });
  });

  it('carries each scenario\'s run parameters and every variant, in order', () => {
    const [only] = toJsonReport([run], { broker }).scenarios;
    expect(only).toMatchObject({ name: 'demo', summary: run.summary, seed: 42, messages: 100, faults: 5 });
    expect(only!.variants.map((v) => v.variant)).toEqual(['baseline', 'idempotent', 'concurrent', 'redis', 'crashy']);
    expect(only!.variants[2]).toMatchObject({ promise: 'broken', brokenBy: ['duplicates', 'lost'], counts: { duplicates: 3 } });
    expect(only!.variants[3]!.skipped).toBe('no Redis at localhost:6379');
    expect(only!.variants[4]!.error).toBe('broker went away');
  });

  it('leaves out the history and the repeated scenario name by default', () => {
    for (const variant of toJsonReport([run], { broker }).scenarios[0]!.variants) {
      expect(variant).not.toHaveProperty('history');
      expect(variant).not.toHaveProperty('scenario');
    }
  });

  it('includes the history when asked', () => {
    const variants = toJsonReport([run], { broker }, { history: true }).scenarios[0]!.variants;
    expect(variants[0]!.history).toEqual([{ type: 'phase', at: 0, name: 'produce' }]);
    expect(variants[1]!.history).toEqual([]);
    expect(variants[0]).not.toHaveProperty('scenario');
  });

  it('leaves out the timeline unless asked', () => {
    for (const options of [{}, { timeline: false }, { history: true }]) {
      for (const variant of toJsonReport([run], { broker }, options).scenarios[0]!.variants) expect(variant).not.toHaveProperty('timeline');
    }
  });

  it('includes each variant\'s timeline lines when asked, without the history', () => {
    const withFault = {
      ...run,
      results: [
        { ...results[0]!, history: [{ type: 'fault' as const, at: 7, action: 'drop-response', detail: 'Produce #2' }, ...results[0]!.history] },
        ...results.slice(1),
      ],
    };
    const variants = toJsonReport([withFault], { broker }, { timeline: true }).scenarios[0]!.variants;
    expect(variants[0]!.timeline).toEqual(['      7 ms  fault   Produce #2']);
    expect(variants[1]!.timeline).toEqual([]);
    // A skipped variant still has its (empty) timeline in the JSON, unlike renderTimeline.
    expect(variants[3]!.timeline).toEqual([]);
    for (const variant of variants) expect(variant).not.toHaveProperty('history');
    expect(variants.map((v) => v.timeline)).toEqual(withFault.results.map((r) => timelineLines(r)));
  });

  it('includes both the history and the timeline when both are asked', () => {
    const [baseline] = toJsonReport([run], { broker }, { history: true, timeline: true }).scenarios[0]!.variants;
    expect(baseline!.history).toEqual([{ type: 'phase', at: 0, name: 'produce' }]);
    expect(baseline!.timeline).toEqual([]);
    expect(Object.keys(baseline!).slice(-2)).toEqual(['history', 'timeline']);
  });

  it('lists the kept topics of every variant of every scenario', () => {
    const other = { ...run, scenario: 'other', results: [{ ...run.results[0]!, topics: ['lab-other-1', 'lab-other-2'] }] };
    expect(toJsonReport([run, other], { broker }).keptTopics).toEqual([
      'lab-demo-baseline',
      'lab-demo-concurrent',
      'lab-other-1',
      'lab-other-2',
    ]);
    expect(toJsonReport([], { broker })).toEqual({ schema: RUN_SCHEMA, broker: expect.any(Object), scenarios: [], keptTopics: [] });
  });

  it('survives a JSON round trip unchanged', () => {
    const report = toJsonReport([run], { broker }, { history: true });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('does not modify the results it is given', () => {
    const before = structuredClone(run);
    toJsonReport([run], { broker }, { history: true });
    expect(run).toEqual(before);
  });
});
