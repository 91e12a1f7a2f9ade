// Unit tests for the HTML report: one self-contained page (no script, no network), anchors per variant, verdicts, escaping, the diagram's marks and time scale.
import { describe, expect, it } from 'vitest';
import { renderHtml, variantAnchor } from '../../../src/report/html.js';
import { marksOf, renderDiagram, timeScale } from '../../../src/report/html-diagram.js';
import type { Op, VariantResult } from '../../../src/core/types.js';
import { mappedRun, mappedScenario, results, run, scenario } from './fixtures.js';

const context = { header: { broker: { provider: 'local' as const, kafkaVersion: '4.1.1', description: 'Apache Kafka 4.1.1, local JVM' } }, client: 'kafkajs 2.2.4', labVersion: '0.1.0' };

describe('renderHtml', () => {
  const page = renderHtml([run], [scenario], context);

  it('is one self-contained document: no script, no stylesheet link, no image or URL to fetch', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|@import|https?:\/\//i);
  });

  it('names the broker and the client, and gives every variant an anchor a host can jump to', () => {
    expect(page).toContain('broker: Apache Kafka 4.1.1, local JVM · client: kafkajs 2.2.4');
    for (const r of results) {
      expect(page).toContain(`<article id="${variantAnchor('demo', r.variant)}">`);
      expect(page).toContain(`href="#demo--${r.variant}"`);
    }
  });

  it('marks kept and BROKEN in words and symbols, not by colour alone', () => {
    expect(page).toContain('<span class="badge kept">✓ kept</span>');
    expect(page).toContain('<span class="badge broken">✗ BROKEN (duplicates, lost)</span>');
    expect(page).toContain('<span class="badge skipped">skipped</span>');
    expect(page).toContain('<span class="badge error">✗ error</span>');
  });

  it('shows the prediction beside the count', () => {
    expect(page).toContain('<b>25 (pred 25)</b> duplicates');
  });

  it('escapes what it prints', () => {
    const hostile: VariantResult = { ...results[0]!, variant: 'x', note: '<script>alert(1)</script> & "q"' };
    const out = renderHtml([{ ...run, results: [hostile] }], [scenario], context);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;');
    expect(out).not.toContain('<script>alert');
  });

  it('has a light and a dark theme, switchable without script, and a print style', () => {
    expect(page).toContain('@media (prefers-color-scheme: dark)');
    expect(page).toContain('body:has(#theme-dark:checked)');
    expect(page).toContain('@media print');
  });

  it('adds the summary only for several scenarios', () => {
    expect(page).not.toContain('id="summary"');
    expect(renderHtml([run, mappedRun], [scenario, mappedScenario], context)).toContain('<section id="summary">');
  });
});

const at = (() => {
  let t = 0;
  return (step = 1) => (t += step);
})();
const send = (i: number, outcome: 'ok' | 'unknown' = 'ok'): Op => ({ type: 'send', at: at(), id: `m${i}`, key: 'k', seq: i, globalSeq: i, outcome });

describe('the diagram', () => {
  const history: Op[] = [
    ...Array.from({ length: 40 }, (_, i) => send(i)),
    { type: 'fault', at: at(), action: 'drop-response', detail: 'Produce #41', affected: 5 },
    { type: 'retry', at: at(300), attempt: 1, delayMs: 300, error: 'reset' },
    { type: 'retry', at: at(), attempt: 1, delayMs: 300, error: 'reset' },
    ...Array.from({ length: 10 }, (_, i) => send(40 + i)),
    { type: 'observe', at: at(), where: 'log', partition: 0, offset: '0', id: 'm0', key: 'k', seq: 0, globalSeq: 0 },
    { type: 'observe', at: at(), where: 'log', partition: 0, offset: '1', id: 'm0', key: 'k', seq: 0, globalSeq: 0 },
  ];
  const result: VariantResult = { ...results[0]!, history };

  it('summarises acknowledged sends into stretches, keeps faults and retries apart, and merges one reset\'s retries', () => {
    const marks = marksOf(result);
    expect(marks.map((m) => [m.lane, m.label])).toEqual([
      ['producer', '40 sends acked'],
      ['proxy', 'ack lost (5 in flight)'],
      ['producer', '2 retries after 300 ms'],
      ['producer', '10 sends acked'],
      ['read-back', 'log: 2 records, 1 extra'],
    ]);
    expect(marks.filter((m) => m.key).map((m) => m.label)).toEqual(['ack lost (5 in flight)', 'log: 2 records, 1 extra']);
  });

  it('draws a lane per actor with shapes that differ by form (diamond for a fault)', () => {
    const svg = renderDiagram(result, 'demo');
    expect(svg).toContain('>producer (kafkajs)</text>');
    expect(svg).toContain('>chaos proxy</text>');
    expect(svg).toContain('>read back</text>');
    expect(svg).toMatch(/<path class="mark fault key" d="M[\d.]+ [\d.]+ L/);
  });

  it('draws long quiet stretches short, with their real length on a break mark, and keeps time in order', () => {
    const scale = timeScale([{ at: 0 }, { at: 10 }, { at: 20 }, { at: 5000 }, { at: 5010 }], 0, 1000);
    expect(scale.breaks).toHaveLength(1);
    expect(scale.breaks[0]!.ms).toBe(4980);
    const xs = [0, 10, 20, 2500, 5000, 5010].map(scale.x);
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
    // The busy start takes a real share of the width, not 20 of 5010 parts.
    expect(scale.x(20) - scale.x(0)).toBeGreaterThan(10);
  });
});
