// Unit tests for the terminal table: the exact plain-text rendering of a fixed run.
import { describe, it, expect } from 'vitest';
import { renderTable } from '../../../src/report/table.js';
import { run, scenario } from './fixtures.js';

const ESC = String.fromCharCode(27);

describe('renderTable', () => {
  it('renders a fixed run as plain text at color level 0', () => {
    const text = renderTable(scenario, run, { broker: 'local Apache Kafka 4.1.1', colorLevel: 0, width: 100 });
    expect(text).not.toContain(ESC);
    expect(text).toMatchInlineSnapshot(`
      "demo — A lost ack makes the producer retry.
      broker: local Apache Kafka 4.1.1 · seed 42 · 100 messages · 5 faults
      ┌────────────┬──────┬──────────────┬──────┬──────────────────────────────────────────────────────────┐
      │ variant    │ sent │ duplicates   │ lost │ promise                                                  │
      ├────────────┼──────┼──────────────┼──────┼──────────────────────────────────────────────────────────┤
      │ baseline   │ 100  │ 25 (pred 25) │ 0    │ —                                                        │
      ├────────────┴──────┴──────────────┴──────┴──────────────────────────────────────────────────────────┤
      │ Each lost ack is retried.                                                                          │
      ├────────────┬──────┬──────────────┬──────┬──────────────────────────────────────────────────────────┤
      │ idempotent │ 100  │ 0            │ 0    │ kept                                                     │
      ├────────────┴──────┴──────────────┴──────┴──────────────────────────────────────────────────────────┤
      │ The broker drops the retried batch. Promise: duplicates = 0.                                       │
      ├────────────┬──────┬──────────────┬──────┬──────────────────────────────────────────────────────────┤
      │ concurrent │ 100  │ 3            │ 1.3  │ BROKEN (duplicates, lost)                                │
      ├────────────┴──────┴──────────────┴──────┴──────────────────────────────────────────────────────────┤
      │ Sends overlap. Promise: duplicates = 0, lost = 0.                                                  │
      ├────────────┬──────┬──────────────┬──────┬──────────────────────────────────────────────────────────┤
      │ redis      │      │              │      │ skipped                                                  │
      ├────────────┴──────┴──────────────┴──────┴──────────────────────────────────────────────────────────┤
      │ skipped: no Redis at localhost:6379                                                                │
      ├────────────┬──────┬──────────────┬──────┬──────────────────────────────────────────────────────────┤
      │ crashy     │      │              │      │ error                                                    │
      ├────────────┴──────┴──────────────┴──────┴──────────────────────────────────────────────────────────┤
      │ could not run: broker went away                                                                    │
      └────────────────────────────────────────────────────────────────────────────────────────────────────┘
      kept topics: lab-demo-baseline, lab-demo-concurrent
      "
    `);
  });

  it('colors the output at a color level above 0', () => {
    const text = renderTable(scenario, run, { broker: 'x', colorLevel: 1, width: 100 });
    expect(text).toContain(`${ESC}[`);
    // Colors aside, the text is the same.
    const plain = renderTable(scenario, run, { broker: 'x', colorLevel: 0, width: 100 });
    expect(text.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(plain);
  });

  it('omits the kept-topics line when no topic was kept', () => {
    const noTopics = { ...run, results: run.results.map((r) => ({ ...r, topics: [] })) };
    const text = renderTable(scenario, noTopics, { broker: 'x', colorLevel: 0 });
    expect(text).not.toContain('kept topics');
    expect(text.endsWith('┘\n')).toBe(true);
  });

  it('is never narrower than its columns, even for a tiny width', () => {
    const text = renderTable(scenario, run, { broker: 'x', colorLevel: 0, width: 10 });
    expect(text).toContain('BROKEN (duplicates, lost)');
    expect(text).toContain('25 (pred 25)');
  });
});
