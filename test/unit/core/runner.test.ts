// Unit tests for the runner with capabilities of its own making: order of run, read-back, cleanup and evaluation; errors, skips, parallelism, measurement.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateVariant } from '../../../src/check/evaluate.js';
import { checkLog } from '../../../src/check/log-checker.js';
import { silentProgress } from '../../../src/core/progress.js';
import { runScenario, type LabCapabilities, type RunRequest } from '../../../src/core/runner.js';
import type { Scenario, Variant } from '../../../src/core/scenario.js';

type Settings = { fail?: boolean; sends: number };

/** A lab that records what the runner asks of it, in order. */
function fakeLab() {
  const calls: string[] = [];
  let open = 0;
  let mostOpen = 0;
  const lab: LabCapabilities = {
    createTopics: async (_b, topics) => {
      calls.push(`create ${topics.map((t) => t.name).join(',')}`);
    },
    deleteTopics: async (_b, names) => {
      if (names.length) calls.push(`delete ${names.join(',')}`);
    },
    deleteRunGroups: async () => undefined,
    warmTransactions: async () => {
      calls.push('warm transactions');
    },
    startProxy: async () => {
      calls.push('proxy');
      return { bootstrap: '127.0.0.1:1', settled: async () => void calls.push('proxy settled'), close: async () => void calls.push('proxy closed') };
    },
    readBack: async (_b, request, history) => {
      calls.push(`read ${request.kind === 'topic' ? request.topic : 'effects'}`);
      // Reads back every message the history says was sent, once.
      for (const s of history.ofType('send')) history.add({ type: 'observe', where: 'log', partition: 0, offset: '0', id: s.id, key: s.key, seq: s.seq, globalSeq: s.globalSeq });
    },
    evaluate: evaluateVariant,
  };
  return { lab, calls, track: { enter: () => (mostOpen = Math.max(mostOpen, ++open)), leave: () => open--, most: () => mostOpen } };
}

function scenario(track: { enter(): void; leave(): void }, extra: Partial<Scenario<Settings>> = {}): Scenario<Settings> {
  const variant = (name: string, settings: Settings, more: Partial<Variant<Settings>> = {}): Variant<Settings> => ({ name, title: name, why: name, settings, expect: { duplicates: 0 }, ...more });
  return {
    name: 'demo',
    summary: 'a demo',
    faults: [],
    explain: { story: '', kafkajs: [], java: [], kafkajsDiffers: '' },
    defaultMessages: 3,
    defaultFaults: 0,
    columns: [{ key: 'duplicates', label: 'duplicates' }],
    variants: [variant('a', { sends: 3 }), variant('b', { sends: 2 }), variant('c', { sends: 1, fail: true }), variant('d', { sends: 1 }, { needs: ['redis'] })],
    run: async (ctx, v) => {
      track.enter();
      try {
        const topic = await ctx.createTopic('log', 1);
        await ctx.startProxy([]);
        ctx.defer('worker', () => undefined);
        for (let i = 0; i < v.settings.sends; i++) ctx.history.add({ type: 'send', id: `${v.name}${i}`, key: 'k', seq: i, globalSeq: i, outcome: 'ok' });
        await new Promise((r) => setTimeout(r, 20));
        if (v.settings.fail) throw new Error('the workload broke');
        return [{ kind: 'topic', topic, where: 'log', isolation: 'read_uncommitted' }];
      } finally {
        track.leave();
      }
    },
    check: (h) => checkLog(h, 'log'),
    predict: () => ({ duplicates: 0 }),
    note: (v, c) => `${v.name}: ${c.observed} read`,
    ...extra,
  };
}

function request(s: Scenario, lab: LabCapabilities, extra: Partial<RunRequest> = {}): RunRequest {
  return { scenario: s, variants: s.variants, bootstrap: '127.0.0.1:9', seed: 42, messages: 3, faults: 0, keepTopics: false, progress: silentProgress, resources: { redis: { missing: 'no Redis here' } }, lab, ...extra };
}

