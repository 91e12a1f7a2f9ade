// Unit tests for `explain` and `list`: the exact text for a fixed scenario, and every real scenario renders sensibly.
import { describe, it, expect } from 'vitest';
import { renderExplain, renderList } from '../../../src/report/explain.js';
import type { Scenario } from '../../../src/core/scenario.js';
import { COUNT_NAMES, COUNT_NAMES_COMPLETE } from '../../../src/core/types.js';
import { scenarios } from '../../../scenarios/index.js';
import { scenario as demo } from './fixtures.js';

const ESC = String.fromCharCode(27);

// The lab's own list of counts: src/core/types.ts fails to build when it misses one.
const listsEveryCount = COUNT_NAMES_COMPLETE;

const explained: Scenario = {
  ...demo,
  defaultFaults: 1,
  explain: {
    story: 'The ack is lost.\n\nThe producer retries.',
    kafkajs: ['idempotent: true', 'maxInFlightRequests: 5'],
    java: ['enable.idempotence=true'],
    kafkajsDiffers: 'kafkajs retries differently.',
  },
  variants: [
    { name: 'baseline', title: 'retries on', why: 'Retries resend the batch.', settings: {}, expect: {} },
    { name: 'idempotent', title: 'idempotent', why: 'The broker drops the copy.', settings: {}, expect: { duplicates: 0, outOfOrder: 0 } },
    { name: 'redis', title: 'dedup in Redis', why: 'Redis remembers ids.', settings: {}, expect: { duplicateEffects: 0 }, needs: ['redis'] },
    { name: 'needs-nothing', title: 'empty needs', why: 'An empty needs list.', settings: {}, expect: {}, needs: [] },
  ],
};

