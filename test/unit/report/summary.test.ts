// Unit tests for the run-all summary: which counts each row shows, empty cells, and the plain-text table.
import { describe, it, expect } from 'vitest';
import { SUMMARY_LEGEND, renderSummaryTable, summaryRows, type SummaryRow } from '../../../src/report/summary.js';
import { mappedRun, mappedScenario, results, run, scenario } from './fixtures.js';

const ESC = String.fromCharCode(27);

describe('summaryRows', () => {
  it('shows duplicates, lost and out-of-order from the counts, with a dash for a count that is missing', () => {
    expect(summaryRows([run], [scenario])).toEqual<SummaryRow[]>([
      { scenario: 'demo', variant: 'baseline', duplicates: '25', lost: '0', outOfOrder: '—', promise: '—' },
      { scenario: 'demo', variant: 'idempotent', duplicates: '0', lost: '0', outOfOrder: '—', promise: 'kept' },
      { scenario: 'demo', variant: 'concurrent', duplicates: '3', lost: '1.3', outOfOrder: '—', promise: 'BROKEN (duplicates, lost)' },
      { scenario: 'demo', variant: 'redis', duplicates: '', lost: '', outOfOrder: '', promise: 'skipped' },
      { scenario: 'demo', variant: 'crashy', duplicates: '', lost: '', outOfOrder: '', promise: 'error' },
    ]);
  });

  it('uses a scenario\'s summaryCounts mapping instead of its raw counts', () => {
    expect(summaryRows([mappedRun], [mappedScenario])).toEqual<SummaryRow[]>([
      // Raw counts say lost 99 and outOfOrder 4; the mapping shows rows + events and missing events only.
      { scenario: 'mapped', variant: 'naive', duplicates: '3', lost: '1', outOfOrder: '—', promise: '—' },
      { scenario: 'mapped', variant: 'outbox', duplicates: '0', lost: '0', outOfOrder: '—', promise: 'kept' },
      { scenario: 'mapped', variant: 'outbox-redis', duplicates: '', lost: '', outOfOrder: '', promise: 'skipped' },
    ]);
  });

  it('falls back to the raw counts when the scenario is not in the list', () => {
    const [naive] = summaryRows([mappedRun], [scenario]);
    expect(naive).toEqual({ scenario: 'mapped', variant: 'naive', duplicates: '1', lost: '99', outOfOrder: '4', promise: '—' });
  });

  it('leaves every count cell empty for an errored row, whatever its counts', () => {
    const [crashy] = summaryRows([{ ...run, results: [{ ...results[4]!, counts: { duplicates: 1, lost: 2, outOfOrder: 3 } }] }], [scenario]);
    expect(crashy).toEqual({ scenario: 'demo', variant: 'crashy', duplicates: '', lost: '', outOfOrder: '', promise: 'error' });
  });

  it('keeps the runs in order, each with its variants in order', () => {
    const rows = summaryRows([mappedRun, run], [scenario, mappedScenario]);
    expect(rows.map((r) => `${r.scenario}/${r.variant}`)).toEqual([
      'mapped/naive',
      'mapped/outbox',
      'mapped/outbox-redis',
      'demo/baseline',
      'demo/idempotent',
      'demo/concurrent',
      'demo/redis',
      'demo/crashy',
    ]);
    expect(summaryRows([], [scenario])).toEqual([]);
  });
});

describe('renderSummaryTable', () => {
  const rows = summaryRows([run, mappedRun], [scenario, mappedScenario]);

  it('renders the rows as a plain-text table at color level 0, with the legend', () => {
    const text = renderSummaryTable(rows, 0);
    expect(text).not.toContain(ESC);
    expect(text).toMatchInlineSnapshot(`
      "Summary
      ┌──────────┬──────────────┬────────────┬──────┬──────────────┬───────────────────────────┐
      │ scenario │ variant      │ duplicates │ lost │ out-of-order │ promise                   │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ demo     │ baseline     │ 25         │ 0    │ —            │ —                         │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ demo     │ idempotent   │ 0          │ 0    │ —            │ kept                      │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ demo     │ concurrent   │ 3          │ 1.3  │ —            │ BROKEN (duplicates, lost) │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ demo     │ redis        │            │      │              │ skipped                   │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ demo     │ crashy       │            │      │              │ error                     │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ mapped   │ naive        │ 3          │ 1    │ —            │ —                         │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ mapped   │ outbox       │ 0          │ 0    │ —            │ kept                      │
      ├──────────┼──────────────┼────────────┼──────┼──────────────┼───────────────────────────┤
      │ mapped   │ outbox-redis │            │      │              │ skipped                   │
      └──────────┴──────────────┴────────────┴──────┴──────────────┴───────────────────────────┘
      duplicates and lost count records in the log for producer scenarios (lost includes failed sends missing from the log), side effects for consumer scenarios, rows plus events and missing events for dual-write; out-of-order is per key.
      "
    `);
  });

  it('ends with the legend line', () => {
    expect(renderSummaryTable([], 0).endsWith(`\n${SUMMARY_LEGEND}\n`)).toBe(true);
    expect(renderSummaryTable([], 0).startsWith('Summary\n')).toBe(true);
  });

  it('only adds colors at a color level above 0', () => {
    const colored = renderSummaryTable(rows, 1);
    expect(colored).toContain(`${ESC}[`);
    expect(colored.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(renderSummaryTable(rows, 0));
  });
});
