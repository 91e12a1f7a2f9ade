// "Which client keeps its promise": after a run with several clients, one row per scenario and variant, one column per client. Pure.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { ScenarioResult } from '../core/runner.js';
import type { Scenario } from '../core/scenario.js';
import type { VariantResult } from '../core/types.js';
import { formatNumber } from './cells.js';

export interface ClientMatrix {
  clients: string[];
  rows: { scenario: string; variant: string; cells: string[] }[];
}

/** The matrix of a run that named two or more clients; undefined otherwise (the summary says it all). */
export function clientMatrix(runs: ScenarioResult[], scenarios: Scenario[]): ClientMatrix | undefined {
  const clients = [...new Set(runs.flatMap((r) => (r.client ? [r.client.name] : [])))];
  if (clients.length < 2) return undefined;
  const rows = new Map<string, { scenario: string; variant: string; cells: string[] }>();
  for (const run of runs) {
    if (!run.client) continue;
    const scenario = scenarios.find((s) => s.name === run.scenario);
    const column = clients.indexOf(run.client.name);
    for (const r of run.results) {
      const key = `${run.scenario}\n${r.variant}`;
      const row = rows.get(key) ?? { scenario: run.scenario, variant: r.variant, cells: clients.map(() => '') };
      row.cells[column] = matrixCell(r, scenario, clientUnavailable(run));
      rows.set(key, row);
    }
  }
  return { clients, rows: [...rows.values()] };
}

/**
 * Why the run's client could not run at all: the runner then skips every variant with the client's own
 * reason (a missing resource skips only the variants that need it).
 */
function clientUnavailable(run: ScenarioResult): string | undefined {
  const reason = run.results[0]?.skipped;
  return reason && run.results.every((r) => r.skipped === reason) ? reason : undefined;
}

/** kept (with what it did not promise, if anything); BROKEN with what happened; — (no promise) with what happened; or why it did not run. */
export function matrixCell(r: VariantResult, scenario: Scenario | undefined, clientUnavailable?: string): string {
  if (r.skipped) return / runs with .* so far, not /.test(r.skipped) ? 'not supported' : r.skipped === clientUnavailable ? 'unavailable' : 'skipped';
  if (r.error) return 'error';
  const counts = scenario?.summaryCounts ? scenario.summaryCounts(r.counts) : r.counts;
  const what = [
    counts.duplicates ? `${formatNumber(counts.duplicates)} dup` : '',
    counts.lost ? `${formatNumber(counts.lost)} lost` : '',
    counts.outOfOrder ? `${formatNumber(counts.outOfOrder)} ooo` : '',
  ].filter(Boolean);
  if (r.promise === 'kept') return what.length ? `kept · ${what.join(', ')}` : 'kept';
  const said = what.length ? what.join(', ') : 'clean';
  return r.promise === 'broken' ? `BROKEN: ${said}` : `— ${said}`;
}

export const MATRIX_LEGEND =
  'kept: the variant kept its promise (counts after · are ones it does not promise); BROKEN: it did not; —: a baseline, which promises nothing; dup, lost, ooo: duplicates, lost, out of order, as in the summary (lost includes failed sends missing from the log, which a promise of nothing lost does not cover: the client said they failed); not supported: the scenario does not run with that client yet; unavailable: the client cannot run here; skipped: something else the row needs is missing (its note says what).';

export function renderMarkdownClientMatrix(matrix: ClientMatrix): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    '### Which client keeps its promise',
    '',
    line(['scenario', 'variant', ...matrix.clients]),
    line(['scenario', 'variant', ...matrix.clients].map(() => '---')),
    ...matrix.rows.map((r) => line([r.scenario, `**${r.variant}**`, ...r.cells])),
    '',
    `_${MATRIX_LEGEND}_`,
    '',
  ].join('\n');
}

export function renderClientMatrix(matrix: ClientMatrix, colorLevel: 0 | 1 | 2 | 3): string {
  const chalk = new Chalk({ level: colorLevel });
  const table = new Table({ head: ['scenario', 'variant', ...matrix.clients].map((h) => chalk.bold(h)), style: { head: [], border: [] } });
  const paint = (cell: string) => (cell.startsWith('BROKEN') || cell === 'error' ? chalk.red.bold(cell) : cell.startsWith('kept') ? chalk.green(cell) : cell);
  for (const r of matrix.rows) table.push([r.scenario, chalk.bold(r.variant), ...r.cells.map(paint)]);
  return `${chalk.bold('Which client keeps its promise')}\n${table.toString()}\n${chalk.dim(MATRIX_LEGEND)}\n`;
}