describe('renderExplain', () => {
  it('renders a fixed scenario as plain text at color level 0', () => {
    const text = renderExplain(explained, 0);
    expect(text).not.toContain(ESC);
    expect(text).toMatchInlineSnapshot(`
      "demo — A lost ack makes the producer retry.

      What goes wrong
        The ack is lost.

        The producer retries.

      Variants
        baseline                       Retries resend the batch.
        idempotent                     The broker drops the copy. (promises duplicates = 0, out-of-order = 0)
        redis                          Redis remembers ids. (promises duplicate effects = 0) [needs redis]
        needs-nothing                  An empty needs list.

      Faults
        drop-response    a lost ack: the broker processed the request, its answer never reaches the client, and the connection resets; a producer retries a write that happened
        every fault the lab has: kafka-dup-lab explain faults

      Settings with kafkajs
        idempotent: true
        maxInFlightRequests: 5

      Settings with the Java client
        enable.idempotence=true

      Where kafkajs differs
        kafkajs retries differently.

      Run it: npx kafka-dup-lab run demo   (defaults: 100 messages, 1 fault, seed 42)
      "
    `);
  });

  it('adds what the lab sets with each client, variant by variant, after everything else', () => {
    const text = renderExplain(explained, 0, [{ client: 'platformatic', variants: [{ name: 'baseline', lines: ['new Producer({ retries: 5 })'] }] }]);
    expect(text).toContain('\nWhat the lab sets with --client platformatic\n  baseline\n    new Producer({ retries: 5 })\n');
    expect(text.indexOf('What the lab sets')).toBeGreaterThan(text.indexOf('Where kafkajs differs'));
    expect(renderExplain(explained, 0)).not.toContain('What the lab sets');
  });

  it('puts the headings in order', () => {
    const text = renderExplain(explained, 0);
    const headings = ['What goes wrong', 'Variants', 'Faults', 'Settings with kafkajs', 'Settings with the Java client', 'Where kafkajs differs'];
    const positions = headings.map((h) => text.split('\n').indexOf(h));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('shows each variant\'s promise and needs on its line, and nothing for a variant without them', () => {
    const lines = renderExplain(explained, 0).split('\n');
    const line = (name: string) => lines.find((l) => l.startsWith(`  ${name} `))!;
    expect(line('baseline')).toBe(`  ${'baseline'.padEnd(30)} Retries resend the batch.`);
    expect(line('idempotent')).toBe(`  ${'idempotent'.padEnd(30)} The broker drops the copy. (promises duplicates = 0, out-of-order = 0)`);
    expect(line('redis')).toBe(`  ${'redis'.padEnd(30)} Redis remembers ids. (promises duplicate effects = 0) [needs redis]`);
    expect(line('needs-nothing')).toBe(`  ${'needs-nothing'.padEnd(30)} An empty needs list.`);
  });

  it('ends with the run hint, with "fault" or "faults" as the default count asks', () => {
    expect(renderExplain(explained, 0).endsWith('Run it: npx kafka-dup-lab run demo   (defaults: 100 messages, 1 fault, seed 42)\n')).toBe(true);
    expect(renderExplain(demo, 0)).toContain('Run it: npx kafka-dup-lab run demo   (defaults: 100 messages, 5 faults, seed 42)');
  });

  it('only adds colors at a color level above 0', () => {
    const colored = renderExplain(explained, 3);
    expect(colored).toContain(`${ESC}[`);
    expect(colored.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(renderExplain(explained, 0));
  });
});

describe('renderList', () => {
  it('lists each scenario with its summary and its variants\' titles, a blank line between scenarios', () => {
    const other: Scenario = { ...demo, name: 'other', summary: 'Another one.', variants: [explained.variants[0]!] };
    expect(renderList([explained, other], 0)).toBe(
      [
        'demo  A lost ack makes the producer retry.',
        `    ${'baseline'.padEnd(30)} retries on`,
        `    ${'idempotent'.padEnd(30)} idempotent`,
        `    ${'redis'.padEnd(30)} dedup in Redis`,
        `    ${'needs-nothing'.padEnd(30)} empty needs`,
        '',
        'other  Another one.',
        `    ${'baseline'.padEnd(30)} retries on`,
        '',
      ].join('\n'),
    );
  });

  it('is a lone newline for no scenarios', () => {
    expect(renderList([], 0)).toBe('\n');
  });
});

describe('every real scenario', () => {
  it('is listed, every one of the registry, with unique names', () => {
    expect(listsEveryCount).toBe(true);
    expect(scenarios.length).toBeGreaterThanOrEqual(8);
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
    const list = renderList(scenarios, 0);
    for (const s of scenarios) {
      expect(list).toContain(`${s.name}  ${s.summary}\n`);
      for (const v of s.variants) expect(list).toContain(`    ${v.name.padEnd(30)} ${v.title}`);
    }
  });

  describe.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, s) => {
    it('has a story, a summary, settings for both clients and a kafkajs comparison', () => {
      expect(s.summary.trim()).not.toBe('');
      expect(s.explain.story.trim()).not.toBe('');
      expect(s.explain.kafkajs.length).toBeGreaterThan(0);
      expect(s.explain.java.length).toBeGreaterThan(0);
      for (const line of [...s.explain.kafkajs, ...s.explain.java]) expect(line.trim()).not.toBe('');
      expect(s.explain.kafkajsDiffers.trim()).not.toBe('');
    });

    it('has at least 2 variants with unique names, the first promising nothing', () => {
      expect(s.variants.length).toBeGreaterThanOrEqual(2);
      expect(new Set(s.variants.map((v) => v.name)).size).toBe(s.variants.length);
      expect(s.variants[0]!.expect).toEqual({});
      for (const v of s.variants) {
        expect(v.name).toMatch(/^[a-z0-9-]+$/);
        expect(v.title.trim()).not.toBe('');
        expect(v.why.trim()).not.toBe('');
      }
    });

    it('names only Counts keys in its columns and promises', () => {
      const known: readonly string[] = COUNT_NAMES;
      for (const c of s.columns) expect(known).toContain(c.key);
      for (const v of s.variants) for (const key of Object.keys(v.expect)) expect(known).toContain(key);
    });

    it('renders its explanation with every heading, variant and setting', () => {
      const text = renderExplain(s, 0);
      expect(text).not.toContain(ESC);
      expect(text.startsWith(`${s.name} — ${s.summary}\n`)).toBe(true);
      for (const h of ['What goes wrong', 'Variants', 'Settings with kafkajs', 'Settings with the Java client', 'Where kafkajs differs']) {
        expect(text.split('\n').filter((l) => l === h)).toHaveLength(1);
      }
      for (const v of s.variants) expect(text).toContain(`  ${v.name.padEnd(30)} ${v.why}`);
      for (const line of [...s.explain.kafkajs, ...s.explain.java]) expect(text).toContain(`  ${line}\n`);
      expect(text).toContain(`Run it: npx kafka-dup-lab run ${s.name}   (defaults: ${s.defaultMessages} messages, `);
      expect(text).not.toContain('undefined');
    });
  });
});
