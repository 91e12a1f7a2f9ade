// The run-all summary: one line per scenario and variant with the counts every scenario shares. Pure.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import { formatNumber, promiseCell } from './cells.js';

export interface SummaryRow {
  scenario: string;
  variant: string;
  duplicates: string;
  lost: string;
  outOfOrder: string;
  promise: string;
}

/**
 * Duplicates and lost are in every scenario's counts: records for producer scenarios, side effects for
 * consumer scenarios; a scenario may map its own (dual-write: rows and events).
 */
export function summaryRows(runs: ScenarioResult[], scenarios: Scenario[]): SummaryRow[] {
  return runs.flatMap((run) => {
    const scenario = scenarios.find((s) => s.name === run.scenario);
    return run.results.map((r) => {
      const counts = scenario?.summaryCounts ? scenario.summaryCounts(r.counts) : r.counts;
      const cell = (value: number | undefined) => (r.skipped || r.error ? '' : value === undefined ? '—' : formatNumber(value));
      return {
        // One row per scenario, variant and client when the run named its clients.
        scenario: run.client ? `${run.scenario} · ${run.client.name}` : run.scenario,
        variant: r.variant,
        duplicates: cell(counts.duplicates),
        lost: cell(counts.lost),
        outOfOrder: cell(counts.outOfOrder),
        promise: promiseCell(r),
      };
    });
  });
}

export const SUMMARY_LEGEND =
  'duplicates and lost count records in the log for producer scenarios (lost includes failed sends missing from the log), side effects for consumer scenarios, rows plus events and missing events for dual-write; out-of-order is per key.';

export function renderSummaryTable(rows: SummaryRow[], colorLevel: 0 | 1 | 2 | 3): string {
  const chalk = new Chalk({ level: colorLevel });
  const table = new Table({
    head: ['scenario', 'variant', 'duplicates', 'lost', 'out-of-order', 'promise'].map((h) => chalk.bold(h)),
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const promise = r.promise.startsWith('BROKEN') || r.promise === 'error' ? chalk.red.bold(r.promise) : r.promise === 'kept' ? chalk.green(r.promise) : r.promise;
    table.push([r.scenario, chalk.bold(r.variant), r.duplicates, r.lost, r.outOfOrder, promise]);
  }
  return `${chalk.bold('Summary')}\n${table.toString()}\n${chalk.dim(SUMMARY_LEGEND)}\n`;
}