describe('runScenario', () => {
  it('runs, reads back before the variant closes, deletes its topics after, then evaluates the whole history', async () => {
    const { lab, calls, track } = fakeLab();
    const s = scenario(track);
    const result = await runScenario(request(s, lab, { variants: [s.variants[0]!] }));
    const topic = calls[0]!.slice('create '.length);
    expect(calls).toEqual([`create ${topic}`, 'proxy', `read ${topic}`, 'proxy closed', `delete ${topic}`]);
    const [a] = result.results;
    expect(a).toMatchObject({ variant: 'a', counts: { sent: 3, observed: 3, duplicates: 0 }, predicted: { duplicates: 0 }, promise: 'kept', note: 'a: 3 read', topics: [] });
    // The history holds the workload, the read-back and the phases, in order.
    expect(a!.history.map((o) => o.type)).toEqual(['send', 'send', 'send', 'phase', 'observe', 'observe', 'observe', 'phase']);
  });

  it('a variant that throws is an error row, still closed; a variant whose service is missing is skipped; the others run', async () => {
    const { lab, calls, track } = fakeLab();
    const result = await runScenario(request(scenario(track), lab));
    expect(result.results.map((r) => [r.variant, r.error ?? r.skipped ?? r.promise])).toEqual([
      ['a', 'kept'],
      ['b', 'kept'],
      ['c', 'the workload broke'],
      ['d', 'no Redis here'],
    ]);
    expect(calls.filter((c) => c === 'proxy closed')).toHaveLength(3);
    expect(calls.filter((c) => c.startsWith('delete'))).toHaveLength(3);
    expect(result.results[2]!.counts).toEqual({});
  });

  it('a variant built on something the run\'s client lacks is skipped, naming it, and never runs; the others run with that client', async () => {
    const { lab, calls, track } = fakeLab();
    const s = scenario(track, { clients: ['kafkajs', 'java'] });
    const lacking = { ...s.variants[1]!, lacking: { java: 'heartbeat() to call' } };
    const result = await runScenario(request(s, lab, { variants: [s.variants[0]!, lacking], client: { name: 'java', library: 'kafka-clients' } }));
    expect(result.results.map((r) => [r.variant, r.client, r.skipped ?? r.promise])).toEqual([
      ['a', 'java', 'kept'],
      ['b', 'java', 'java has no heartbeat() to call'],
    ]);
    expect(calls.filter((c) => c.startsWith('create'))).toHaveLength(1);
  });

  it('runs at most parallelVariants variants at once; keepTopics names the topics and deletes none', async () => {
    const { lab, calls, track } = fakeLab();
    const result = await runScenario(request(scenario(track, { parallelVariants: 2 }), lab, { keepTopics: true }));
    expect(track.most()).toBe(2);
    expect(calls.some((c) => c.startsWith('delete'))).toBe(false);
    expect(result.results[0]!.topics).toHaveLength(1);
  });

  it('readies the transaction coordinator once for a transactional scenario', async () => {
    const { lab, calls, track } = fakeLab();
    await runScenario(request(scenario(track, { transactional: true, parallelVariants: 4 }), lab));
    expect(calls.filter((c) => c === 'warm transactions')).toHaveLength(1);
    expect(calls[0]).toBe('warm transactions');
  });

  it('records the best measured round in each variant\'s history and evaluates again', async () => {
    const { lab, track } = fakeLab();
    const rates = [100, 300, 200, 250]; // warm-up, then three rounds
    const s = scenario(track, {
      prepareMeasure: async () => {
        let round = 0;
        return async () => ({ throughput: rates[round++ % rates.length]! });
      },
    });
    const result = await runScenario(request(s, lab, { variants: [s.variants[0]!] }));
    expect(result.results[0]!.counts.throughput).toBe(300);
    expect(result.results[0]!.history.at(-1)).toMatchObject({ type: 'measure', name: 'throughput', value: 300 });
  });

  it('keeps a variant\'s SQLite files when asked (--keep-data)', async () => {
    const { lab, track } = fakeLab();
    const keep = mkdtempSync(join(tmpdir(), 'dup-lab-unit-'));
    const s = scenario(track);
    const writesDb = { ...s, run: async (...args: Parameters<typeof s.run>) => {
      writeFileSync(join(args[0].resources.workDir, 'a.db'), 'sqlite');
      return s.run(...args);
    } };
    await runScenario(request(writesDb, lab, { variants: [s.variants[0]!], resources: { keepDataDir: keep } }));
    expect(readdirSync(join(keep, 'demo-a'))).toEqual(['a.db']);
    rmSync(keep, { recursive: true, force: true });
    expect(existsSync(keep)).toBe(false);
  });
});
